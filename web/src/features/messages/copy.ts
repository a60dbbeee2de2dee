import toast from "react-hot-toast";

/** A message's text to the clipboard (the menu's "Copy text"), said in a toast either way. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast.success("Copied.");
  } catch {
    toast.error("The browser did not let us copy. Select the text and copy it instead.");
  }
}

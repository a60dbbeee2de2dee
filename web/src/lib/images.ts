/** Checks of a picture chosen, dropped or pasted, before it is read or sent. */

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/** Why this file cannot be sent as a picture, or null when it can. */
export function imageFileProblem(file: { type: string; size: number }): string | null {
  if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) return "Choose a JPEG, PNG, WebP or GIF picture.";
  if (file.size > MAX_IMAGE_BYTES) return "That picture is larger than 8 MB.";
  if (file.size === 0) return "That picture is empty.";
  return null;
}

export const NOT_A_PICTURE = "This file is not a picture we can send (PNG, JPEG, WebP or GIF).";

/**
 * Whether the browser can decode these bytes as a picture: a text file named .png passes the
 * type check (the type comes from its name) and would be previewed broken, sent and refused.
 */
export async function decodesAsPicture(file: Blob): Promise<boolean> {
  if (typeof createImageBitmap !== "function") return true; // Nothing to check with: the server decides.
  try {
    const bitmap = await createImageBitmap(file);
    bitmap.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Why this file cannot be sent or worn as a picture (its type, size, or bytes the browser cannot
 * decode), or null when it can: one check for messages, profile and group pictures alike.
 */
export async function pictureProblem(file: File): Promise<string | null> {
  return imageFileProblem(file) ?? ((await decodesAsPicture(file)) ? null : NOT_A_PICTURE);
}

/** The file chosen in a file input; the input is emptied, so choosing the same file again
 * is noticed. */
export function takeChosenFile(input: HTMLInputElement): File | null {
  const file = input.files?.[0] ?? null;
  input.value = "";
  return file;
}

/** The first file in a drop or a paste, if any (text and links are left to the browser). */
export function firstFile(items: DataTransfer | null): File | null {
  if (!items) return null;
  if (items.files && items.files.length > 0) return items.files[0] ?? null;
  for (const item of Array.from(items.items ?? [])) {
    if (item.kind === "file") return item.getAsFile();
  }
  return null;
}

/** A drag that carries files (not text being moved around the page). */
export function carriesFiles(transfer: DataTransfer | null): boolean {
  return Boolean(transfer && Array.from(transfer.types ?? []).includes("Files"));
}

export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error("Could not read that file."));
    reader.readAsDataURL(file);
  });
}

/** The bytes of a `data:…;base64,` URL (the picture being sent, kept as one for its preview). */
export function dataUrlToBlob(dataUrl: string): Blob {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(dataUrl);
  if (!match) throw new Error("That picture could not be read.");
  const binary = atob(match[2] as string);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: match[1] as string });
}

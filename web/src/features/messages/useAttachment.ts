import { useCallback, useState } from "react";
import toast from "react-hot-toast";
import { pictureProblem, readAsDataUrl } from "../../lib/images";

export interface Attachment {
  /** The picture waiting to be sent, as a data URL. */
  image: string | null;
  /** Check a chosen, dropped or pasted file and hold it; a clear toast when it cannot be sent. */
  attach: (file: File) => Promise<void>;
  clear: () => void;
}

/** The picture of the message being written, shared by the composer and the drop zone. */
export function useAttachment(): Attachment {
  const [image, setImage] = useState<string | null>(null);
  const attach = useCallback(async (file: File) => {
    const problem = await pictureProblem(file);
    if (problem) {
      toast.error(problem, { id: "image-problem" });
      return;
    }
    try {
      setImage(await readAsDataUrl(file));
    } catch (error) {
      toast.error(error instanceof Error ? error.message : "Could not read that file.", { id: "image-problem" });
    }
  }, []);
  const clear = useCallback(() => setImage(null), []);
  return { image, attach, clear };
}

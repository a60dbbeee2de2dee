import { useCallback, useState } from "react";
import toast from "react-hot-toast";
import { pictureProblem, readAsDataUrl } from "../../lib/images";

/** A picture's natural size in pixels, as the server will store it (imageWidth/imageHeight). */
export interface PictureSize {
  width: number;
  height: number;
}

export interface Attachment {
  /** The picture waiting to be sent, as a data URL. */
  image: string | null;
  /**
   * Its natural size, read when it is decoded here: the pending bubble's box has the picture's
   * shape from the start, not the fixed box of a picture of unknown size until the answer.
   */
  size: PictureSize | null;
  /** Check a chosen, dropped or pasted file and hold it; a clear toast when it cannot be sent. */
  attach: (file: File) => Promise<void>;
  clear: () => void;
}

/** The picture of the message being written, shared by the composer and the drop zone. */
/** Null where the browser cannot say (no createImageBitmap): the bubble takes the fixed box. */
async function naturalSize(file: Blob): Promise<PictureSize | null> {
  if (typeof createImageBitmap !== "function") return null;
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size.width > 0 && size.height > 0 ? size : null;
  } catch {
    return null;
  }
}

export function useAttachment(): Attachment {
  const [picture, setPicture] = useState<{ image: string; size: PictureSize | null } | null>(null);
  const attach = useCallback(async (file: File) => {
    const problem = await pictureProblem(file);
    if (problem) {
      toast.error(problem, { id: "image-problem" });
      return;
    }
    try {
      const [image, size] = await Promise.all([readAsDataUrl(file), naturalSize(file)]);
      setPicture({ image, size });
    } catch (error) {
      toast.error(error instanceof Error ? error.message : "Could not read that file.", { id: "image-problem" });
    }
  }, []);
  const clear = useCallback(() => setPicture(null), []);
  return { image: picture?.image ?? null, size: picture?.size ?? null, attach, clear };
}

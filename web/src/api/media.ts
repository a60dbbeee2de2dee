import { request } from "./http";

/** A stored picture, as POST /api/media answers. */
export interface UploadedPicture {
  id: string;
  url: string;
  thumbUrl: string;
  width: number;
  height: number;
  contentType: string;
}

/** Upload a picture as a file (multipart), not as base64 inside JSON. */
export async function uploadPicture(picture: Blob, purpose: "message" | "avatar"): Promise<UploadedPicture> {
  const form = new FormData();
  form.append("purpose", purpose);
  form.append("file", picture, "picture");
  return (await request<UploadedPicture>("/media", { method: "POST", body: form })).data;
}

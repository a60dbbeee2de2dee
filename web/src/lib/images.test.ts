import { describe, expect, it } from "vitest";
import { carriesFiles, dataUrlToBlob, firstFile, imageFileProblem, MAX_IMAGE_BYTES } from "./images";

describe("pictures before upload", () => {
  it("accept the four picture types up to 8 MB", () => {
    for (const type of ["image/jpeg", "image/png", "image/webp", "image/gif"]) {
      expect(imageFileProblem({ type, size: 1000 })).toBeNull();
    }
    expect(imageFileProblem({ type: "image/png", size: MAX_IMAGE_BYTES })).toBeNull();
  });

  it("refuse other types, oversized and empty files with a clear message", () => {
    expect(imageFileProblem({ type: "image/svg+xml", size: 10 })).toBe("Choose a JPEG, PNG, WebP or GIF picture.");
    expect(imageFileProblem({ type: "text/plain", size: 10 })).toBe("Choose a JPEG, PNG, WebP or GIF picture.");
    expect(imageFileProblem({ type: "", size: 10 })).toBe("Choose a JPEG, PNG, WebP or GIF picture.");
    expect(imageFileProblem({ type: "image/png", size: MAX_IMAGE_BYTES + 1 })).toBe("That picture is larger than 8 MB.");
    expect(imageFileProblem({ type: "image/png", size: 0 })).toBe("That picture is empty.");
  });

  it("find the file in a drop or paste, and ignore text", () => {
    const file = { name: "a.png" } as File;
    const withFiles = { files: [file], items: [], types: ["Files"] } as unknown as DataTransfer;
    const withItem = {
      files: [],
      items: [{ kind: "string" }, { kind: "file", getAsFile: () => file }],
      types: ["text/plain", "Files"],
    } as unknown as DataTransfer;
    const textOnly = { files: [], items: [{ kind: "string" }], types: ["text/plain"] } as unknown as DataTransfer;
    expect(firstFile(withFiles)).toBe(file);
    expect(firstFile(withItem)).toBe(file);
    expect(firstFile(textOnly)).toBeNull();
    expect(firstFile(null)).toBeNull();
    expect(carriesFiles(withFiles)).toBe(true);
    expect(carriesFiles(textOnly)).toBe(false);
  });
});

describe("a picture kept as a data URL", () => {
  it("turns back into its bytes and type for the upload", async () => {
    const blob = dataUrlToBlob("data:image/png;base64,iVBORw0K");
    expect(blob.type).toBe("image/png");
    expect(Array.from(new Uint8Array(await blob.arrayBuffer()))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    expect(() => dataUrlToBlob("https://example.com/a.png")).toThrow();
  });
});

import { describe, expect, it } from "vitest";
import { safeImageUrl } from "./urls";

describe("safeImageUrl", () => {
  it("keeps our own paths, inline pictures and web addresses", () => {
    expect(safeImageUrl("/api/media/images/a.webp")).toBe("/api/media/images/a.webp");
    expect(safeImageUrl("data:image/png;base64,AAAA")).toBe("data:image/png;base64,AAAA");
    expect(safeImageUrl("https://example.com/a.png")).toBe("https://example.com/a.png");
  });

  it("drops scripts, other data and protocol-relative addresses", () => {
    expect(safeImageUrl("javascript:alert(1)")).toBeNull();
    expect(safeImageUrl("data:text/html;base64,PHNjcmlwdD4=")).toBeNull();
    expect(safeImageUrl("//evil.example/a.png")).toBeNull();
    expect(safeImageUrl("")).toBeNull();
  });
});

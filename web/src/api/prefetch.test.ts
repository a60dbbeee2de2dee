import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchChats } from "./messages";
import { prefetch, takePrefetched } from "./prefetch";

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("prefetching the chat page's lists", () => {
  it("hands a prefetched answer to its first taker only", async () => {
    const fetch = vi.fn(async () => answer(200, [{ _id: "x" }]));
    vi.stubGlobal("fetch", fetch);
    prefetch("/messages/chats");
    prefetch("/messages/chats");

    expect(await fetchChats()).toEqual([{ _id: "x" }]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(takePrefetched("/messages/chats")).toBeNull();
  });

  it("asks again when the early request failed (say, before the session was known)", async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(answer(401, { message: "Not signed in" }))
      .mockResolvedValueOnce(answer(200, []));
    vi.stubGlobal("fetch", fetch);
    prefetch("/messages/chats");

    expect(await fetchChats()).toEqual([]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});

import { useEffect, useState } from "react";
import { errorMessage } from "../../api/http";
import { type SearchResult, searchMessages } from "../../api/search";

/** Wait for a pause in typing before asking the server. */
const DEBOUNCE_MS = 250;

export type SearchState =
  | { status: "idle" }
  | { status: "loading" }
  | { status: "failed"; error: string }
  | { status: "done"; results: SearchResult[]; hasMore: boolean; moreLoading: boolean };

/** Messages matching `query` (in one conversation when given), asked for as the person types;
 * an older answer never overwrites a newer one. `more()` adds the next page. */
export function useMessageSearch(query: string, conversationId?: string) {
  // The answer, with the query it answers: while a newer query waits, it is "loading".
  const [answer, setAnswer] = useState<{ q: string; state: SearchState }>({ q: "", state: { status: "idle" } });
  const q = query.trim();
  const state: SearchState = !q ? { status: "idle" } : answer.q === q ? answer.state : { status: "loading" };
  const setState = (next: SearchState | ((was: SearchState) => SearchState)) =>
    setAnswer((was) => ({ q: was.q, state: typeof next === "function" ? next(was.state) : next }));

  useEffect(() => {
    if (!q) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      searchMessages({ q, conversationId, signal: controller.signal }).then(
        (page) => setAnswer({ q, state: { status: "done", results: page.results, hasMore: page.hasMore, moreLoading: false } }),
        (error: unknown) => {
          if (!controller.signal.aborted) setAnswer({ q, state: { status: "failed", error: errorMessage(error) } });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [q, conversationId]);

  function more() {
    if (state.status !== "done" || !state.hasMore || state.moreLoading) return;
    const before = state.results[state.results.length - 1]?.message._id;
    if (!before) return;
    setState({ ...state, moreLoading: true });
    searchMessages({ q, conversationId, before }).then(
      (page) =>
        setState((was) =>
          was.status === "done"
            ? { status: "done", results: [...was.results, ...page.results], hasMore: page.hasMore, moreLoading: false }
            : was,
        ),
      (error: unknown) => setState({ status: "failed", error: errorMessage(error) }),
    );
  }

  return { state, more };
}

import { useState } from "react";

/**
 * A value being typed and what is wrong with it (`problemOf`: null when nothing), said once the
 * person asked (`check`, on submit) and from then on again at every change: a fixed value loses
 * its error at once, and nobody is told off while still typing the first time.
 */
export function useCheckedValue(initial: string, problemOf: (value: string) => string | null) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  return {
    value,
    error,
    change(next: string) {
      setValue(next);
      if (error) setError(problemOf(next));
    },
    /** The problem with the value now (null: none), shown. */
    check(): string | null {
      const problem = problemOf(value);
      setError(problem);
      return problem;
    },
  };
}

import type { Context } from "aws-lambda";

/**
 * Builds the real handler on the first invocation, so env and config are read (and fail fast) at
 * cold start, and importing a handler module in tests or the local runtime has no side effects.
 */
export function lazyHandler<E, R>(build: () => (event: E, context: Context) => Promise<R>) {
  let built: ((event: E, context: Context) => Promise<R>) | undefined;
  return (event: E, context: Context): Promise<R> => {
    built ??= build();
    return built(event, context);
  };
}

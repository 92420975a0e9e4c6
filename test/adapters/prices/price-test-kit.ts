import type { HttpDeps } from "../../../functions/adapters/prices/http";
import { ProviderError } from "../../../functions/core/market-errors";

/** A clock that only `sleep` moves: waits (Retry-After, pacing) are recorded, never slept. */
export function virtualTime(start = Date.parse("2024-01-01T00:00:00Z")) {
  let now = start;
  const sleeps: number[] = [];
  const deps: Required<Pick<HttpDeps, "now" | "sleep" | "random">> = {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
  return { deps, sleeps };
}

/** The ProviderError a promise rejects with (fails the test when it resolves or throws something else). */
export async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error("expected a ProviderError");
}

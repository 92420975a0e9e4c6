import type { FetcherResult } from "../functions/fetcher/handler";

const clockTime = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 19);

/**
 * What one live tick did, in one line per failure: which symbol, why (the providers' own errors),
 * and when the next try is, so `--live` with no network says so instead of waiting in silence.
 */
export function describeLiveTick(
  result: FetcherResult | undefined,
  tickAt: number,
  nextAt: number,
): string[] {
  const next = `next try at ${clockTime(nextAt)} UTC`;
  if (!result) return [`tick ${clockTime(tickAt)} UTC: the fetcher failed every attempt; ${next}`];
  const queued = result.symbols.filter((s) => s.status === "queued").map((s) => s.symbol);
  const failed = result.symbols.filter((s) => s.status === "failed");
  return [
    `tick ${clockTime(tickAt)} UTC: ${queued.length ? `analysed ${queued.join(", ")}` : "nothing analysed"}${failed.length ? `; ${failed.length} failed` : ""}; ${next}`,
    ...failed.map((s) => `  ${s.symbol}: ${s.error ?? "failed"}`),
  ];
}

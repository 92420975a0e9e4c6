/** Why a provider did not serve a symbol. Every kind moves the fetch on to the next provider in the chain. */
export type ProviderFailure =
  | "blocked"
  | "rate-limited"
  | "server-error"
  | "timeout"
  | "network"
  | "invalid-body"
  | "empty"
  | "bad-request"
  | "unknown-symbol"
  | "unsupported";

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: ProviderFailure,
    /** What the provider did, without its name: `HTTP 451 "…restricted location…"`, `no answer within 5000 ms`. */
    readonly detail: string,
    /** The HTTP status it answered, when it answered one. */
    readonly status?: number,
  ) {
    super(`${provider} ${kind}: ${detail}`);
    this.name = "ProviderError";
  }
}

/** Candles that arrived but fail the checks (bad price, high < low, order, staleness). */
export class CandleRejection extends Error {
  constructor(
    readonly provider: string,
    readonly reason: string,
  ) {
    super(`${provider} candles rejected: ${reason}`);
    this.name = "CandleRejection";
  }
}

import { errorMessage } from "../../core/errors";
import { ProviderError } from "../../core/market-errors";
import { type RateGate, realSleep, type Sleep } from "./rate-gate";

export interface HttpDeps {
  sleep?: Sleep;
  /** 0..1, for jitter. */
  random?: () => number;
  /** The clock the waits are measured on; tests pass one that `sleep` advances. */
  now?: () => number;
}

export interface GetJsonOptions extends HttpDeps {
  provider: string;
  gate: RateGate;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Attempts in all; only 429s and dropped connections are tried again. */
  maxAttempts?: number;
  /** The longest wait a 429 may ask for; past it the chain moves on instead. */
  maxWaitMs?: number;
  /** Providers that report throttling inside a 200 body (Kraken) say so here. */
  isRateLimitBody?: (body: unknown) => boolean;
}

const BACKOFF_BASE_MS = 250;

/** Seconds from Retry-After (seconds or an HTTP date), in ms. */
function retryAfterHeader(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A wait given in a 429 body: `retry_after` seconds, "retry after N", or Binance's "banned until <ms>". */
export function retryAfterBody(text: string, now: number): number | undefined {
  const until = /banned until (\d{13})/i.exec(text);
  if (until) return Math.max(0, Number(until[1]) - now);
  const seconds =
    /retry[_ ]after"?\s*[:=]?\s*(\d+(?:\.\d+)?)/i.exec(text) ?? /try again in (\d+(?:\.\d+)?) ?s/i.exec(text);
  return seconds ? Number(seconds[1]) * 1000 : undefined;
}

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");

const SNIPPET_CHARS = 120;
const clip = (text: string) =>
  JSON.stringify(text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text);

/** An error body in short: its message field when it is JSON with one (Binance's `msg`), else its start. */
function snippet(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = [body.msg, body.message, body.error, body.description].find((m) => typeof m === "string");
    if (typeof message === "string") return clip(message);
  } catch {
    // Not JSON: the text itself.
  }
  return clip(text);
}

/**
 * GET a JSON document from a provider through its gate. Classifies every way it can go wrong as a
 * ProviderError so the chain can move on: 451/403 blocked, 5xx, timeout, bad JSON, other 4xx.
 * A 429 waits as long as Retry-After (or the body) says, within bounds, with jitter.
 */
export async function getJson(url: string, options: GetJsonOptions): Promise<unknown> {
  const { provider, gate, timeoutMs } = options;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const fail = (kind: ConstructorParameters<typeof ProviderError>[1], detail: string, status?: number) =>
    new ProviderError(provider, kind, detail, status);
  let lastError: ProviderError = fail("network", "no attempt made");

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const backoff = BACKOFF_BASE_MS * 2 ** (attempt - 1) * random();
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      ({ status, text, retryAfter } = await gate.run(async () => {
        const response = await fetch(url, {
          headers: { accept: "application/json", ...options.headers },
          signal: AbortSignal.timeout(timeoutMs),
        });
        return {
          status: response.status,
          text: await response.text(),
          retryAfter: response.headers.get("retry-after"),
        };
      }));
    } catch (error) {
      if (isTimeout(error)) throw fail("timeout", `no answer within ${timeoutMs} ms`);
      lastError = fail(
        "network",
        (error as Error).cause ? String((error as Error).cause) : errorMessage(error),
      );
      if (attempt < maxAttempts) await sleep(backoff);
      continue;
    }

    if (status === 429 || status === 418) {
      const wait = retryAfterHeader(retryAfter, now()) ?? retryAfterBody(text, now());
      lastError = fail(
        "rate-limited",
        `HTTP ${status}${wait === undefined ? "" : `, asked to wait ${Math.ceil(wait / 1000)} s`}`,
        status,
      );
      if (wait !== undefined && wait > maxWaitMs) throw lastError;
      const pause = (wait ?? backoff) + random() * BACKOFF_BASE_MS;
      gate.pauseFor(pause);
      if (attempt < maxAttempts) await sleep(pause);
      continue;
    }
    if (status === 451 || status === 403) throw fail("blocked", `HTTP ${status} ${snippet(text)}`, status);
    if (status >= 500) throw fail("server-error", `HTTP ${status} ${snippet(text)}`, status);
    if (status === 404) throw fail("unknown-symbol", `HTTP 404 ${snippet(text)}`, status);
    if (status < 200 || status >= 300) throw fail("bad-request", `HTTP ${status} ${snippet(text)}`, status);

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw fail("invalid-body", `not JSON: ${snippet(text)}`);
    }
    if (options.isRateLimitBody?.(body)) {
      lastError = fail("rate-limited", `throttled: ${snippet(text)}`);
      gate.pauseFor(backoff);
      if (attempt < maxAttempts) await sleep(backoff);
      continue;
    }
    return body;
  }
  throw lastError;
}

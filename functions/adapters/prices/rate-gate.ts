import type { RateLimit } from "../../core/providers";

export type Sleep = (ms: number) => Promise<void>;
/** The global timer, not node:timers/promises: the gate's tests run it on a fake clock, which swaps it. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Share of a documented limit we allow ourselves: the server counts arrivals, which jitter. */
const HEADROOM = 0.9;

/**
 * One provider's door: at most `concurrency` requests in flight, request starts kept under the
 * provider's documented limit, and a shared pause when the provider says 429. A per-second limit is
 * a rate: starts are spaced evenly, since a burst sent at the end of one second and one sent at the
 * start of the next can reach the server inside the same second. A longer window (per minute, per
 * hour) is a budget: a sliding window of starts.
 */
export class RateGate {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly starts: number[] = [];
  private pausedUntil = 0;
  private readonly perWindow: number;
  private readonly spacingMs: number;

  constructor(
    readonly concurrency: number,
    private readonly limit: RateLimit | undefined,
    private readonly sleep: Sleep = realSleep,
    private readonly now: () => number = Date.now,
  ) {
    this.perWindow = limit ? Math.max(1, Math.floor(limit.requests * HEADROOM)) : Number.POSITIVE_INFINITY;
    this.spacingMs = limit && limit.perMs <= 1000 ? limit.perMs / this.perWindow : 0;
  }

  /** Every request waits for this long after a 429 told one of them to. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      await this.pace();
      return await task();
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++;
      return;
    }
    // The releasing request hands its slot over directly, so inFlight stays as it is.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  private async pace(): Promise<void> {
    for (;;) {
      const now = this.now();
      const windowMs = this.limit?.perMs ?? 0;
      while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - windowMs) this.starts.shift();
      const waitForWindow =
        this.starts.length >= this.perWindow ? (this.starts[0] ?? now) + windowMs - now : 0;
      const waitForSpacing = (this.starts.at(-1) ?? Number.NEGATIVE_INFINITY) + this.spacingMs - now;
      const wait = Math.max(waitForWindow, waitForSpacing, this.pausedUntil - now);
      if (wait <= 0) {
        this.starts.push(now);
        return;
      }
      await this.sleep(Math.ceil(wait));
    }
  }
}

import type { Config } from "./config";
import { type NotifyDeps, type NotifyResult, notifySignal, type WaitBudget } from "./notify";
import type { Outbox } from "./ports";
import type { Signal } from "./signal";

export interface SweepDeps extends NotifyDeps {
  config: Pick<Config, "timezone" | "outbox">;
  outbox: Outbox;
}

export interface SweepOptions {
  /** Overrides config.outbox.sweepAfterMinutes (the local runtime, whose stream has already run, passes 0). */
  sweepAfterMinutes?: number;
}

export interface SweptAlert {
  signal: Signal;
  result: NotifyResult;
}

export interface SweepResult {
  /** Unnotified alerts in the window. */
  pending: number;
  /** Those old enough to be the sweep's, oldest first: younger ones are still the stream's to deliver. */
  due: number;
  swept: SweptAlert[];
  /** A chat could not be reached yet: the sweep stopped there and the next one goes on. */
  stoppedAt?: SweptAlert;
}

const oldestFirst = (a: Signal, b: Signal) =>
  a.candleTime.localeCompare(b.candleTime) || a.symbol.localeCompare(b.symbol);

/**
 * The outbox sweep: delivers alerts that were stored but never notified (a stream record that expired,
 * a local crash) through the same path as the stream, so deliveredTo keeps each chat to one message
 * and notifiedAt is set once.
 */
export async function sweepOutbox(
  chatIds: readonly string[],
  deps: SweepDeps,
  budget: WaitBudget,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const now = deps.clock.now();
  const { windowHours, sweepAfterMinutes } = deps.config.outbox;
  const dueBefore = now - (options.sweepAfterMinutes ?? sweepAfterMinutes) * 60_000;
  const pending = await deps.outbox.unnotifiedAlerts(now - windowHours * 3_600_000);
  const due = pending.filter((signal) => Date.parse(signal.createdAt) <= dueBefore).sort(oldestFirst);
  const result: SweepResult = { pending: pending.length, due: due.length, swept: [] };
  for (const signal of due) {
    const swept = { signal, result: await notifySignal(signal, chatIds, deps, budget) };
    result.swept.push(swept);
    if (swept.result.status === "retry") return { ...result, stoppedAt: swept };
  }
  return result;
}

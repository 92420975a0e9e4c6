import type { Candle } from "../candles";
import { errorMessage } from "../errors";
import type { OutcomeWriter, ScoredSide } from "../ports";
import type { Outcome, Signal, SignalKey } from "../signal";
import { signalKeyOf } from "../signal";
import { type Timeframe, timeframeMs } from "../timeframes";
import { isSide } from "./rates";

export interface DueOutcomes {
  key: SignalKey;
  /** By horizon in candles ("1", "4", "24"). */
  outcomes: Record<string, Outcome>;
}

/** Exactly what scoring reads of a signal: what the store's `sides` index projects. */
export const scoredSideOf = (signal: ScoredSide): ScoredSide => ({
  symbol: signal.symbol,
  timeframe: signal.timeframe,
  candleTime: signal.candleTime,
  action: signal.action,
  price: signal.price,
  ...(signal.outcomes ? { outcomes: signal.outcomes } : {}),
});

/** The signal with `outcomes` added where it has none yet: a stored outcome is never replaced. */
export const withOutcomes = (signal: Signal, outcomes: Record<string, Outcome>): Signal => ({
  ...signal,
  outcomes: { ...outcomes, ...signal.outcomes },
});

/**
 * The earlier signals whose outcome can be due at the close of `candleTime`: those from `max(horizons)`
 * candles before it up to `min(horizons)` candles before it (epoch ms, inclusive).
 */
export function outcomeWindow(
  candleTime: string,
  timeframe: Timeframe,
  horizons: readonly number[],
): { since: number; until: number } {
  const time = Date.parse(candleTime);
  const step = timeframeMs(timeframe);
  return { since: time - Math.max(...horizons) * step, until: time - Math.min(...horizons) * step };
}

/**
 * The close of the candle opening at `time`, the last such if several. A scan from the end, not a
 * map of the window: the horizons' candles are the newest, and most closes score nothing, so a
 * 250-entry map built at every close was most of the scoring's cost in a backtest.
 */
function closeAt(candles: readonly Candle[], time: number): number | undefined {
  for (let i = candles.length - 1; i >= 0; i--)
    if ((candles[i] as Candle).time === time) return candles[i]?.close;
  return undefined;
}

/**
 * The outcomes of `signals` that `candles` (the request's window, closed candles only) can now
 * give and that are not stored yet. Outcome h of a signal is the close of the candle that opens
 * h candles after the signal's own (candleTime is an open time), with its raw return against the
 * signal's price. A horizon whose candle is not in the window (a gap, or not closed yet) waits, so
 * an outcome missed at one close is written at a later one while its candle is still in the window.
 */
export function dueOutcomes(
  signals: readonly ScoredSide[],
  candles: readonly Candle[],
  horizons: readonly number[],
): DueOutcomes[] {
  const due: DueOutcomes[] = [];
  for (const signal of signals) {
    if (!isSide(signal.action)) continue;
    const step = timeframeMs(signal.timeframe);
    const opened = Date.parse(signal.candleTime);
    const outcomes: Record<string, Outcome> = {};
    for (const horizon of horizons) {
      const key = String(horizon);
      const price = closeAt(candles, opened + horizon * step);
      if (signal.outcomes?.[key] || price === undefined) continue;
      outcomes[key] = { price, return: price / signal.price - 1 };
    }
    if (Object.keys(outcomes).length > 0) due.push({ key: signalKeyOf(signal), outcomes });
  }
  return due;
}

/**
 * Writes the outcomes due at this close: one query for the symbol's recent BUY and SELL signals,
 * then one write per signal scored. Returns the error instead of throwing: the close's own signal
 * is already stored, and the next close writes what this one could not.
 */
export async function recordDueOutcomes(
  store: OutcomeWriter,
  request: { symbol: string; timeframe: Timeframe; candleTime: string },
  candles: readonly Candle[],
  horizons: readonly number[],
): Promise<{ recorded: number; error?: string }> {
  let recorded = 0;
  try {
    const { since, until } = outcomeWindow(request.candleTime, request.timeframe, horizons);
    const sides = await store.sidesBetween(request.symbol, request.timeframe, since, until);
    for (const { key, outcomes } of dueOutcomes(sides, candles, horizons)) {
      await store.recordOutcomes(key, outcomes);
      recorded += Object.keys(outcomes).length;
    }
    return { recorded };
  } catch (error) {
    return { recorded, error: errorMessage(error) };
  }
}

import type { Candle } from "../functions/core/candles";
import { TIMEFRAMES, type Timeframe, timeframeMs } from "../functions/core/timeframes";

export interface SeriesSpan {
  /** Open time of the first and last candle, epoch ms. */
  first: number;
  last: number;
  /** The data's own candle length, ms. */
  stepMs: number;
}

export const spanOf = (candles: readonly Candle[], stepMs: number): SeriesSpan | undefined => {
  const first = candles[0];
  const last = candles.at(-1);
  return first && last ? { first: first.time, last: last.time, stepMs } : undefined;
};

/**
 * The first firing that sees the data's last `timeframe` candle closed. A candle of the data's own
 * length closes at `last + stepMs`; when its times are off the UTC grid (e.g. 00:04:59.999 or 00:00:30)
 * that lies between two firings, and it is the later one that sees it. A candle built from smaller ones
 * is complete only up to the last grid time the data reaches; the bucket still running there is no close.
 */
function lastTick(span: SeriesSpan, step: number): number {
  const end = span.last + span.stepMs;
  return (span.stepMs === step ? Math.ceil(end / step) : Math.floor(end / step)) * step;
}

/**
 * The schedule's firings over a replay: every `timeframe` close (UTC-aligned, as the Scheduler fires)
 * after `warmupCandles` of history, up to the firing that sees the last candle of the data closed.
 */
export function replayTicks(spans: SeriesSpan[], timeframe: Timeframe, warmupCandles: number): number[] {
  const step = timeframeMs(timeframe);
  const ticks = new Set<number>();
  for (const span of spans) {
    const firstClose = Math.ceil((span.first + step) / step) * step + warmupCandles * step;
    const lastClose = lastTick(span, step);
    for (let close = firstClose; close <= lastClose; close += step) ticks.add(close);
  }
  return [...ticks].sort((a, b) => a - b);
}

/** Candles of warm-up before the first tick: the lookback, or half the data when it is not longer. */
export function warmupFor(spans: SeriesSpan[], timeframe: Timeframe, lookbackCandles: number): number {
  const step = timeframeMs(timeframe);
  const shortest = Math.min(
    ...spans.map((span) => Math.floor((span.last + span.stepMs - span.first) / step)),
  );
  return shortest > lookbackCandles ? lookbackCandles : Math.floor(shortest / 2);
}

/** A candle length by its timeframe's name when it has one (1h), else in minutes (30 min). */
const lengthOf = (ms: number) =>
  TIMEFRAMES.find((timeframe) => timeframeMs(timeframe) === ms) ?? `${ms / 60_000} min`;

export interface ReplayTimeframe {
  timeframe: Timeframe;
  /** Says where the timeframe came from when the user did not choose it. */
  note?: string;
}

/**
 * The timeframe a replay runs on. `--timeframe` (`wanted`) is built from the data's candles, so it
 * may not be finer than them; without it the data's own spacing is the timeframe (a 5-minute file
 * runs on 5m, not on the config's 1h), or the smallest timeframe built from it, and the note says so.
 * The spacing is the coarsest series' (the smallest step between its candles).
 */
export function replayTimeframe(
  spans: readonly SeriesSpan[],
  wanted: Timeframe | undefined,
  fallback: Timeframe,
): ReplayTimeframe {
  const dataStep = Math.max(0, ...spans.map((span) => span.stepMs));
  if (dataStep === 0) return { timeframe: wanted ?? fallback };
  const builds = (timeframe: Timeframe) =>
    timeframeMs(timeframe) >= dataStep && timeframeMs(timeframe) % dataStep === 0;
  if (wanted) {
    if (timeframeMs(wanted) < dataStep)
      throw new Error(`--timeframe ${wanted} is finer than the replay's own candles (${lengthOf(dataStep)})`);
    if (!builds(wanted))
      throw new Error(
        `--timeframe ${wanted} cannot be built from the replay's own candles (${lengthOf(dataStep)})`,
      );
    return { timeframe: wanted };
  }
  const timeframe = TIMEFRAMES.find(builds);
  if (!timeframe)
    throw new Error(
      `the replay's candles are ${lengthOf(dataStep)} apart, and no timeframe of ${TIMEFRAMES.join(", ")} is built from them`,
    );
  const spacing =
    timeframeMs(timeframe) === dataStep
      ? "the spacing of the replay's candles"
      : `the smallest built from the replay's own candles (${lengthOf(dataStep)})`;
  return { timeframe, note: `Timeframe: ${timeframe}, ${spacing} (--timeframe sets a coarser one)` };
}

/**
 * The ticks a resumed replay still has to run: a tick is done when every symbol has a signal stored
 * for the candle it closes (the candle opening one step before it). Running a done tick again would
 * only have the analyst find each close stored.
 */
export function ticksNotStored(
  ticks: readonly number[],
  timeframe: Timeframe,
  storedOpenTimes: ReadonlyMap<string, ReadonlySet<number>>,
): number[] {
  const step = timeframeMs(timeframe);
  const stored = [...storedOpenTimes.values()];
  return ticks.filter((tick) => stored.length === 0 || stored.some((times) => !times.has(tick - step)));
}

import { candleCloseMs, formatSignalTime } from "../calendar";
import { storedChartCandles } from "../chart-candles";
import { analystLabel, mainIndicators } from "../message";
import type { Signal } from "../signal";

/**
 * What the dashboard's JSON carries: the Signal record's public fields (no storage internals such as
 * chartCandles or recentCloses), plus the labels people read, made on the server so the page and the
 * bot agree.
 */
export interface SignalView {
  symbol: string;
  timeframe: Signal["timeframe"];
  candleTime: string;
  /** The candle's close, epoch seconds: the chart's x. */
  closeTime: number;
  /** "close Sun 29 Nov 13:00 CET", in config.timezone. */
  closeLabel: string;
  price: number;
  action: Signal["action"];
  confidence?: number;
  reasons: string[];
  triggers: string[];
  horizon?: string;
  analyst: Signal["analyst"];
  analystLabel: string;
  model?: string;
  promptVersion?: string;
  tokens?: Signal["tokens"];
  costUsd?: number;
  /** The main indicators first, as the alert lists them. */
  indicators: Array<[string, number]>;
  alert: boolean;
  notifiedAt?: string;
  outcomes?: Signal["outcomes"];
}

export interface ViewClock {
  timezone: string;
  /** The reader's present: a close in another year shows its year. */
  now: number;
}

export function signalView(signal: Signal, view: ViewClock): SignalView {
  return {
    symbol: signal.symbol,
    timeframe: signal.timeframe,
    candleTime: signal.candleTime,
    closeTime: Math.floor(candleCloseMs(signal) / 1000),
    closeLabel: formatSignalTime(signal, view.timezone, view.now),
    price: signal.price,
    action: signal.action,
    ...(signal.confidence === undefined ? {} : { confidence: signal.confidence }),
    reasons: signal.reasons,
    triggers: signal.triggers,
    ...(signal.horizon ? { horizon: signal.horizon } : {}),
    analyst: signal.analyst,
    analystLabel: analystLabel(signal),
    ...(signal.model ? { model: signal.model } : {}),
    ...(signal.promptVersion ? { promptVersion: signal.promptVersion } : {}),
    ...(signal.tokens ? { tokens: signal.tokens } : {}),
    ...(signal.costUsd === undefined ? {} : { costUsd: signal.costUsd }),
    indicators: mainIndicators(signal.indicators, 12),
    alert: signal.alert,
    ...(signal.notifiedAt ? { notifiedAt: signal.notifiedAt } : {}),
    ...(signal.outcomes ? { outcomes: signal.outcomes } : {}),
  };
}

/** One chart candle, epoch seconds at its close (the time a signal carries), as lightweight-charts takes it. */
export interface ChartCandle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/**
 * The chart's candles over the span of the stored signals (newest first, one per analysed close), no
 * provider called: the OHLCV alert rows keep for their own chart (`chartCandles`) where one covers a
 * candle, otherwise a candle from the signal's close alone, running from the previous close to this
 * one (after a gap in the signals, from its own close).
 */
export function candlesFromSignals(newestFirst: readonly Signal[], candleMs: number): ChartCandle[] {
  const oldestFirst = [...newestFirst].reverse();
  const first = oldestFirst[0];
  if (!first) return [];
  const byOpenTime = new Map<number, Omit<ChartCandle, "time">>();
  oldestFirst.forEach((signal, index) => {
    const previous = oldestFirst[index - 1];
    const openTime = Date.parse(signal.candleTime);
    const adjacent = previous && openTime - Date.parse(previous.candleTime) === candleMs;
    const open = adjacent ? previous.price : signal.price;
    const [low, high] = [Math.min(open, signal.price), Math.max(open, signal.price)];
    byOpenTime.set(openTime, { open, high, low, close: signal.price });
  });
  const since = Date.parse(first.candleTime);
  for (const signal of oldestFirst) {
    const stored = storedChartCandles(signal);
    if (!stored?.ohlc) continue;
    for (const { time, open, high, low, close } of stored.candles)
      if (time >= since) byOpenTime.set(time, { open, high, low, close });
  }
  return [...byOpenTime]
    .sort(([a], [b]) => a - b)
    .map(([openTime, candle]) => ({ time: Math.floor((openTime + candleMs) / 1000), ...candle }));
}

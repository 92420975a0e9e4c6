import { candleCloseMs, formatSignalTime } from "../calendar";
import { analystLabel, mainIndicators } from "../message";
import type { Signal } from "../signal";

/**
 * What the dashboard's JSON carries: the Signal record's public fields (no storage internals such as
 * recentCloses), plus the labels people read, made on the server so the page and the bot agree.
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
 * Candles from the stored signals, one per analysed close: the store keeps each close's price, not its
 * open, high and low, so a candle runs from the previous close to this one (no provider is called for
 * the dashboard). After a gap in the signals, a candle opens at its own close.
 */
export function candlesFromSignals(newestFirst: readonly Signal[], candleMs: number): ChartCandle[] {
  const oldestFirst = [...newestFirst].reverse();
  return oldestFirst.map((signal, index) => {
    const previous = oldestFirst[index - 1];
    const adjacent = previous && Date.parse(signal.candleTime) - Date.parse(previous.candleTime) === candleMs;
    const open = adjacent ? previous.price : signal.price;
    return {
      time: Math.floor(candleCloseMs(signal) / 1000),
      open,
      high: Math.max(open, signal.price),
      low: Math.min(open, signal.price),
      close: signal.price,
    };
  });
}

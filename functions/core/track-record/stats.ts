import type { SignalReader } from "../ports";
import { ACTIONS, type Action, type Signal } from "../signal";
import type { Timeframe } from "../timeframes";
import {
  directionalReturn,
  isHit,
  isSide,
  judgedRate,
  mean,
  median,
  type RateInterval,
  type Side,
} from "./rates";

export interface StatsOptions {
  /** Horizons in candles, as config.outcomes.horizons. */
  horizons: readonly number[];
}

export interface HorizonStats {
  horizon: number;
  /** Signals of the group that carry an outcome at this horizon. */
  scored: number;
  hits: number;
  /** The hit rate with its 95% Wilson interval; absent below MIN_SCORED scored (too few to judge). */
  rate?: RateInterval;
  /** Return in the signal's direction (what following it earned before fees). */
  meanReturn?: number;
  medianReturn?: number;
}

export interface SymbolHold {
  symbol: string;
  from: { time: string; price: number };
  to: { time: string; price: number };
  return: number;
}

/** Buying at the earliest signal's price and selling at the latest's, per symbol. */
export interface BuyAndHold {
  /** One symbol: its return; several: the equal-weight mean of theirs (`basis` says which). */
  return: number;
  basis: "single symbol" | "equal-weight mean";
  symbols: SymbolHold[];
}

export interface StatsGroup {
  analyst: "llm" | "rules";
  model?: string;
  promptVersion?: string;
  action: Action;
  count: number;
  /** BUY and SELL only: how they scored at each horizon. */
  horizons?: HorizonStats[];
  /** ABSTAIN only: how often each reason came up. */
  abstainReasons?: Record<string, number>;
}

export interface TrackRecord {
  /** Candle times of the earliest and latest signal read; absent when there were none. */
  period?: { from: string; to: string };
  horizons: number[];
  signals: number;
  /** HOLDs the indicator gate gave without asking an analyst: counted, not scored. */
  gateHolds: number;
  groups: StatsGroup[];
  /** Buy-and-hold over the window read (every signal's price, gate HOLDs included): each group's baseline. */
  buyAndHold?: BuyAndHold;
}

/** The earliest and latest signal by candle time (ISO strings in UTC order as text); one pass, no sort. */
function span(signals: readonly Signal[]): { first: Signal; last: Signal } | undefined {
  let first = signals[0];
  let last = signals[0];
  for (const signal of signals) {
    if (first && signal.candleTime < first.candleTime) first = signal;
    if (last && signal.candleTime > last.candleTime) last = signal;
  }
  return first && last ? { first, last } : undefined;
}

function groupBy(signals: readonly Signal[], keyOf: (s: Signal) => string): Map<string, Signal[]> {
  const groups = new Map<string, Signal[]>();
  for (const signal of signals) {
    const key = keyOf(signal);
    const group = groups.get(key);
    if (group) group.push(signal);
    else groups.set(key, [signal]);
  }
  return groups;
}

/** Per symbol, from the price of its earliest signal to its latest; undefined without signals. */
export function buyAndHold(signals: readonly Signal[]): BuyAndHold | undefined {
  const symbols = [...groupBy(signals, (s) => s.symbol)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([symbol, own]): SymbolHold => {
      const { first, last } = span(own) as { first: Signal; last: Signal };
      return {
        symbol,
        from: { time: first.candleTime, price: first.price },
        to: { time: last.candleTime, price: last.price },
        return: last.price / first.price - 1,
      };
    });
  const overall = mean(symbols.map((s) => s.return));
  if (overall === undefined) return undefined;
  return { return: overall, basis: symbols.length === 1 ? "single symbol" : "equal-weight mean", symbols };
}

function horizonStats(side: Side, signals: readonly Signal[], horizon: number): HorizonStats {
  const returns: number[] = [];
  let hits = 0;
  for (const signal of signals) {
    const outcome = signal.outcomes?.[String(horizon)];
    if (!outcome) continue;
    returns.push(directionalReturn(side, outcome.return));
    if (isHit(side, outcome)) hits += 1;
  }
  const rate = judgedRate(hits, returns.length);
  return {
    horizon,
    scored: returns.length,
    hits,
    ...(rate ? { rate } : {}),
    ...(returns.length ? { meanReturn: mean(returns), medianReturn: median(returns) } : {}),
  };
}

/** ABSTAIN stores its reason as the signal's only reason. */
function countReasons(signals: readonly Signal[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const signal of signals) {
    const reason = signal.reasons[0] ?? "unstated";
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}

function describeGroup(first: Signal, signals: Signal[], options: StatsOptions): StatsGroup {
  const group: StatsGroup = {
    analyst: first.analyst as StatsGroup["analyst"],
    ...(first.model === undefined ? {} : { model: first.model }),
    ...(first.promptVersion === undefined ? {} : { promptVersion: first.promptVersion }),
    action: first.action,
    count: signals.length,
  };
  const side = first.action;
  if (isSide(side)) {
    group.horizons = options.horizons.map((h) => horizonStats(side, signals, h));
  }
  if (side === "ABSTAIN") group.abstainReasons = countReasons(signals);
  return group;
}

/** Sorts by analyst, model and prompt version, then in ACTIONS order. */
const groupKey = (s: Signal) =>
  `${JSON.stringify([s.analyst, s.model ?? "", s.promptVersion ?? ""])}${ACTIONS.indexOf(s.action)}`;

/**
 * The track record of stored signals: one group per analyst, model, prompt version and action, each
 * BUY/SELL group scored at every horizon from the outcomes its signals carry.
 */
export function computeStats(signals: readonly Signal[], options: StatsOptions): TrackRecord {
  const analysed = signals.filter((s) => s.analyst !== "gate");
  const groups = groupBy(analysed, groupKey);
  const window = span(signals);
  const baseline = buyAndHold(signals);
  return {
    ...(window ? { period: { from: window.first.candleTime, to: window.last.candleTime } } : {}),
    horizons: [...options.horizons],
    signals: signals.length,
    gateHolds: signals.length - analysed.length,
    groups: [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, own]) => describeGroup(own[0] as Signal, own, options)),
    ...(baseline ? { buyAndHold: baseline } : {}),
  };
}

/** The window `stats` and /stats read unless told otherwise. */
export const DEFAULT_STATS_WINDOW = "30d";

export interface TrackRecordQuery extends StatsOptions {
  symbols: readonly string[];
  timeframe: Timeframe;
  /** Epoch ms; signals of candles before it are left out. */
  since?: number;
}

/** Reads each symbol's signals in the window (the store pages through them) and scores them together. */
export async function readTrackRecord(reader: SignalReader, query: TrackRecordQuery): Promise<TrackRecord> {
  const perSymbol = await Promise.all(
    query.symbols.map((symbol) => reader.history(symbol, query.timeframe, { since: query.since })),
  );
  return computeStats(perSymbol.flat(), query);
}

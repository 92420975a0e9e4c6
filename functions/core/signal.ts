import * as z from "zod";
import { CandleTupleSchema } from "./candles";
import { Timeframe } from "./timeframes";

export const ACTIONS = ["BUY", "SELL", "HOLD", "ABSTAIN"] as const;
export const Action = z.enum(ACTIONS);
export type Action = z.infer<typeof Action>;

export const AnalystKind = z.enum(["llm", "rules", "gate"]);
export type AnalystKind = z.infer<typeof AnalystKind>;

export const OutcomeSchema = z.object({
  price: z.number().finite().positive(),
  return: z.number().finite(),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

/** One value per chart candle, null where the indicator's window does not reach that far back. */
const OverlaySeries = z.array(z.number().finite().nullable()).max(200);

/**
 * The indicator lines an alert's chart draws, aligned with `chartCandles`: the values the gate saw
 * (a 200-candle average needs 200 candles before the first one drawn, which the row does not keep).
 */
export const ChartOverlaysSchema = z.object({
  bollinger: z
    .object({
      period: z.number().int().positive(),
      deviations: z.number().positive(),
      upper: OverlaySeries,
      middle: OverlaySeries,
      lower: OverlaySeries,
    })
    .optional(),
  movingAverages: z
    .array(
      z.object({ kind: z.enum(["SMA", "EMA"]), period: z.number().int().positive(), values: OverlaySeries }),
    )
    .max(4)
    .default([]),
});
export type ChartOverlays = z.infer<typeof ChartOverlaysSchema>;

/**
 * One analysis of one closed candle: what the analyst stores and what `history --json` prints.
 * These field names are a public contract (docs/ARCHITECTURE.md, "The Signal record: a public contract").
 */
export const SignalSchema = z.object({
  symbol: z.string().min(1),
  timeframe: Timeframe,
  candleTime: z.iso.datetime(),
  price: z.number().finite().positive(),
  action: Action,
  confidence: z.number().min(0).max(1).optional(),
  reasons: z.array(z.string()),
  horizon: z.string().optional(),
  analyst: AnalystKind,
  model: z.string().optional(),
  promptVersion: z.string().optional(),
  tokens: z
    .object({ prompt: z.number().int().nonnegative(), completion: z.number().int().nonnegative() })
    .optional(),
  costUsd: z.number().nonnegative().optional(),
  /** For an ABSTAIN the LLM caused (`unavailable`, `quota`, `auth`, `rejected`): its last error. */
  error: z.string().optional(),
  indicators: z.record(z.string(), z.number().nullable()),
  triggers: z.array(z.string()).default([]),
  provider: z.string().min(1),
  /**
   * The candles up to the analysed one, oldest first, as [time, open, high, low, close, volume]: kept
   * on alerts only, for the chart.
   */
  chartCandles: z.array(CandleTupleSchema).max(200).optional(),
  /** The bands and averages drawn over `chartCandles` (alerts only). */
  chartOverlays: ChartOverlaysSchema.optional(),
  /** Closes only (oldest first): what alerts stored before `chartCandles`; their chart is a line. */
  recentCloses: z.array(z.number().finite().positive()).max(200).optional(),
  /**
   * Forward outcomes of a BUY or SELL, keyed by horizon in candles ("1", "4", "24"): the close that
   * many candles later and its raw return against `price` (not adjusted for direction).
   */
  outcomes: z.record(z.string().regex(/^\d+$/), OutcomeSchema).optional(),
  alert: z.boolean(),
  silent: z.boolean().optional(),
  notifiedAt: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
});
export type Signal = z.infer<typeof SignalSchema>;

/** What identifies a signal: at most one per symbol, timeframe and candle close. */
export interface SignalKey {
  symbol: string;
  timeframe: Timeframe;
  candleTime: string;
}

export const signalKeyOf = (s: SignalKey): SignalKey => ({
  symbol: s.symbol,
  timeframe: s.timeframe,
  candleTime: s.candleTime,
});

export const isoTime = (epochMs: number): string => new Date(epochMs).toISOString();

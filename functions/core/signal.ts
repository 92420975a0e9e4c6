import * as z from "zod";
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
  /** Closes of the candles up to the analysed one (oldest first), kept on alerts only: the chart. */
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

import type { AnalysisRequest } from "./analysis-request";
import type { BilledVerdict } from "./billed-verdict";
import type { Candle } from "./candles";
import type { DeadLetterQueueName, FailureRecord } from "./dead-letters";
import type { Outcome, Signal, SignalKey } from "./signal";
import type { Timeframe } from "./timeframes";

/** Small interfaces the use cases take as arguments; adapters implement them, tests fake them. */

export interface CandleQuery {
  symbol: string;
  timeframe: Timeframe;
  /** How many closed candles are wanted (newest last). */
  limit: number;
  /** The time the caller considers "now", epoch ms: candles not closed by then are dropped. */
  now: number;
}

export interface CandleSeries {
  provider: string;
  /** Closed candles, oldest first, validated. */
  candles: Candle[];
  /** Intervals inside the window with no candle (no trades); kept as gaps, never invented. */
  gaps: number;
}

export interface PriceSource {
  readonly name: string;
  fetchClosedCandles(query: CandleQuery): Promise<CandleSeries>;
}

export interface SendResult {
  request: AnalysisRequest;
  error?: string;
}

export interface AnalysisQueue {
  send(requests: AnalysisRequest[]): Promise<SendResult[]>;
}

export interface SignalWriter {
  getSignal(key: SignalKey): Promise<Signal | undefined>;
  /** Conditional put: a second signal for the same key is refused, never overwritten. */
  putSignal(signal: Signal, options?: { expiresAt?: number }): Promise<"stored" | "duplicate">;
}

/** What scoring a BUY or SELL needs from it: its key, side, price and the outcomes stored so far. */
export type ScoredSide = Pick<
  Signal,
  "symbol" | "timeframe" | "candleTime" | "action" | "price" | "outcomes"
>;

export interface OutcomeWriter {
  /** The BUY and SELL signals of one symbol whose candleTime is in [since, until] (epoch ms). */
  sidesBetween(symbol: string, timeframe: Timeframe, since: number, until: number): Promise<ScoredSide[]>;
  /** Adds the outcomes (by horizon) a signal lacks; one already stored is never overwritten. */
  recordOutcomes(key: SignalKey, outcomes: Record<string, Outcome>): Promise<void>;
}

export interface AnalysisClaims {
  /**
   * Takes the right to analyse `key` until `leaseUntil` (epoch ms). False while another delivery
   * holds an unexpired lease, so two concurrent deliveries never both call the LLM.
   */
  claim(key: SignalKey, owner: string, leaseUntil: number, now: number): Promise<boolean>;
}

/** Billed LLM verdicts by close, kept until the signal is stored, so a retry is never billed twice. */
export interface VerdictStore {
  getVerdict(key: SignalKey): Promise<BilledVerdict | undefined>;
  putVerdict(key: SignalKey, verdict: BilledVerdict): Promise<void>;
}

export interface HistoryRange {
  since?: number;
  until?: number;
  limit?: number;
}

export interface SignalReader {
  /** Newest first. */
  history(symbol: string, timeframe: Timeframe, range?: HistoryRange): Promise<Signal[]>;
  /** Newest first, across all symbols. */
  latestAlerts(limit: number): Promise<Signal[]>;
  lastAlert(symbol: string, timeframe: Timeframe): Promise<Signal | undefined>;
}

export interface DailySpend {
  day: string;
  costUsd: number;
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

export interface SpendLedger {
  /** Atomically adds `usd` to the day's spend unless that would pass `budgetUsd`; false when over. */
  reserve(day: string, usd: number, budgetUsd: number): Promise<boolean>;
  /** Corrects a reservation to the real cost and counts the call's tokens. */
  settle(day: string, deltaUsd: number, usage: { prompt: number; completion: number }): Promise<void>;
  spend(day: string): Promise<DailySpend>;
}

export interface Deliveries {
  /** Chats this signal already reached, so a retried record skips them. */
  deliveredTo(key: SignalKey): Promise<Set<string>>;
  markDelivered(key: SignalKey, chatId: string): Promise<void>;
  /** Sets notifiedAt once; false when it was already set. */
  markNotified(key: SignalKey, at: string): Promise<boolean>;
  markChatUndeliverable(chatId: string, reason: string, at: string): Promise<void>;
  undeliverableChats(): Promise<Map<string, string>>;
}

export interface Outbox {
  /** Alerts with no notifiedAt whose candle opened at or after `since` (epoch ms), in any order. */
  unnotifiedAlerts(since: number): Promise<Signal[]>;
}

export interface LatestSignals {
  /** The candleTime of the symbol's newest stored signal, or undefined when none is stored. */
  latestCandleTime(symbol: string, timeframe: Timeframe): Promise<string | undefined>;
}

export interface Mutes {
  mute(symbol: string, until: number): Promise<void>;
  unmute(symbol: string): Promise<void>;
  /** Symbol → muted-until (epoch ms), expired entries excluded. */
  mutes(now: number): Promise<Map<string, number>>;
}

export interface FailureRecords {
  /** Keeps (or replaces) why a message last failed, until the DLQ itself would have dropped it. */
  recordFailure(failure: FailureRecord): Promise<void>;
  /** Every kept failure of one queue's messages. */
  failuresOf(queue: DeadLetterQueueName): Promise<FailureRecord[]>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

import type { BilledVerdict } from "../../functions/core/billed-verdict";
import type { DeadLetterQueueName, FailureRecord } from "../../functions/core/dead-letters";
import type { DailySpend, HistoryRange, ScoredSide } from "../../functions/core/ports";
import type { Outcome, Signal, SignalKey } from "../../functions/core/signal";
import type { Timeframe } from "../../functions/core/timeframes";
import { scoredSideOf, withOutcomes } from "../../functions/core/track-record/outcomes";
import { isSide } from "../../functions/core/track-record/rates";
import { InMemoryVerdicts } from "../../local/backtest-store";
import type { SignalStore } from "./store-contract";

const keyText = (key: SignalKey) => `${key.symbol}#${key.timeframe}#${key.candleTime}`;
const seriesText = (symbol: string, timeframe: string) => `${symbol}#${timeframe}`;
const isoOf = (epochMs: number) => new Date(epochMs).toISOString();

/** Index of the first candle time in `sorted` not below `time` (`after`: above it). */
function boundOf(sorted: readonly string[], time: string, after = false): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const value = sorted[mid] as string;
    if (value < time || (after && value === time)) low = mid + 1;
    else high = mid;
  }
  return low;
}

const emptyDay = (day: string): DailySpend => ({
  day,
  costUsd: 0,
  calls: 0,
  promptTokens: 0,
  completionTokens: 0,
});

/**
 * Every store port in memory, with DynamoStore's semantics (test/support/store-contract.ts checks both
 * alike). Candle times are compared as the table compares its sort keys, as ISO strings, and each
 * series keeps them sorted, so a long replay (the benchmark) reads a range without scanning it all.
 */
export class InMemoryStore implements SignalStore {
  /** What putSignal was given for a signal's TTL, by key; an alert is kept, so it never has one. */
  readonly expiresAt = new Map<string, number | undefined>();
  readonly claims = new Map<string, { owner: string; leaseUntil: number }>();
  readonly verdicts = new InMemoryVerdicts();
  /** Symbol → muted-until (epoch ms), expired ones included, as the table keeps them until TTL. */
  readonly muted = new Map<string, number>();
  /** Set to make recordOutcomes fail, as a throttled or unreachable table would. */
  outcomeWriteError: Error | undefined;

  private readonly stored: Signal[] = [];
  private readonly positions = new Map<string, number>();
  /** Candle times by series, sorted: the table's sort key. */
  private readonly series = new Map<string, string[]>();
  private readonly alertSeries = new Map<string, string[]>();
  private readonly delivered = new Map<string, Set<string>>();
  private readonly undeliverable = new Map<string, { reason: string; at: string }>();
  private readonly ledger = new Map<string, DailySpend>();
  private readonly failures = new Map<string, FailureRecord>();

  /** Every stored signal in the order it was stored, as stored now (outcomes, notifiedAt). */
  get signals(): readonly Signal[] {
    return this.stored;
  }

  /** Stores signals as the analyst would, for a test's setup: a duplicate key is that setup's mistake. */
  async seed(...signals: Signal[]): Promise<void> {
    for (const signal of signals) {
      if ((await this.putSignal(signal)) === "duplicate") throw new Error(`seeded twice: ${keyText(signal)}`);
    }
  }

  /** When the signal was marked notified, read synchronously for assertions. */
  notified(key: SignalKey): string | undefined {
    return this.find(key)?.notifiedAt;
  }

  async getSignal(key: SignalKey) {
    return this.find(key);
  }

  async putSignal(signal: Signal, options: { expiresAt?: number } = {}) {
    const key = keyText(signal);
    if (this.positions.has(key)) return "duplicate" as const;
    this.positions.set(key, this.stored.push(signal) - 1);
    this.expiresAt.set(key, signal.alert ? undefined : options.expiresAt);
    this.insertTime(this.series, signal);
    if (signal.alert) this.insertTime(this.alertSeries, signal);
    return "stored" as const;
  }

  async history(symbol: string, timeframe: Timeframe, range: HistoryRange = {}) {
    const since = range.since === undefined ? "0" : isoOf(range.since);
    const until = range.until === undefined ? "9" : isoOf(range.until);
    return this.between(symbol, timeframe, since, until, range.limit);
  }

  async latestAlerts(limit: number) {
    // Newest first by the alerts index's sort key: candle time, then symbol and timeframe.
    const sortKey = (s: Signal) => `${s.candleTime}#${s.symbol}#${s.timeframe}`;
    return this.stored
      .filter((s) => s.alert)
      .sort((a, b) => sortKey(b).localeCompare(sortKey(a)))
      .slice(0, limit);
  }

  async lastAlert(symbol: string, timeframe: Timeframe) {
    const latest = this.alertSeries.get(seriesText(symbol, timeframe))?.at(-1);
    return latest === undefined ? undefined : this.find({ symbol, timeframe, candleTime: latest });
  }

  async latestCandleTime(symbol: string, timeframe: Timeframe) {
    return this.series.get(seriesText(symbol, timeframe))?.at(-1);
  }

  async sidesBetween(symbol: string, timeframe: Timeframe, since: number, until: number) {
    const sides: ScoredSide[] = [];
    for (const signal of this.between(symbol, timeframe, isoOf(since), isoOf(until))) {
      if (isSide(signal.action)) sides.push(scoredSideOf(signal));
    }
    return sides;
  }

  async recordOutcomes(key: SignalKey, outcomes: Record<string, Outcome>) {
    if (this.outcomeWriteError) throw this.outcomeWriteError;
    if (Object.keys(outcomes).length === 0) return;
    const stored = this.find(key);
    if (!stored)
      throw new Error(`no stored signal ${key.symbol} ${key.timeframe} ${key.candleTime} to score`);
    this.replace(withOutcomes(stored, outcomes));
  }

  async unnotifiedAlerts(since: number) {
    const start = isoOf(since);
    return (await this.latestAlerts(this.stored.length)).filter(
      (s) => s.notifiedAt === undefined && s.candleTime >= start,
    );
  }

  async claim(key: SignalKey, owner: string, leaseUntil: number, now: number) {
    const held = this.claims.get(keyText(key));
    if (held && held.owner !== owner && held.leaseUntil >= now) return false;
    this.claims.set(keyText(key), { owner, leaseUntil });
    return true;
  }

  getVerdict(key: SignalKey) {
    return this.verdicts.getVerdict(key);
  }

  putVerdict(key: SignalKey, verdict: BilledVerdict) {
    return this.verdicts.putVerdict(key, verdict);
  }

  async reserve(day: string, usd: number, budgetUsd: number) {
    // The table's condition: what is spent, against the budget less this reservation.
    if (usd > budgetUsd) return false;
    const spend = this.day(day);
    if (spend.costUsd > budgetUsd - usd) return false;
    spend.costUsd += usd;
    spend.calls += 1;
    return true;
  }

  async settle(day: string, deltaUsd: number, usage: { prompt: number; completion: number }) {
    const spend = this.day(day);
    spend.costUsd += deltaUsd;
    spend.promptTokens += usage.prompt;
    spend.completionTokens += usage.completion;
  }

  async spend(day: string) {
    const spend = this.ledger.get(day) ?? emptyDay(day);
    return { ...spend, costUsd: Math.max(0, spend.costUsd) };
  }

  async deliveredTo(key: SignalKey) {
    return new Set(this.delivered.get(keyText(key)));
  }

  async markDelivered(key: SignalKey, chatId: string) {
    if (!this.find(key)) throw new Error(`no stored signal ${keyText(key)} to mark delivered`);
    const chats = this.delivered.get(keyText(key)) ?? new Set<string>();
    this.delivered.set(keyText(key), chats.add(chatId));
  }

  async markNotified(key: SignalKey, at: string) {
    const stored = this.find(key);
    if (!stored || stored.notifiedAt !== undefined) return false;
    this.replace({ ...stored, notifiedAt: at });
    return true;
  }

  async markChatUndeliverable(chatId: string, reason: string, at: string) {
    this.undeliverable.set(chatId, { reason, at });
  }

  async undeliverableChats() {
    return new Map([...this.undeliverable].map(([chatId, { reason }]) => [chatId, reason]));
  }

  async mute(symbol: string, until: number) {
    this.muted.set(symbol, until);
  }

  async unmute(symbol: string) {
    this.muted.delete(symbol);
  }

  async mutes(now: number) {
    return new Map([...this.muted].filter(([, until]) => until > now));
  }

  async recordFailure(failure: FailureRecord) {
    this.failures.set(`${failure.queue}#${failure.messageId}`, failure);
  }

  async failuresOf(queue: DeadLetterQueueName) {
    return [...this.failures.values()]
      .filter((failure) => failure.queue === queue)
      .sort((a, b) => a.messageId.localeCompare(b.messageId));
  }

  private find(key: SignalKey): Signal | undefined {
    const position = this.positions.get(keyText(key));
    return position === undefined ? undefined : this.stored[position];
  }

  /** A new object in place of the stored one: a caller's signal never changes under it. */
  private replace(signal: Signal) {
    this.stored[this.positions.get(keyText(signal)) as number] = signal;
  }

  private insertTime(index: Map<string, string[]>, signal: Signal) {
    const times = index.get(seriesText(signal.symbol, signal.timeframe)) ?? [];
    index.set(seriesText(signal.symbol, signal.timeframe), times);
    times.splice(boundOf(times, signal.candleTime), 0, signal.candleTime);
  }

  /** The series' signals with since <= candleTime <= until (ISO strings), newest first, up to `limit`. */
  private between(
    symbol: string,
    timeframe: Timeframe,
    since: string,
    until: string,
    limit = Number.POSITIVE_INFINITY,
  ): Signal[] {
    const times = this.series.get(seriesText(symbol, timeframe)) ?? [];
    const rows: Signal[] = [];
    for (let i = boundOf(times, until, true) - 1; i >= 0 && rows.length < limit; i--) {
      if ((times[i] as string) < since) break;
      rows.push(this.find({ symbol, timeframe, candleTime: times[i] as string }) as Signal);
    }
    return rows;
  }

  private day(day: string): DailySpend {
    const spend = this.ledger.get(day) ?? emptyDay(day);
    this.ledger.set(day, spend);
    return spend;
  }
}

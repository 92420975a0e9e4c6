import type { BilledVerdict } from "../../../functions/core/billed-verdict";
import type { DeadLetterQueueName, FailureRecord } from "../../../functions/core/dead-letters";
import type {
  AnalysisClaims,
  DailySpend,
  FailureRecords,
  HistoryRange,
  Mutes,
  OutcomeWriter,
  ScoredSide,
  SignalReader,
  SignalWriter,
  SpendLedger,
  VerdictStore,
} from "../../../functions/core/ports";
import { isoTime, type Outcome, type Signal, type SignalKey } from "../../../functions/core/signal";
import { type Timeframe, timeframeMs } from "../../../functions/core/timeframes";
import { scoredSideOf, withOutcomes } from "../../../functions/core/track-record/outcomes";
import { isSide } from "../../../functions/core/track-record/rates";
import { InMemoryVerdicts } from "../../../local/backtest-store";
import { InMemoryAlertStore } from "../../support/in-memory-alert-store";

const keyText = (key: SignalKey) => `${key.symbol}#${key.timeframe}#${key.candleTime}`;

/**
 * The analyst's ports in memory, with DynamoStore's semantics: conditional put, leased claims and a
 * daily spend counter that refuses a reservation past the budget.
 */
export class InMemoryAnalystStore
  implements
    SignalWriter,
    OutcomeWriter,
    SignalReader,
    AnalysisClaims,
    VerdictStore,
    SpendLedger,
    Mutes,
    FailureRecords
{
  /** Reads and mutes as the notifier's and bot's fake does them. */
  private readonly reader = new InMemoryAlertStore();
  readonly signals: Signal[] = this.reader.signals;
  readonly expiresAt = new Map<string, number | undefined>();
  readonly claims = new Map<string, { owner: string; leaseUntil: number }>();
  readonly ledger = new Map<string, DailySpend>();
  readonly verdicts = new InMemoryVerdicts();
  /** Set to make recordOutcomes fail, as a throttled or unreachable table would. */
  outcomeWriteError: Error | undefined;
  /** By queue and message id, replaced at each failure as DynamoStore's put does. */
  readonly failures = new Map<string, FailureRecord>();

  /** By key, so a long replay (the benchmark) finds a signal without scanning them all. */
  private readonly byKey = new Map<string, Signal>();

  async getSignal(key: SignalKey) {
    return this.byKey.get(keyText(key));
  }

  async putSignal(signal: Signal, options: { expiresAt?: number } = {}) {
    if (this.byKey.has(keyText(signal))) return "duplicate" as const;
    this.byKey.set(keyText(signal), signal);
    this.signals.push(signal);
    this.expiresAt.set(keyText(signal), options.expiresAt);
    return "stored" as const;
  }

  /**
   * Looks up each candle time in the range (a long replay reads 24 keys, not every signal), newest
   * first and projected as the store's sparse `sides` index returns them.
   */
  async sidesBetween(symbol: string, timeframe: Timeframe, since: number, until: number) {
    const sides: ScoredSide[] = [];
    const step = timeframeMs(timeframe);
    for (let time = until - ((until - since) % step); time >= since; time -= step) {
      const signal = this.byKey.get(keyText({ symbol, timeframe, candleTime: isoTime(time) }));
      if (signal && isSide(signal.action)) sides.push(scoredSideOf(signal));
    }
    return sides;
  }

  async recordOutcomes(key: SignalKey, outcomes: Record<string, Outcome>) {
    if (this.outcomeWriteError) throw this.outcomeWriteError;
    const stored = this.byKey.get(keyText(key));
    if (!stored) throw new Error(`no stored signal ${keyText(key)} to score`);
    // A new object, as a store returns a fresh copy: a caller's signal never changes under it.
    const scored = withOutcomes(stored, outcomes);
    this.byKey.set(keyText(key), scored);
    this.signals[this.signals.lastIndexOf(stored)] = scored;
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

  private day(day: string): DailySpend {
    const current = this.ledger.get(day) ?? {
      day,
      costUsd: 0,
      calls: 0,
      promptTokens: 0,
      completionTokens: 0,
    };
    this.ledger.set(day, current);
    return current;
  }

  async reserve(day: string, usd: number, budgetUsd: number) {
    const spend = this.day(day);
    if (spend.costUsd + usd > budgetUsd) return false;
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
    return { ...this.day(day) };
  }

  history(symbol: string, timeframe: Timeframe, range?: HistoryRange) {
    return this.reader.history(symbol, timeframe, range);
  }
  latestAlerts(limit: number) {
    return this.reader.latestAlerts(limit);
  }
  lastAlert(symbol: string, timeframe: Timeframe) {
    return this.reader.lastAlert(symbol, timeframe);
  }
  mute(symbol: string, until: number) {
    return this.reader.mute(symbol, until);
  }
  unmute(symbol: string) {
    return this.reader.unmute(symbol);
  }
  mutes(now: number) {
    return this.reader.mutes(now);
  }
  async recordFailure(failure: FailureRecord) {
    this.failures.set(`${failure.queue}#${failure.messageId}`, failure);
  }
  async failuresOf(queue: DeadLetterQueueName) {
    return [...this.failures.values()].filter((failure) => failure.queue === queue);
  }
}

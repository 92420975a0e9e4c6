import type { BilledVerdict } from "../../../functions/core/billed-verdict";
import type {
  AnalysisClaims,
  DailySpend,
  HistoryRange,
  Mutes,
  SignalReader,
  SignalWriter,
  SpendLedger,
  VerdictStore,
} from "../../../functions/core/ports";
import type { Signal, SignalKey } from "../../../functions/core/signal";
import type { Timeframe } from "../../../functions/core/timeframes";
import { InMemoryVerdicts } from "../../../local/backtest-store";
import { InMemoryAlertStore } from "../../support/in-memory-alert-store";

const keyText = (key: SignalKey) => `${key.symbol}#${key.timeframe}#${key.candleTime}`;

/**
 * The analyst's ports in memory, with DynamoStore's semantics: conditional put, leased claims and a
 * daily spend counter that refuses a reservation past the budget.
 */
export class InMemoryAnalystStore
  implements SignalWriter, SignalReader, AnalysisClaims, VerdictStore, SpendLedger, Mutes
{
  /** Reads and mutes as the notifier's and bot's fake does them. */
  private readonly reader = new InMemoryAlertStore();
  readonly signals: Signal[] = this.reader.signals;
  readonly expiresAt = new Map<string, number | undefined>();
  readonly claims = new Map<string, { owner: string; leaseUntil: number }>();
  readonly ledger = new Map<string, DailySpend>();
  readonly verdicts = new InMemoryVerdicts();

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
}

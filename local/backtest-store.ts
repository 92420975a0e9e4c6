import type { AnalysisStore } from "../functions/core/analyse";
import type { BilledVerdict } from "../functions/core/billed-verdict";
import type { HistoryRange, ScoredSide, VerdictStore } from "../functions/core/ports";
import type { Outcome, Signal, SignalKey } from "../functions/core/signal";
import { scoredSideOf, withOutcomes } from "../functions/core/track-record/outcomes";
import { isSide } from "../functions/core/track-record/rates";

const keyText = (key: SignalKey) => `${key.symbol}#${key.timeframe}#${key.candleTime}`;

/** Billed verdicts in memory, keyed by close, as DynamoStore keeps them until the signal is stored. */
export class InMemoryVerdicts implements VerdictStore {
  readonly byKey = new Map<string, BilledVerdict>();
  async getVerdict(key: SignalKey) {
    return this.byKey.get(keyText(key));
  }
  async putVerdict(key: SignalKey, verdict: BilledVerdict) {
    this.byKey.set(keyText(key), verdict);
  }
}

/**
 * The analyst's store ports in memory for one backtest walk, with DynamoStore's semantics
 * (conditional put, leased claims, a daily budget that refuses past its limit). A walk writes in
 * candle order, so reads are a binary search, not a scan: a 10,000-close walk stays linear.
 */
export class BacktestStore implements AnalysisStore {
  /** In candle order: a walk analyses oldest first. */
  readonly signals: Signal[] = [];
  /** `signals`' candle times in epoch ms, parsed once: history's search reads them at every close. */
  private readonly times: number[] = [];
  private readonly byKey = new Map<string, Signal>();
  private readonly alerts: Signal[] = [];
  private readonly claims = new Map<string, { owner: string; leaseUntil: number }>();
  private readonly spent = new Map<string, number>();
  private readonly verdicts = new InMemoryVerdicts();

  async getSignal(key: SignalKey) {
    return this.byKey.get(keyText(key));
  }

  async putSignal(signal: Signal) {
    const key = keyText(signal);
    if (this.byKey.has(key)) return "duplicate" as const;
    const last = this.signals.at(-1);
    if (last && last.candleTime >= signal.candleTime)
      throw new Error(`a backtest walks forward: ${signal.candleTime} came after ${last.candleTime}`);
    this.byKey.set(key, signal);
    this.signals.push(signal);
    this.times.push(Date.parse(signal.candleTime));
    if (signal.alert) this.alerts.push(signal);
    return "stored" as const;
  }

  async history(_symbol: string, _timeframe: string, range: HistoryRange = {}) {
    const until = range.until ?? Number.POSITIVE_INFINITY;
    const since = range.since ?? Number.NEGATIVE_INFINITY;
    // Last index with candleTime <= until.
    let low = 0;
    let high = this.signals.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.times[mid] as number) <= until) low = mid + 1;
      else high = mid;
    }
    const out: Signal[] = [];
    for (let i = low - 1; i >= 0 && out.length < (range.limit ?? Number.POSITIVE_INFINITY); i--) {
      if ((this.times[i] as number) < since) break;
      out.push(this.signals[i] as Signal);
    }
    return out;
  }

  async sidesBetween(symbol: string, timeframe: string, since: number, until: number): Promise<ScoredSide[]> {
    const signals = await this.history(symbol, timeframe, { since, until });
    // As the store's sparse `sides` index: BUY and SELL rows only, projected to what scoring reads.
    return signals.filter((s) => isSide(s.action)).map(scoredSideOf);
  }

  async recordOutcomes(key: SignalKey, outcomes: Record<string, Outcome>) {
    const stored = this.byKey.get(keyText(key));
    if (!stored) throw new Error(`no stored signal ${keyText(key)} to score`);
    const scored = withOutcomes(stored, outcomes);
    this.byKey.set(keyText(key), scored);
    this.signals[this.signals.lastIndexOf(stored)] = scored;
    if (stored.alert) this.alerts[this.alerts.lastIndexOf(stored)] = scored;
  }

  async lastAlert() {
    return this.alerts.at(-1);
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
    const spent = this.spent.get(day) ?? 0;
    if (spent + usd > budgetUsd) return false;
    this.spent.set(day, spent + usd);
    return true;
  }

  async settle(day: string, deltaUsd: number) {
    this.spent.set(day, (this.spent.get(day) ?? 0) + deltaUsd);
  }

  async mutes() {
    return new Map<string, number>();
  }
}

import type {
  DailySpend,
  Deliveries,
  HistoryRange,
  Mutes,
  SignalReader,
  SpendLedger,
} from "../../functions/core/ports";
import type { Signal, SignalKey } from "../../functions/core/signal";
import type { Timeframe } from "../../functions/core/timeframes";

const keyText = (key: SignalKey) => `${key.symbol}#${key.timeframe}#${key.candleTime}`;

/** In-memory fakes of the ports the notifier and the bot use, with the DynamoStore's semantics. */
export class InMemoryAlertStore implements Deliveries, SignalReader, SpendLedger, Mutes {
  readonly signals: Signal[] = [];
  readonly delivered = new Map<string, Set<string>>();
  readonly notifiedAt = new Map<string, string>();
  readonly undeliverable = new Map<string, string>();
  readonly muted = new Map<string, number>();
  readonly spent = new Map<string, DailySpend>();

  async deliveredTo(key: SignalKey) {
    return new Set(this.delivered.get(keyText(key)) ?? []);
  }
  async markDelivered(key: SignalKey, chatId: string) {
    const set = this.delivered.get(keyText(key)) ?? new Set<string>();
    set.add(chatId);
    this.delivered.set(keyText(key), set);
  }
  async markNotified(key: SignalKey, at: string) {
    if (this.notifiedAt.has(keyText(key))) return false;
    this.notifiedAt.set(keyText(key), at);
    return true;
  }
  async markChatUndeliverable(chatId: string, reason: string) {
    this.undeliverable.set(chatId, reason);
  }
  async undeliverableChats() {
    return new Map(this.undeliverable);
  }
  notified(key: SignalKey) {
    return this.notifiedAt.get(keyText(key));
  }

  async history(symbol: string, timeframe: Timeframe, range: HistoryRange = {}) {
    return this.signals
      .filter((s) => s.symbol === symbol && s.timeframe === timeframe)
      .filter((s) => range.since === undefined || Date.parse(s.candleTime) >= range.since)
      .filter((s) => range.until === undefined || Date.parse(s.candleTime) <= range.until)
      .sort((a, b) => b.candleTime.localeCompare(a.candleTime))
      .slice(0, range.limit);
  }
  async latestAlerts(limit: number) {
    return this.signals
      .filter((s) => s.alert)
      .sort((a, b) => b.candleTime.localeCompare(a.candleTime))
      .slice(0, limit);
  }
  async lastAlert(symbol: string, timeframe: Timeframe) {
    return (await this.latestAlerts(Number.MAX_SAFE_INTEGER)).find(
      (s) => s.symbol === symbol && s.timeframe === timeframe,
    );
  }

  async reserve() {
    return true;
  }
  async settle() {}
  async spend(day: string): Promise<DailySpend> {
    return this.spent.get(day) ?? { day, costUsd: 0, calls: 0, promptTokens: 0, completionTokens: 0 };
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
}

import { type AlarmStateChange, alarmMessage } from "./alarms";
import type { Messenger } from "./notify";

export interface AlarmDelivery {
  /** Undefined when the change is no news to a person (INSUFFICIENT_DATA, first OK). */
  text?: string;
  sentTo: string[];
  /** Chats that refused for good (blocked, bad request): retrying cannot help. */
  refused: Array<{ chatId: string; reason: string }>;
  /** Chats worth another try (rate limit, network, server error). */
  retry: Array<{ chatId: string; reason: string }>;
}

/**
 * Posts one alarm state change to every chat. A markup error falls back to plain text; the caller
 * retries the whole change when any chat is worth another try (alarms are rare: a repeat beats silence).
 */
export async function deliverAlarm(
  change: AlarmStateChange,
  chatIds: readonly string[],
  messenger: Messenger,
): Promise<AlarmDelivery> {
  const text = alarmMessage(change);
  const delivery: AlarmDelivery = { text, sentTo: [], refused: [], retry: [] };
  if (!text) return delivery;
  for (const chatId of chatIds) {
    let outcome = await messenger.send({ chatId, text, format: "html" });
    if (outcome.kind === "unparseable")
      outcome = await messenger.send({ chatId, text: text.replace(/<[^>]+>/g, ""), format: "plain" });
    if (outcome.kind === "sent") delivery.sentTo.push(chatId);
    else if (outcome.kind === "rate-limited" || outcome.kind === "failed")
      delivery.retry.push({ chatId, reason: outcome.description });
    else delivery.refused.push({ chatId, reason: outcome.description });
  }
  return delivery;
}

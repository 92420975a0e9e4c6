import type { Context, SNSEvent } from "aws-lambda";
import { deliverAlarm } from "../core/alarm-delivery";
import { parseAlarmStateChange } from "../core/alarms";
import { errorMessage } from "../core/errors";
import type { Messenger } from "../core/notify";
import { lazyHandler } from "../runtime/lazy-handler";
import { logger } from "../runtime/logger";
import { alarmNotifierDepsFromEnv } from "./wiring";

export interface AlarmNotifierDeps {
  messenger: Messenger;
  chatIds: string[];
}

/**
 * SNS (CloudWatch alarm state changes) → Telegram. A message that cannot be read is logged and
 * dropped (it never will be); a chat worth another try fails the invocation, so Lambda's async
 * retries run and, after them, the function's dead-letter queue keeps the event.
 */
export function createAlarmNotifierHandler(deps: AlarmNotifierDeps) {
  return async (event: SNSEvent, context?: Context): Promise<void> => {
    // The logger is shared by a process's handlers: each names its own function in the lines.
    if (context) logger.addContext(context);
    const retry: string[] = [];
    for (const record of event.Records ?? []) {
      const log = logger.createChild({ persistentKeys: { messageId: record.Sns?.MessageId } });
      let change: ReturnType<typeof parseAlarmStateChange>;
      try {
        change = parseAlarmStateChange(record.Sns?.Message ?? "");
      } catch (error) {
        log.error("unreadable alarm message dropped", { error: errorMessage(error) });
        continue;
      }
      const delivery = await deliverAlarm(change, deps.chatIds, deps.messenger);
      const details = { alarm: change.AlarmName, state: change.NewStateValue, sentTo: delivery.sentTo };
      if (!delivery.text) log.info("alarm state change is no news; not posted", details);
      else log.info("alarm posted", details);
      for (const refused of delivery.refused) log.error("chat refused the alarm", refused);
      for (const failed of delivery.retry) {
        log.warn("alarm not delivered yet; the invocation will be retried", failed);
        retry.push(failed.chatId);
      }
    }
    if (deps.chatIds.length === 0) logger.warn("no chat to post alarms to: set telegram.chatIds");
    if (retry.length > 0) throw new Error(`alarm not delivered to ${retry.join(", ")}; retrying`);
  };
}

export const handler = lazyHandler(() => createAlarmNotifierHandler(alarmNotifierDepsFromEnv()));

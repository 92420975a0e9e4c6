import type { Logger } from "@aws-lambda-powertools/logger";
import type { PipelineHealth } from "../core/bot/bot";
import { optionalEnv } from "../runtime/env";
import { ENV_NAMES } from "../shared/resource-definitions";

const QUEUES = [
  ["analysis", ENV_NAMES.dlqUrl],
  ["failed ticks", ENV_NAMES.failedTicksUrl],
  ["notifier failures", ENV_NAMES.notifierFailuresUrl],
] as const;

/** The stack's alarms in ALARM, by their catalog id; the SDK client loads only when /status asks. */
async function firingAlarms(prefix: string): Promise<string[]> {
  const { CloudWatchClient, DescribeAlarmsCommand } = await import("@aws-sdk/client-cloudwatch");
  const { MetricAlarms = [] } = await new CloudWatchClient({}).send(
    new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, StateValue: "ALARM" }),
  );
  return MetricAlarms.map((alarm) => (alarm.AlarmName ?? "").slice(prefix.length));
}

/** A DLQ's depth; the SQS client loads only when /status asks, as the bot uses SQS for nothing else. */
async function approximateQueueDepth(queueUrl: string): Promise<number> {
  const { approximateQueueDepth: depthOf } = await import("./queue-depth");
  return depthOf(queueUrl);
}

/**
 * /status's view of the queues and alarms named in env (the stack sets them; locally only the
 * analysis DLQ exists). A read that fails is logged with its reason and shown as unknown.
 */
export function pipelineHealthFromEnv(log: Logger): () => Promise<PipelineHealth> {
  return async () => {
    const deadLetters = await Promise.all(
      QUEUES.flatMap(([queue, variable]) => {
        const url = optionalEnv(variable);
        if (!url) return [];
        return [
          approximateQueueDepth(url).then(
            (depth) => ({ queue, depth }),
            (error: Error) => {
              log.warn("DLQ depth unreadable for /status", { queue, error: error.message });
              return { queue };
            },
          ),
        ];
      }),
    );
    const prefix = optionalEnv(ENV_NAMES.alarmNamePrefix);
    let alarms: string[] | undefined;
    if (prefix)
      alarms = await firingAlarms(prefix).catch((error: Error) => {
        log.warn("alarm states unreadable for /status", { error: error.message });
        return undefined;
      });
    return { deadLetters, firingAlarms: alarms };
  };
}

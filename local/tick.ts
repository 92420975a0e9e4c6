import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import { errorMessage } from "../functions/core/errors";
import type { FetcherResult } from "../functions/fetcher/handler";
import { ANALYSIS_QUEUE } from "../functions/shared/resource-definitions";
import type { AnalysisQueues } from "./emulators";
import { localContext } from "./lambda-context";
import type { LocalHandlers } from "./local-handlers";
import { drainQueue } from "./sqs-event-source";
import { deliverStreamRecords } from "./stream-event-source";
import type { StreamProxy } from "./stream-proxy";

export interface RunTotals {
  ticks: number;
  messagesReceived: number;
  messageFailures: number;
  streamRecords: number;
  notifierInvocations: number;
  discardedStreamRecords: DynamoDBRecord[];
  /** Every close the fetcher queued, to check at the end that each has its signal. */
  queuedCloses: Array<{ symbol: string; candleTime: string }>;
  /** Alerts the outbox sweep delivered: stored by an earlier, interrupted run, or given up by the stream. */
  sweptAlerts: number;
  /** Ticks whose fetcher failed every attempt; the next tick's catch-up queues their closes. */
  failedTicks: Array<{ scheduledTime: string; error: string }>;
  /** Sweeps that failed; the next one delivers what they would have. */
  failedSweeps: Array<{ error: string }>;
}

export const emptyTotals = (): RunTotals => ({
  ticks: 0,
  messagesReceived: 0,
  messageFailures: 0,
  streamRecords: 0,
  notifierInvocations: 0,
  discardedStreamRecords: [],
  queuedCloses: [],
  sweptAlerts: 0,
  failedTicks: [],
  failedSweeps: [],
});

/** Lambda retries a failed asynchronous invocation (the Scheduler's) twice before giving up. */
const ASYNC_INVOKE_ATTEMPTS = 3;

/**
 * The outbox sweep, as its schedule would invoke the notifier. Locally the stream has just been
 * delivered in full, so no minimum age is needed: whatever is still unnotified is the sweep's.
 */
export async function sweepOutbox(handlers: LocalHandlers, totals: RunTotals): Promise<void> {
  try {
    const swept = await handlers.sweep({ sweep: "outbox", sweepAfterMinutes: 0 }, localContext("notifier"));
    totals.sweptAlerts += swept.notified.length;
  } catch (error) {
    // A failed scheduled sweep is not retried on AWS either: the next one finds the same alerts.
    totals.failedSweeps.push({ error: errorMessage(error) });
  }
}

export interface TickInput {
  scheduledTime: number;
  handlers: LocalHandlers;
  sqsClient: SQSClient;
  queues: AnalysisQueues;
  proxy: StreamProxy;
  totals: RunTotals;
}

/**
 * One schedule firing, as AWS would run it: the Scheduler invokes the fetcher, the SQS event source
 * feeds the analyst until the queue is drained, the stream delivers new alert-worthy items, and the
 * outbox sweep delivers any alert still unnotified.
 */
export async function runTick(input: TickInput): Promise<FetcherResult | undefined> {
  input.totals.ticks += 1;
  const scheduledTime = new Date(input.scheduledTime).toISOString();
  let fetched: Awaited<ReturnType<LocalHandlers["fetcher"]>> | undefined;
  for (let attempt = 1; !fetched; attempt += 1) {
    try {
      fetched = await input.handlers.fetcher({ scheduledTime }, localContext("fetcher"));
    } catch (error) {
      if (attempt < ASYNC_INVOKE_ATTEMPTS) continue;
      input.totals.failedTicks.push({ scheduledTime, error: errorMessage(error) });
      return undefined;
    }
  }
  for (const { symbol, status, candleTime } of fetched.symbols)
    if (status === "queued" && candleTime) input.totals.queuedCloses.push({ symbol, candleTime });
  await runQueuedAnalyses(input);
  return fetched;
}

/** The SQS event source feeds the analyst until the queue is drained; the stream delivers new alerts. */
export async function runQueuedAnalyses({
  handlers,
  sqsClient,
  queues,
  proxy,
  totals,
}: Omit<TickInput, "scheduledTime">) {
  const drained = await drainQueue({
    client: sqsClient,
    queueUrl: queues.queueUrl,
    queueArn: queues.queueArn,
    batchSize: ANALYSIS_QUEUE.batchSize,
    handler: handlers.analyst,
  });
  totals.messagesReceived += drained.received;
  totals.messageFailures += drained.failed;
  const records = proxy.take();
  totals.streamRecords += records.length;
  const delivered = await deliverStreamRecords(records, async (event, context) => {
    totals.notifierInvocations += 1;
    return handlers.notifier(event, context);
  });
  totals.discardedStreamRecords.push(...delivered.discarded);
  await sweepOutbox(handlers, totals);
}

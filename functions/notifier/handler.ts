import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import * as z from "zod";
import { signalFromStreamRecord } from "../adapters/dynamo-store";
import type { Config } from "../core/config";
import { errorMessage } from "../core/errors";
import {
  type ChartRenderer,
  type Messenger,
  type NotifyResult,
  notifySignal,
  type WaitBudget,
} from "../core/notify";
import { type SweepResult, sweepOutbox } from "../core/outbox";
import type { Clock, Deliveries, Outbox } from "../core/ports";
import type { Signal } from "../core/signal";
import { parseOrThrow, ValidationError } from "../core/validation";
import { lazyHandler } from "../runtime/lazy-handler";
import { logger } from "../runtime/logger";
import { metrics } from "../runtime/metrics";
import { FUNCTION_TIMEOUT_SECONDS } from "../shared/resource-definitions";
import { notifierDepsFromEnv } from "./wiring";

export interface NotifierDeps {
  config: Config;
  store: Deliveries & Outbox;
  messenger: Messenger;
  /** Absent: alerts go as text only. */
  chartRenderer?: ChartRenderer;
  clock: Clock;
  /** The reader's clock for the year in an alert's time; defaults to `clock` (see NotifyDeps). */
  readerClock?: Clock;
  sleep: (ms: number) => Promise<void>;
  /** The dashboard's URL for the alerts' "Dashboard" button (see NotifyDeps). */
  dashboardUrl?: string;
  /** Every alert goes to these chats: config.telegram.chatIds plus TELEGRAM_CHAT_ID. */
  chatIds: string[];
}

/** Time kept back from the invocation for the last send and the DynamoDB writes after a 429 wait. */
const RESERVED_MS = 15_000;

function waitBudget(context: Context | undefined): WaitBudget {
  const remaining =
    typeof context?.getRemainingTimeInMillis === "function"
      ? context.getRemainingTimeInMillis()
      : FUNCTION_TIMEOUT_SECONDS.notifier * 1000;
  return { remainingMs: Math.max(0, remaining - RESERVED_MS) };
}

function report(result: NotifyResult, log: Logger): void {
  const { status, ...details } = result;
  if (status === "retry")
    log.warn("alert not delivered yet; the record will be retried", { status, ...details });
  else if (status === "undeliverable" || status === "no-recipients")
    log.warn("alert reached no chat", { status, ...details });
  else log.info("alert handled", { status, ...details });
  if (result.chart === "render-failed")
    log.warn("chart rendering failed; sent as text", { error: result.chartError });
  for (const { chatId, reason } of result.rejected) log.error("chat refused the alert", { chatId, reason });
  if (result.sentTo.length > 0)
    metrics.addMetric("AlertMessagesSent", MetricUnit.Count, result.sentTo.length);
  if (status === "retry") metrics.addMetric("AlertDeliveryRetries", MetricUnit.Count, 1);
}

/** Publishes only when something was measured: an empty flush logs a warning on every quiet batch. */
const publishMetrics = () => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};

/**
 * The notifier: DynamoDB stream records of alert-worthy inserts → Telegram. Records are handled in
 * order; at the first that cannot be delivered yet, it and the rest are reported as failures so the
 * stream retries from there (deliveries already made are recorded, so nothing is sent twice).
 */
export function createNotifierHandler(deps: NotifierDeps) {
  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    if (context) logger.addContext(context);
    const budget = waitBudget(context);
    const records = event.Records ?? [];
    for (const [index, record] of records.entries()) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? record.eventID ?? String(index);
      // A child per record: keys never leak between records, nor between handlers sharing a process.
      const log = logger.createChild({ persistentKeys: { sequenceNumber } });
      let failed = false;
      try {
        const signal = signalFromStreamRecord(record);
        if (!signal) {
          log.debug("not a signal insert; skipped", { eventName: record.eventName });
          continue;
        }
        log.appendPersistentKeys({ symbol: signal.symbol, candleTime: signal.candleTime });
        const result = await notifySignal(signal, deps.chatIds, { ...deps, deliveries: deps.store }, budget);
        report(result, log);
        failed = result.status === "retry";
      } catch (error) {
        if (error instanceof ValidationError) {
          // It will never parse; retrying would only hold up the records behind it.
          log.error("malformed stream record skipped", { error: error.message });
          continue;
        }
        log.error("notifier failed on a record", { error: errorMessage(error) });
        failed = true;
      }
      if (failed) {
        publishMetrics();
        return {
          batchItemFailures: records.slice(index).map((r, offset) => ({
            itemIdentifier: r.dynamodb?.SequenceNumber ?? r.eventID ?? String(index + offset),
          })),
        };
      }
    }
    publishMetrics();
    return { batchItemFailures: [] };
  };
}

/** The sweep schedule's input: `{ "sweep": "outbox" }`, optionally with its own minimum age. */
export const OutboxSweepEventSchema = z
  .object({
    sweep: z.literal("outbox"),
    sweepAfterMinutes: z.number().int().min(0).max(1440).optional(),
  })
  .strict();
export type OutboxSweepEvent = z.input<typeof OutboxSweepEventSchema>;

export interface OutboxSweepResponse {
  pending: number;
  due: number;
  notified: string[];
  retry?: string;
}

const alertName = (signal: Signal) => `${signal.symbol} ${signal.timeframe} ${signal.candleTime}`;

function reportSweep(result: SweepResult): OutboxSweepResponse {
  for (const { signal, result: notified } of result.swept) {
    report(notified, logger.createChild({ persistentKeys: { sweep: "outbox", alert: alertName(signal) } }));
  }
  if (result.due > 0) metrics.addMetric("OutboxSweptAlerts", MetricUnit.Count, result.due);
  publishMetrics();
  logger.info("outbox swept", { pending: result.pending, due: result.due });
  return {
    pending: result.pending,
    due: result.due,
    notified: result.swept
      .filter((swept) => swept.result.status === "notified")
      .map((swept) => alertName(swept.signal)),
    retry: result.stoppedAt?.result.retryReason,
  };
}

/** The outbox sweep: alerts stored with no notifiedAt, older than the stream's own delivery. */
export function createOutboxSweepHandler(deps: NotifierDeps) {
  return async (event: OutboxSweepEvent, context?: Context): Promise<OutboxSweepResponse> => {
    if (context) logger.addContext(context);
    const { sweepAfterMinutes } = parseOrThrow(OutboxSweepEventSchema, event, "outbox sweep event");
    const result = await sweepOutbox(
      deps.chatIds,
      { ...deps, deliveries: deps.store, outbox: deps.store },
      waitBudget(context),
      { sweepAfterMinutes },
    );
    return reportSweep(result);
  };
}

/** One function, two triggers: stream batches carry `Records`; anything else must be a sweep event. */
export function createNotifierEntry(deps: NotifierDeps) {
  const stream = createNotifierHandler(deps);
  const sweep = createOutboxSweepHandler(deps);
  return (
    event: DynamoDBStreamEvent | OutboxSweepEvent,
    context?: Context,
  ): Promise<DynamoDBBatchResponse | OutboxSweepResponse> =>
    "Records" in event ? stream(event, context) : sweep(event, context);
}

export const handler = lazyHandler(() => createNotifierEntry(notifierDepsFromEnv()));

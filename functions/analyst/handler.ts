import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import * as z from "zod";
import { AnalysisInProgressError, type AnalysisResult, analyse, storePorts } from "../core/analyse";
import { type AnalysisRequest, AnalysisRequestSchema } from "../core/analysis-request";
import type { Config } from "../core/config";
import { afterFailure, type Delivery } from "../core/delivery";
import { errorMessage } from "../core/errors";
import type {
  AnalysisClaims,
  Clock,
  FailureRecords,
  Mutes,
  OutcomeWriter,
  SignalReader,
  SignalWriter,
  SpendLedger,
  VerdictStore,
} from "../core/ports";
import { isKnownSymbol } from "../core/symbols";
import { parseJson, parseOrThrow, ValidationError } from "../core/validation";
import { type AnalystModel, ModelUnreachableError } from "../core/verdict";
import { recordingFailures } from "../runtime/failure-recording";
import { lazyHandler } from "../runtime/lazy-handler";
import { logger } from "../runtime/logger";
import { metrics } from "../runtime/metrics";
import {
  ANALYSIS_QUEUE,
  BUDGET_ABSTAINS_METRIC,
  FUNCTION_TIMEOUT_SECONDS,
} from "../shared/resource-definitions";
import { analystDepsFromEnv } from "./wiring";

/** The LLM, none (rules analyst), or its resolver: the wiring's reads the key from SSM once. */
export type ModelSource = AnalystModel | undefined | (() => Promise<AnalystModel | undefined>);

export type AnalystStore = SignalWriter &
  OutcomeWriter &
  SignalReader &
  AnalysisClaims &
  VerdictStore &
  SpendLedger &
  Mutes &
  FailureRecords;

export interface AnalystDeps {
  config: Config;
  /** DynamoStore implements every port here. */
  store: AnalystStore;
  model: ModelSource;
  clock: Clock;
  /** How long an LLM claim holds; defaults to the function timeout. */
  leaseMs?: number;
  /** The queue's redrive maxReceiveCount; defaults to the one the stack sets on the queue. */
  maxReceiveCount?: number;
}

const ReceiveCount = z.coerce.number().int().min(1);

/** Where this record is in the redrive policy; Lambda always sets the count, 1 if it ever did not. */
function deliveryOf(record: SQSRecord, maxReceiveCount: number): Delivery {
  const parsed = ReceiveCount.safeParse(record.attributes.ApproximateReceiveCount);
  return { receiveCount: parsed.success ? parsed.data : 1, maxReceiveCount };
}

/** Parses one message body; a bad one is rejected with the field and value named. */
export function parseAnalysisRequest(body: string): AnalysisRequest {
  const request = parseOrThrow(
    AnalysisRequestSchema,
    parseJson(body, "analysis request"),
    "analysis request",
  );
  if (!isKnownSymbol(request.symbol))
    throw new ValidationError("analysis request", [
      `symbol = ${JSON.stringify(request.symbol)}: unknown symbol`,
    ]);
  return request;
}

/**
 * Logs the outcome. Metrics are kept to rare events on purpose: CloudWatch bills a custom metric
 * for every hour it receives data, so a per-message metric would cost more than the analysis.
 */
function report(result: AnalysisResult, log: Logger): void {
  if (result.status === "exists") {
    log.info("signal already stored; redelivery skipped");
    return;
  }
  const { signal } = result;
  // A dead endpoint was logged once by the circuit breaker (with its URL); its closes are counted.
  if (result.unavailable?.endpointDown)
    log.info("LLM endpoint down: signal stored as ABSTAIN unavailable, not retried", {
      error: result.unavailable.message,
    });
  else if (result.unavailable)
    log.error("LLM unavailable: signal stored as ABSTAIN, not retried", {
      reason: result.unavailable.reason,
      error: result.unavailable.message,
    });
  if (result.verdictNotKept)
    log.warn("billed verdict not kept; the stored signal carries it", { error: result.verdictNotKept });
  if (result.outcomesFailed)
    log.warn("earlier signals' outcomes not written; the next close writes them", {
      error: result.outcomesFailed,
    });
  log.info("signal stored", {
    status: result.status,
    candleTime: signal.candleTime,
    action: signal.action,
    confidence: signal.confidence,
    analyst: signal.analyst,
    triggers: signal.triggers,
    reasons: signal.action === "ABSTAIN" ? signal.reasons : undefined,
    alert: signal.alert,
    alertReason: result.alertReason,
    llmCalled: result.llmCalled,
    tokens: signal.tokens,
    costUsd: signal.costUsd,
  });
  if (signal.action === "ABSTAIN") metrics.addMetric("Abstains", MetricUnit.Count, 1);
  // Only emitted when the budget bites, so the alarm on it costs nothing on a normal day.
  if (signal.action === "ABSTAIN" && signal.reasons.includes("budget"))
    metrics.addMetric(BUDGET_ABSTAINS_METRIC, MetricUnit.Count, 1);
  if (signal.alert) metrics.addMetric("Alerts", MetricUnit.Count, 1);
}

/**
 * The analyst: one SQS batch of AnalysisRequests → one stored Signal each. A record that fails
 * (malformed, or a transient LLM error) is reported alone in batchItemFailures; SQS retries it and,
 * after maxReceiveCount, moves it to the DLQ. The others are not held back. On the last delivery a
 * transient LLM error is stored as ABSTAIN `unavailable` instead, so only what cannot be parsed (or
 * stored) reaches the DLQ.
 */
export function createAnalystHandler(deps: AnalystDeps) {
  const leaseMs = deps.leaseMs ?? FUNCTION_TIMEOUT_SECONDS.analyst * 1000;
  const maxReceiveCount = deps.maxReceiveCount ?? ANALYSIS_QUEUE.maxReceiveCount;
  const resolveModel = async (): Promise<AnalystModel | undefined> =>
    typeof deps.model === "function" ? deps.model() : deps.model;

  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    if (context) logger.addContext(context);
    const model = await resolveModel();
    const ports = storePorts(deps.store, model, deps.clock);

    const handleRecord = async (record: SQSRecord): Promise<void> => {
      const delivery = deliveryOf(record, maxReceiveCount);
      const log = logger.createChild({
        persistentKeys: { messageId: record.messageId, receiveCount: delivery.receiveCount },
      });
      let request: AnalysisRequest;
      try {
        request = parseAnalysisRequest(record.body);
      } catch (error) {
        log.error(`analysis request rejected; ${afterFailure(delivery)}`, {
          error: errorMessage(error),
        });
        metrics.addMetric("RequestsRejected", MetricUnit.Count, 1);
        throw error;
      }
      log.appendPersistentKeys({ symbol: request.symbol });
      try {
        const context = { deliveryId: record.messageId, leaseMs, delivery };
        report(await analyse(request, deps.config, ports, context), log);
      } catch (error) {
        const next = afterFailure(delivery);
        if (error instanceof AnalysisInProgressError)
          log.info(`another delivery is analysing this candle; ${next}`);
        // The circuit breaker warns once per outage, naming the endpoint; each failure is not repeated.
        else if (error instanceof ModelUnreachableError)
          log.info(`analysis failed; ${next}`, { error: error.message });
        else log.warn(`analysis failed; ${next}`, { error: errorMessage(error) });
        throw error;
      }
    };

    try {
      const handleAndRecord = recordingFailures("analysis", deps.store, deps.clock, handleRecord);
      return await processPartialResponse(event, handleAndRecord, new BatchProcessor(EventType.SQS), {
        context,
        // A batch where every record failed is still a partial-failure response, never a throw.
        throwOnFullBatchFailure: false,
      });
    } finally {
      // Publishing nothing would log a warning per invocation.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

export const handler = lazyHandler(() => createAnalystHandler(analystDepsFromEnv()));

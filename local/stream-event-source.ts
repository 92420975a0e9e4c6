import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { errorMessage } from "../functions/core/errors";
import { logger } from "../functions/runtime/logger";
import { NOTIFIER_STREAM } from "../functions/shared/resource-definitions";
import { matchesFilter } from "./event-filter";
import { localContext } from "./lambda-context";

export interface StreamDeliveryStats {
  delivered: number;
  retried: number;
  /** Records given up after the retry attempts: on AWS they would go to the on-failure destination. */
  discarded: DynamoDBRecord[];
}

/**
 * Does what Lambda's DynamoDB stream event source does with the stack's settings: apply the filter,
 * invoke in batches, and on a partial failure retry from the first failed record, up to the retry
 * attempts, after which the batch's remaining records go to the on-failure destination.
 */
export async function deliverStreamRecords(
  records: DynamoDBRecord[],
  handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | undefined>,
): Promise<StreamDeliveryStats> {
  const stats: StreamDeliveryStats = { delivered: 0, retried: 0, discarded: [] };
  let pending = records.filter((record) => matchesFilter(record, NOTIFIER_STREAM.filterPattern));
  let attempts = 0;
  while (pending.length > 0) {
    const batch = pending.slice(0, NOTIFIER_STREAM.batchSize);
    let firstFailed = batch.length;
    try {
      const response = await handler({ Records: batch }, localContext("notifier"));
      const failedSequences = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      const index = batch.findIndex((record) => failedSequences.has(record.dynamodb?.SequenceNumber ?? ""));
      if (index >= 0) firstFailed = index;
    } catch (error) {
      // Lambda logs a function's thrown error; the event source then retries the whole batch.
      logger.error("notifier invocation failed: its batch will be retried", {
        error: errorMessage(error),
        records: batch.length,
      });
      firstFailed = 0;
    }
    stats.delivered += firstFailed;
    if (firstFailed === batch.length) {
      pending = pending.slice(batch.length);
      attempts = 0;
      continue;
    }
    attempts += 1;
    if (attempts > NOTIFIER_STREAM.retryAttempts) {
      stats.discarded.push(...batch.slice(firstFailed));
      pending = pending.slice(batch.length);
      attempts = 0;
      continue;
    }
    stats.retried += 1;
    pending = pending.slice(firstFailed);
  }
  return stats;
}

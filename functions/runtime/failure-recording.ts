import type { SQSRecord } from "aws-lambda";
import { type DeadLetterQueueName, failureRecord } from "../core/dead-letters";
import type { Clock, FailureRecords } from "../core/ports";
import { logger } from "./logger";

/**
 * Wraps a batch processor's record handler so that each failure is kept with its reason before it is
 * rethrown (and reported in batchItemFailures): what SQS later moves to the DLQ can then be explained.
 * A failure to keep the record is logged and never changes the record's own outcome.
 */
export function recordingFailures(
  queue: DeadLetterQueueName,
  failures: FailureRecords,
  clock: Clock,
  handle: (record: SQSRecord) => Promise<void>,
): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    try {
      await handle(record);
    } catch (error) {
      const failure = failureRecord({
        queue,
        messageId: record.messageId,
        body: record.body,
        receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
        error,
        at: clock.now(),
      });
      await failures.recordFailure(failure).catch((writeError: Error) =>
        logger.warn("could not keep the failure record", {
          messageId: record.messageId,
          error: writeError.message,
        }),
      );
      throw error;
    }
  };
}

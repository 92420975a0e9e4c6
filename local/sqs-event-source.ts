import { setTimeout } from "node:timers/promises";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { queueDepth } from "../functions/adapters/queue-depth";
import { errorMessage } from "../functions/core/errors";
import { logger } from "../functions/runtime/logger";
import { localContext } from "./lambda-context";

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  /**
   * Seconds a received message stays invisible, so a failure reappears after it (on AWS, the queue's
   * visibility timeout). Batches are handled one at a time and deleted (by message id) before the next
   * receive, so a short timeout only shortens the retry delay: 1 s by default, the least local-aws-sqs
   * takes (on 0 it re-delivers at once). A longer one cannot be cut short for a failure alone, since
   * local-aws-sqs counts a ChangeMessageVisibility as a receive.
   */
  visibilityTimeoutSeconds?: number;
  region?: string;
}

export interface DrainStats {
  batches: number;
  received: number;
  succeeded: number;
  failed: number;
}

function toRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * Does what Lambda's SQS event source does, until the queue is empty: receive a batch, invoke the
 * handler with an SQSEvent, delete what succeeded, and leave each reported failure (or the whole
 * batch, if the handler throws) to reappear when its visibility timeout ends, so receive counts grow
 * and the redrive policy moves a message that keeps failing to the DLQ.
 */
export async function drainQueue(options: SqsEventSourceOptions): Promise<DrainStats> {
  const { client, queueUrl, queueArn, batchSize, handler } = options;
  const region = options.region ?? "us-east-1";
  const stats: DrainStats = { batches: 0, received: 0, succeeded: 0, failed: 0 };
  for (;;) {
    const depth = await queueDepth(queueUrl, client);
    if (depth.visible + depth.inFlight === 0) break;
    if (depth.visible === 0) {
      // Failed messages are waiting out their visibility timeout.
      await setTimeout(100);
      continue;
    }
    // Asking for no more than are visible lets the emulator answer without waiting to fill the batch.
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(batchSize, depth.visible),
        WaitTimeSeconds: 0,
        VisibilityTimeout: Math.max(1, options.visibilityTimeoutSeconds ?? 1),
        MessageSystemAttributeNames: ["All"],
        // local-aws-sqs reads only the older name; AWS accepts both.
        AttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) continue;
    stats.batches += 1;
    stats.received += Messages.length;
    const records = Messages.map((message) => toRecord(message, queueArn, region));
    let failedIds: Set<string>;
    try {
      const response = await handler({ Records: records }, localContext("analyst"));
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      // Lambda logs a function's thrown error; the whole batch then reappears after its timeout.
      logger.error("analyst invocation failed: its batch will be received again", {
        error: errorMessage(error),
        messages: records.length,
      });
      failedIds = new Set(records.map((record) => record.messageId));
    }
    const succeeded = records.filter((record) => !failedIds.has(record.messageId));
    const failed = records.filter((record) => failedIds.has(record.messageId));
    stats.succeeded += succeeded.length;
    stats.failed += failed.length;
    if (succeeded.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: succeeded.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
          })),
        }),
      );
    }
    // Nothing sends to the queue while it drains, so a batch that took all there was and all
    // succeeded emptied it: asking for the depth again would only confirm that (a call per tick).
    if (failed.length === 0 && depth.inFlight === 0 && Messages.length === depth.visible) break;
  }
  return stats;
}

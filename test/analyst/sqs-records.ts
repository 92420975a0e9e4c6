import type { SQSEvent, SQSRecord } from "aws-lambda";

let sequence = 0;

/** An SQS record as Lambda's event source delivers it; `receiveCount` is its ApproximateReceiveCount. */
export const record = (body: string, messageId = `message-${++sequence}`, receiveCount = 1): SQSRecord => ({
  messageId,
  receiptHandle: `receipt-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: "1709300000000",
    SenderId: "test",
    ApproximateFirstReceiveTimestamp: "1709300000000",
  },
  messageAttributes: {},
  md5OfBody: "",
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:analysis",
  awsRegion: "us-east-1",
});

export const eventOf = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** The message ids the handler reported as failed, sorted. */
export const failures = (response: { batchItemFailures: Array<{ itemIdentifier: string }> }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();

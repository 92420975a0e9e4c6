import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { sqs } from "./sqs-client";

export interface QueueDepth {
  visible: number;
  inFlight: number;
}

/** Approximate messages in a queue: waiting to be received, and received but not yet deleted. */
export async function queueDepth(queueUrl: string, client: SQSClient = sqs()): Promise<QueueDepth> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Approximate messages in a queue, visible or in flight: the DLQ depth /status shows. */
export async function approximateQueueDepth(queueUrl: string, client: SQSClient = sqs()): Promise<number> {
  const { visible, inFlight } = await queueDepth(queueUrl, client);
  return visible + inFlight;
}

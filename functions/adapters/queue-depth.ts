import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { sqs } from "./aws-clients";

/** Approximate messages in a queue, visible or in flight: the DLQ depth /status shows. */
export async function approximateQueueDepth(queueUrl: string, client: SQSClient = sqs()): Promise<number> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

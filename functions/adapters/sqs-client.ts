import { SQSClient } from "@aws-sdk/client-sqs";

/**
 * One SQS client per container, created on first use; AWS_ENDPOINT_URL_SQS points it at an emulator.
 * A module of its own (as is dynamo-client.ts), so a function loads only the SDK clients it uses.
 */
let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({});
  return sqsClient;
}

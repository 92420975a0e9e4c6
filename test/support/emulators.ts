import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import {
  type AnalysisQueues,
  createAnalysisQueues,
  createSignalsTable,
  dynamoClientFor,
  sqsClientFor,
  startDynalite,
  startSqs,
} from "../../local/emulators";

/** A fresh in-memory signals table on dynalite, for adapter and use-case tests over the real protocol. */
export async function startTestTable(tableName = "signals-test") {
  const dynalite = await startDynalite();
  const client = dynamoClientFor(dynalite.endpoint);
  await createSignalsTable(client, tableName);
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    endpoint: dynalite.endpoint,
    tableName,
    documentClient,
    store: new DynamoStore(tableName, documentClient),
    close: () => dynalite.close(),
  };
}

/** Fresh analysis queue and DLQ on local-aws-sqs. */
export async function startTestQueues(): Promise<
  AnalysisQueues & { endpoint: string; client: ReturnType<typeof sqsClientFor>; close(): Promise<void> }
> {
  const sqs = await startSqs();
  const client = sqsClientFor(sqs.endpoint);
  const queues = await createAnalysisQueues(client);
  return { ...queues, endpoint: sqs.endpoint, client, close: () => sqs.close() };
}

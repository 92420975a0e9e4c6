import type { AddressInfo } from "node:net";
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import dynalite from "dynalite";
import { createSqsServer } from "local-aws-sqs";
import { sideKeysOf } from "../functions/adapters/dynamo-store";
import type { Action } from "../functions/core/signal";
import type { Timeframe } from "../functions/core/timeframes";
import { ANALYSIS_QUEUE, SIGNALS_TABLE } from "../functions/shared/resource-definitions";
import { keepIdleConnections } from "./keep-alive";

export interface RunningEmulator {
  endpoint: string;
  close(): Promise<void>;
}

type ClosableServer = {
  address(): AddressInfo | string | null;
  close(cb?: (error?: Error) => void): unknown;
};

const closeServer = (server: ClosableServer) =>
  new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));

const endpointOf = (server: ClosableServer) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Starts dynalite on a free loopback port; `path` persists the data (LevelDB), otherwise in memory. */
export async function startDynalite(options: { path?: string } = {}): Promise<RunningEmulator> {
  const server = keepIdleConnections(
    dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { endpoint: endpointOf(server), close: () => closeServer(server) };
}

/** Starts local-aws-sqs (in memory) on a free loopback port. */
export async function startSqs(): Promise<RunningEmulator> {
  const server = keepIdleConnections(
    await createSqsServer({ port: 0, hostname: "127.0.0.1", emulateQueueCreationLifecycle: false }),
  );
  if (!server.listening) await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return {
    endpoint: endpointOf(server),
    close: () => {
      server.closeAllConnections?.();
      return closeServer(server);
    },
  };
}

/** Credentials and region for emulators: the SDK requires some, the emulators ignore them. */
export const EMULATOR_CLIENT_CONFIG = {
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
};

/**
 * Creates the signals table with the keys and indexes the stack defines. An existing table is kept;
 * one a store from before an index lacks is rebuilt with it (dynalite cannot add an index in place).
 */
export async function createSignalsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  let existing: string[] | undefined;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? "");
  } catch (error) {
    if ((error as Error).name !== "ResourceNotFoundException") throw error;
  }
  const wanted = Object.values(SIGNALS_TABLE.indexes).map((index) => index.name);
  if (existing && wanted.every((name) => existing.includes(name))) return;
  if (existing) return rebuildWithIndexes(client, tableName);
  await createTable(client, tableName);
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, indexes } = SIGNALS_TABLE;
  const indexList = Object.values(indexes);
  const attributes = [
    partitionKey,
    sortKey,
    ...indexList.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: "S" })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: "HASH" },
        { AttributeName: sortKey, KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: indexList.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: "HASH" },
          { AttributeName: index.sortKey, KeyType: "RANGE" },
        ],
        Projection:
          index.projection === "ALL"
            ? { ProjectionType: "ALL" }
            : { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projection] },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
  // A new table is CREATING until it turns ACTIVE, and refuses writes until then (DynamoDB and dynalite
  // alike; dynalite's turn comes a moment later, after its own disk write, later still on a busy machine).
  await waitUntilTableExists(
    { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 },
    { TableName: tableName },
  );
  // dynalite implements neither TTL nor streams: the local runtime delivers stream records itself.
}

/**
 * A kept local store created before one of the table's indexes: every item is read, the table made
 * again with all indexes, and the items written back, BUY and SELL rows with their `sides` keys, so
 * the signals still in their outcome window get scored. Writes go to dynalite directly, not through
 * the stream proxy: nothing is notified twice.
 */
async function rebuildWithIndexes(client: DynamoDBClient, tableName: string): Promise<void> {
  const items: Array<Record<string, AttributeValue>> = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntilTableNotExists(
    { client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 },
    { TableName: tableName },
  );
  await createTable(client, tableName);
  for (const item of items) {
    const signal = {
      symbol: item.symbol?.S ?? "",
      timeframe: item.timeframe?.S as Timeframe,
      candleTime: item.candleTime?.S ?? "",
      action: item.action?.S as Action,
    };
    const keys = item.pk?.S?.startsWith("SIGNAL#") ? sideKeysOf(signal) : {};
    const sideKeys = Object.fromEntries(Object.entries(keys).map(([name, value]) => [name, { S: value }]));
    await client.send(new PutItemCommand({ TableName: tableName, Item: { ...item, ...sideKeys } }));
  }
}

/**
 * Deletes the LLM claims (pk CLAIM#…) a killed run left behind. On AWS a claim lapses after the
 * function timeout of wall time; locally it is dated on the replay's clock, which a rerun winds back
 * to the same closes, so a dead run's claim would hold them for good and send them to the DLQ. The
 * local runtime is the store's only writer, so any claim found at start is a dead run's.
 */
export async function releaseDeadClaims(client: DynamoDBClient, tableName: string): Promise<number> {
  let released = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: "pk, sk",
        FilterExpression: "begins_with(pk, :claim)",
        ExpressionAttributeValues: { ":claim": { S: "CLAIM#" } },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const { pk, sk } of page.Items ?? []) {
      if (!pk || !sk) continue;
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk, sk } }));
      released += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return released;
}

export interface AnalysisQueues {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
}

/** Creates the analysis queue and its DLQ with the stack's redrive policy and visibility timeout. */
export async function createAnalysisQueues(client: SQSClient, prefix = "signals"): Promise<AnalysisQueues> {
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-analysis-dlq`,
      Attributes: { MessageRetentionPeriod: String(ANALYSIS_QUEUE.dlqRetentionDays * 86_400) },
    }),
  );
  const dlqUrl = dlq.QueueUrl as string;
  const arnOf = async (QueueUrl: string) => {
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    return Attributes?.QueueArn as string;
  };
  const dlqArn = await arnOf(dlqUrl);
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-analysis`,
      Attributes: {
        VisibilityTimeout: String(ANALYSIS_QUEUE.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(ANALYSIS_QUEUE.retentionDays * 86_400),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: ANALYSIS_QUEUE.maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl as string;
  return { queueUrl, queueArn: await arnOf(queueUrl), dlqUrl, dlqArn };
}

export const dynamoClientFor = (endpoint: string) =>
  new DynamoDBClient({ ...EMULATOR_CLIENT_CONFIG, endpoint });
export const sqsClientFor = (endpoint: string) => new SQSClient({ ...EMULATOR_CLIENT_CONFIG, endpoint });

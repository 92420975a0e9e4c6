import { GetQueueAttributesCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import type { Signal } from "../../functions/core/signal";
import { ANALYSIS_QUEUE, NOTIFIER_STREAM } from "../../functions/shared/resource-definitions";
import { createSignalsTable, dynamoClientFor, startDynalite } from "../../local/emulators";
import { matchesFilter } from "../../local/event-filter";
import { drainQueue } from "../../local/sqs-event-source";
import { deliverStreamRecords } from "../../local/stream-event-source";
import { startStreamProxy } from "../../local/stream-proxy";
import { captureLogs } from "../support/capture-logs";
import { startTestQueues } from "../support/emulators";

const signal = (hour: number, alert: boolean): Signal => ({
  symbol: "ETH-USD",
  timeframe: "1h",
  candleTime: `2024-05-01T${String(hour).padStart(2, "0")}:00:00.000Z`,
  price: 3000,
  action: alert ? "BUY" : "HOLD",
  confidence: alert ? 0.9 : 0.5,
  reasons: ["test"],
  analyst: "rules",
  indicators: {},
  triggers: [],
  provider: "replay",
  alert,
  createdAt: "2024-05-01T01:00:00.000Z",
});

describe("stream proxy in front of dynalite", () => {
  let close: () => Promise<void>;
  let store: DynamoStore;
  let take: () => DynamoDBRecord[];
  let documents: DynamoDBDocumentClient;
  beforeAll(async () => {
    const dynalite = await startDynalite();
    await createSignalsTable(dynamoClientFor(dynalite.endpoint), "signals-proxy");
    const proxy = await startStreamProxy(dynalite.endpoint);
    documents = DynamoDBDocumentClient.from(dynamoClientFor(proxy.endpoint));
    store = new DynamoStore("signals-proxy", documents);
    take = proxy.take;
    close = async () => {
      await proxy.close();
      await dynalite.close();
    };
  });
  afterAll(() => close());

  it("records an INSERT with the new image for each stored signal, and nothing for a refused put", async () => {
    await store.putSignal(signal(1, true));
    await store.putSignal(signal(1, true));
    await store.putSignal(signal(2, false));
    const records = take();
    expect(records.map((r) => r.eventName)).toEqual(["INSERT", "INSERT"]);
    expect(records[0]?.dynamodb?.NewImage?.alert).toEqual({ BOOL: true });
    expect(records[0]?.dynamodb?.Keys).toEqual({
      pk: { S: "SIGNAL#ETH-USD#1h" },
      sk: { S: "2024-05-01T01:00:00.000Z" },
    });
    expect(take()).toEqual([]);
  });

  it("records updates as MODIFY, which the notifier's filter drops", async () => {
    await store.markNotified(signal(1, true), "2024-05-01T01:00:09.000Z");
    const [modify] = take();
    expect(modify?.eventName).toBe("MODIFY");
    expect(modify?.dynamodb?.NewImage?.notifiedAt).toEqual({ S: "2024-05-01T01:00:09.000Z" });
    expect(matchesFilter(modify, NOTIFIER_STREAM.filterPattern)).toBe(false);
  });

  it("tells INSERT from MODIFY and REMOVE as Streams do, and answers each caller as it asked", async () => {
    const key = { pk: "PROXY#test", sk: "one" };
    const put = (value: number, returnValues?: "ALL_OLD") =>
      documents.send(
        new PutCommand({ TableName: "signals-proxy", Item: { ...key, value }, ReturnValues: returnValues }),
      );
    // The proxy asks dynalite for the old item; a caller that did not ask gets no Attributes.
    expect((await put(1)).Attributes).toBeUndefined();
    expect((await put(2, "ALL_OLD")).Attributes).toEqual({ ...key, value: 1 });
    const updated = await documents.send(
      new UpdateCommand({
        TableName: "signals-proxy",
        Key: key,
        UpdateExpression: "SET #v = :v",
        ExpressionAttributeNames: { "#v": "value" },
        ExpressionAttributeValues: { ":v": 3 },
      }),
    );
    expect(updated.Attributes).toBeUndefined();
    const created = await documents.send(
      new UpdateCommand({
        TableName: "signals-proxy",
        Key: { ...key, sk: "two" },
        UpdateExpression: "SET #v = :v",
        ExpressionAttributeNames: { "#v": "value" },
        ExpressionAttributeValues: { ":v": 9 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    expect(created.Attributes).toEqual({ value: 9 });
    await documents.send(new DeleteCommand({ TableName: "signals-proxy", Key: key }));
    // Deleting an item that is not there changes nothing, and Streams record nothing.
    await documents.send(new DeleteCommand({ TableName: "signals-proxy", Key: { ...key, sk: "absent" } }));

    const records = take();
    expect(
      records.map((r) => [r.eventName, r.dynamodb?.Keys?.sk?.S, r.dynamodb?.NewImage?.value?.N]),
    ).toEqual([
      ["INSERT", "one", "1"],
      ["MODIFY", "one", "2"],
      ["MODIFY", "one", "3"],
      ["INSERT", "two", "9"],
      ["REMOVE", "one", undefined],
    ]);
  });
});

describe("event filter", () => {
  const record = (eventName: string, alert: unknown) => ({ eventName, dynamodb: { NewImage: { alert } } });
  it("passes alert inserts only", () => {
    expect(matchesFilter(record("INSERT", { BOOL: true }), NOTIFIER_STREAM.filterPattern)).toBe(true);
    expect(matchesFilter(record("INSERT", { BOOL: false }), NOTIFIER_STREAM.filterPattern)).toBe(false);
    expect(matchesFilter(record("MODIFY", { BOOL: true }), NOTIFIER_STREAM.filterPattern)).toBe(false);
    expect(matchesFilter({ eventName: "INSERT", dynamodb: {} }, NOTIFIER_STREAM.filterPattern)).toBe(false);
  });
  it("supports exists rules", () => {
    expect(matchesFilter({ a: { b: 1 } }, { a: { c: [{ exists: false }] } })).toBe(true);
    expect(matchesFilter({ a: { c: 1 } }, { a: { c: [{ exists: false }] } })).toBe(false);
  });
});

describe("SQS event source on local-aws-sqs", () => {
  let queues: Awaited<ReturnType<typeof startTestQueues>>;
  beforeAll(async () => {
    queues = await startTestQueues();
  });
  afterAll(() => queues.close());

  it("deletes what succeeded and moves a message that keeps failing to the DLQ after maxReceiveCount", async () => {
    await queues.client.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: ["good-1", "poison", "good-2"].map((body, index) => ({
          Id: String(index),
          MessageBody: body,
        })),
      }),
    );
    const seen: string[] = [];
    const receiveCounts: number[] = [];
    const stats = await drainQueue({
      client: queues.client,
      queueUrl: queues.queueUrl,
      queueArn: "arn:aws:sqs:us-east-1:123456789012:signals-analysis",
      batchSize: 10,
      visibilityTimeoutSeconds: 1,
      handler: async (event: SQSEvent) => {
        seen.push(...event.Records.map((r) => r.body));
        for (const r of event.Records)
          if (r.body === "poison") receiveCounts.push(Number(r.attributes.ApproximateReceiveCount));
        return {
          batchItemFailures: event.Records.filter((r) => r.body === "poison").map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });
    expect(seen.filter((body) => body.startsWith("good"))).toHaveLength(2);
    expect(receiveCounts).toEqual([1, 2, 3, 4, 5].slice(0, ANALYSIS_QUEUE.maxReceiveCount));
    expect(stats).toMatchObject({ succeeded: 2, failed: ANALYSIS_QUEUE.maxReceiveCount });
    const { Attributes } = await queues.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.dlqUrl,
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe("1");
  });

  it("logs why an analyst invocation threw, and receives its batch again (#13 item 3)", async () => {
    await queues.client.send(
      new SendMessageBatchCommand({ QueueUrl: queues.queueUrl, Entries: [{ Id: "0", MessageBody: "once" }] }),
    );
    let calls = 0;
    const { result, lines } = await captureLogs(() =>
      drainQueue({
        client: queues.client,
        queueUrl: queues.queueUrl,
        queueArn: "arn:aws:sqs:us-east-1:123456789012:signals-analysis",
        batchSize: 10,
        visibilityTimeoutSeconds: 1,
        handler: async () => {
          calls += 1;
          if (calls === 1) throw new Error("Runtime.ImportModuleError: no such module");
          return { batchItemFailures: [] };
        },
      }),
    );
    expect(result).toMatchObject({ received: 2, succeeded: 1, failed: 1 });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: expect.stringMatching(/analyst invocation failed/),
        error: "Runtime.ImportModuleError: no such module",
      }),
    );
  });
});

describe("stream event source", () => {
  const record = (sequence: number): DynamoDBRecord => ({
    eventName: "INSERT",
    dynamodb: { SequenceNumber: String(sequence), NewImage: { alert: { BOOL: true } } },
  });

  it("retries from the first failed record and gives up after the retry attempts", async () => {
    const calls: string[][] = [];
    const stats = await deliverStreamRecords([record(1), record(2), record(3)], async (event) => {
      calls.push(event.Records.map((r) => r.dynamodb?.SequenceNumber ?? ""));
      return {
        batchItemFailures: event.Records.some((r) => r.dynamodb?.SequenceNumber === "2")
          ? [{ itemIdentifier: "2" }]
          : [],
      };
    });
    expect(calls[0]).toEqual(["1", "2", "3"]);
    expect(calls[1]).toEqual(["2", "3"]);
    expect(calls).toHaveLength(1 + NOTIFIER_STREAM.retryAttempts);
    expect(stats.delivered).toBe(1);
    expect(stats.discarded.map((r) => r.dynamodb?.SequenceNumber)).toEqual(["2", "3"]);
  });

  it("logs why a notifier invocation threw, then retries the batch (#13 item 3)", async () => {
    let calls = 0;
    const { result, lines } = await captureLogs(() =>
      deliverStreamRecords([record(7)], async () => {
        calls += 1;
        if (calls === 1) throw new Error("Telegram socket hang up");
        return { batchItemFailures: [] };
      }),
    );
    expect(result.delivered).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: expect.stringMatching(/notifier invocation failed/),
        error: "Telegram socket hang up",
      }),
    );
  });

  it("skips records the filter drops", async () => {
    const calls: number[] = [];
    await deliverStreamRecords([{ ...record(1), eventName: "MODIFY" }], async (event) => {
      calls.push(event.Records.length);
      return { batchItemFailures: [] };
    });
    expect(calls).toEqual([]);
  });
});

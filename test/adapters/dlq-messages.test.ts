import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { peekDeadLetters, redriveDeadLetters } from "../../functions/adapters/dlq-messages";
import { queueDepth } from "../../functions/adapters/queue-depth";
import { createAnalystHandler } from "../../functions/analyst/handler";
import { parseConfig } from "../../functions/core/config";
import { describeDeadLetters } from "../../functions/core/dead-letters";
import { ANALYSIS_QUEUE } from "../../functions/shared/resource-definitions";
import { drainQueue } from "../../local/sqs-event-source";
import { quietCandles, requestFor } from "../core/analyst/series";
import { startTestQueues, startTestTable } from "../support/emulators";

/**
 * The analyst on its real queue: what fails every receive reaches the DLQ, and the failure record
 * the handler kept explains it by message id.
 */
describe("dead letters of the analysis queue (local-aws-sqs, dynalite)", () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let queues: Awaited<ReturnType<typeof startTestQueues>>;
  const quiet = requestFor(quietCandles(250, Date.parse("2024-02-01T00:00:00Z")), "ETH-USD");
  const unknownSymbol = { ...quiet, symbol: "NOPE-USD" };

  beforeEach(async () => {
    [table, queues] = await Promise.all([startTestTable(), startTestQueues()]);
  });
  afterEach(async () => {
    await Promise.all([table.close(), queues.close()]);
  });

  const send = (body: string) =>
    queues.client.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: body }));

  const drain = (handler: ReturnType<typeof createAnalystHandler>) =>
    drainQueue({
      client: queues.client,
      queueUrl: queues.queueUrl,
      queueArn: "arn:aws:sqs:us-east-1:123456789012:signals-analysis",
      batchSize: ANALYSIS_QUEUE.batchSize,
      handler,
      visibilityTimeoutSeconds: 1,
    });

  const analyst = () =>
    createAnalystHandler({
      config: parseConfig({}),
      store: table.store,
      model: undefined,
      clock: { now: () => Date.parse("2024-03-01T00:00:00Z") },
    });

  it("lists each dead letter with its close, receive count and last error, without consuming it", async () => {
    const bad = await send(JSON.stringify(unknownSymbol));
    const garbage = await send("{not json");
    await send(JSON.stringify(quiet));
    await drain(analyst());

    const letters = await peekDeadLetters(queues.dlqUrl, queues.client);
    const rows = describeDeadLetters("analysis", letters, await table.store.failuresOf("analysis"));
    const byId = new Map(rows.map((row) => [row.messageId, row]));
    expect([...byId.keys()].sort()).toEqual([bad.MessageId, garbage.MessageId].sort());
    expect(byId.get(bad.MessageId as string)).toMatchObject({
      symbol: "NOPE-USD",
      candleTime: quiet.candleTime,
      receiveCount: ANALYSIS_QUEUE.maxReceiveCount,
      lastError: expect.stringMatching(/symbol = "NOPE-USD": unknown symbol/),
      failedAt: "2024-03-01T00:00:00.000Z",
    });
    expect(byId.get(garbage.MessageId as string)).toMatchObject({
      symbol: "unknown",
      candleTime: "unknown",
      lastError: expect.stringMatching(/not JSON/),
    });
    // The good message left no failure behind, and peeking left both letters in the DLQ.
    expect((await table.store.failuresOf("analysis")).map((f) => f.messageId).sort()).toEqual(
      [bad.MessageId, garbage.MessageId].sort(),
    );
    expect(await queueDepth(queues.dlqUrl, queues.client)).toEqual({ visible: 2, inFlight: 0 });
    // Kept as long as the DLQ keeps the message: TTL 14 days after the failure.
    const { Items = [] } = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "FAILURE#analysis" },
      }),
    );
    expect(Items.map((item) => item.expiresAt)).toEqual([
      Date.parse("2024-03-01T00:00:00Z") / 1000 + 14 * 86_400,
      Date.parse("2024-03-01T00:00:00Z") / 1000 + 14 * 86_400,
    ]);
  }, 30_000);

  it("redrives the DLQ back to the analysis queue with a message-move task", async () => {
    await send(JSON.stringify(unknownSymbol));
    await drain(analyst());
    expect((await queueDepth(queues.dlqUrl, queues.client)).visible).toBe(1);

    const outcome = await redriveDeadLetters(queues.dlqUrl, { client: queues.client });
    expect(outcome).toMatchObject({ status: "COMPLETED", moved: 1 });
    expect(await queueDepth(queues.dlqUrl, queues.client)).toEqual({ visible: 0, inFlight: 0 });
    expect((await queueDepth(queues.queueUrl, queues.client)).visible).toBe(1);
  }, 30_000);
});

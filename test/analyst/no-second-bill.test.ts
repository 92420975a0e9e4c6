import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { OpenAiAnalyst } from "../../functions/adapters/openai-analyst";
import { createAnalystHandler } from "../../functions/analyst/handler";
import { parseConfig } from "../../functions/core/config";
import {
  createSignalsTable,
  dynamoClientFor,
  EMULATOR_CLIENT_CONFIG,
  type RunningEmulator,
  startDynalite,
} from "../../local/emulators";
import { HOUR, jumpCandles, requestFor } from "../core/analyst/series";
import { type DynamoFaultProxy, isSignalPut, startDynamoFaultProxy } from "../support/dynamo-fault-proxy";
import { type FakeServer, startFakeServer } from "../support/http-server";
import { chatCompletionBody } from "./chat-completions";
import { eventOf, failures, record } from "./sqs-records";

const TABLE = "signals-test";
/** A different verdict on every call, so a second call would show in the stored signal. */
const VERDICTS = [
  { action: "BUY", confidence: 0.8, reasons: ["band break on volume", "uptrend"], horizon: "days" },
  { action: "SELL", confidence: 0.9, reasons: ["overbought", "fading volume"], horizon: "hours" },
];

describe("a redelivery after the signal write failed (DynamoDB proxy over dynalite)", () => {
  let dynalite: RunningEmulator;
  let proxy: DynamoFaultProxy;
  let openai: FakeServer;
  let store: DynamoStore;
  const jump = requestFor(jumpCandles());
  const now = Date.parse(jump.candleTime) + HOUR + 5_000;
  const day = new Date(now).toISOString().slice(0, 10);

  beforeAll(async () => {
    dynalite = await startDynalite();
    await createSignalsTable(dynamoClientFor(dynalite.endpoint), TABLE);
    proxy = await startDynamoFaultProxy(dynalite.endpoint);
    store = new DynamoStore(
      TABLE,
      // One attempt per request: the SDK's throttling back-off would only make the failure slow.
      DynamoDBDocumentClient.from(
        new DynamoDBClient({ ...EMULATOR_CLIENT_CONFIG, endpoint: proxy.endpoint, maxAttempts: 1 }),
        {
          marshallOptions: { removeUndefinedValues: true },
        },
      ),
    );
    openai = await startFakeServer(() => ({
      body: chatCompletionBody(
        { content: JSON.stringify(VERDICTS[(openai.requests.length - 1) % VERDICTS.length]) },
        "stop",
        { prompt: 480, completion: 42 },
      ),
    }));
  });
  afterAll(() => Promise.all([openai?.close(), proxy?.close(), dynalite?.close()]));

  it("reuses the stored verdict: one LLM request, the same verdict, the spend counted once", async () => {
    const handler = createAnalystHandler({
      config: parseConfig({}),
      store,
      model: new OpenAiAnalyst({ apiKey: "sk-test", baseURL: `${openai.url}/v1`, timeoutMs: 2_000 }),
      clock: { now: () => now },
    });
    const body = JSON.stringify(jump);
    proxy.fails = isSignalPut;
    expect(failures(await handler(eventOf(record(body, "m-1", 1))))).toEqual(["m-1"]);
    expect(proxy.failed).toBeGreaterThan(0);
    expect(openai.requests).toHaveLength(1);
    expect(await store.getSignal(jump)).toBeUndefined();
    const billed = await store.getVerdict(jump);
    expect(billed).toMatchObject({ action: "BUY", tokens: { prompt: 480, completion: 42 } });

    proxy.fails = () => false;
    expect(failures(await handler(eventOf(record(body, "m-1", 2))))).toEqual([]);
    expect(openai.requests).toHaveLength(1);
    const signal = await store.getSignal(jump);
    expect(signal).toMatchObject({ ...billed, analyst: "llm" });
    const spend = await store.spend(day);
    expect(spend.costUsd).toBeCloseTo(signal?.costUsd ?? Number.NaN, 10);
    expect(spend).toMatchObject({ calls: 1, promptTokens: 480, completionTokens: 42 });
  });
});

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { OpenAiAnalyst } from "../../functions/adapters/openai-analyst";
import { createAnalystHandler } from "../../functions/analyst/handler";
import type { AnalysisRequest } from "../../functions/core/analysis-request";
import { parseConfig } from "../../functions/core/config";
import {
  createSignalsTable,
  dynamoClientFor,
  EMULATOR_CLIENT_CONFIG,
  type RunningEmulator,
  startDynalite,
} from "../../local/emulators";
import { summarise } from "../../local/summary";
import { emptyTotals } from "../../local/tick";
import { HOUR, jumpCandles, requestFor } from "../core/analyst/series";
import { captureLogs } from "../support/capture-logs";
import {
  type DynamoFaultProxy,
  isSignalPut,
  isVerdictPut,
  startDynamoFaultProxy,
} from "../support/dynamo-fault-proxy";
import { startTestQueues } from "../support/emulators";
import { type FakeServer, startFakeServer } from "../support/http-server";
import { chatCompletionBody } from "./chat-completions";
import { eventOf, failures, record } from "./sqs-records";

const TABLE = "signals-test";
/** A different verdict on every call, so a second call would show in the stored signal. */
const VERDICTS = [
  { action: "BUY", confidence: 0.8, reasons: ["band break on volume", "uptrend"], horizon: "days" },
  { action: "SELL", confidence: 0.9, reasons: ["overbought", "fading volume"], horizon: "hours" },
];

describe("a redelivery after the signal write failed (a DynamoDB proxy over dynalite)", () => {
  let dynalite: RunningEmulator;
  let proxy: DynamoFaultProxy;
  let openai: FakeServer;
  let store: DynamoStore;
  const jump = requestFor(jumpCandles());
  const now = Date.parse(jump.candleTime) + HOUR + 5_000;
  const day = new Date(now).toISOString().slice(0, 10);

  beforeAll(async () => {
    dynalite = await startDynalite();
    // The summary reads the table as the CLI does, through the endpoint override.
    vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint);
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
  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([openai?.close(), proxy?.close(), dynalite?.close()]);
  });

  const handler = () =>
    createAnalystHandler({
      config: parseConfig({ watchlist: ["BTC-USD", "ETH-USD"] }),
      store,
      model: new OpenAiAnalyst({ apiKey: "sk-test", baseURL: `${openai.url}/v1`, timeoutMs: 2_000 }),
      clock: { now: () => now },
    });

  /** The first delivery's signal write is throttled after the LLM answered; the second goes through. */
  async function deliverTwiceAfterAFailedWrite(request: AnalysisRequest) {
    const analyst = handler();
    const body = JSON.stringify(request);
    const messageId = `m-${request.symbol}`;
    proxy.fails = isSignalPut;
    const first = failures(await analyst(eventOf(record(body, messageId, 1))));
    proxy.fails = () => false;
    const billed = await store.getVerdict(request);
    const second = failures(await analyst(eventOf(record(body, messageId, 2))));
    return { first, billed, second };
  }

  it("reuses the stored verdict: one LLM request, the same verdict, the spend counted once", async () => {
    const before = openai.requests.length;
    const { first, billed, second } = await deliverTwiceAfterAFailedWrite(jump);
    expect(first).toEqual(["m-BTC-USD"]);
    expect(proxy.failed).toBeGreaterThan(0);
    expect(billed).toMatchObject({ action: "BUY", tokens: { prompt: 480, completion: 42 } });
    expect(second).toEqual([]);
    expect(openai.requests.length - before).toBe(1);
    const signal = await store.getSignal(jump);
    expect(signal).toMatchObject({ ...billed, analyst: "llm" });
    const spend = await store.spend(day);
    expect(spend.costUsd).toBeCloseTo(signal?.costUsd ?? Number.NaN, 10);
    expect(spend).toMatchObject({ calls: 1, promptTokens: 480, completionTokens: 42 });
  });

  it("gives the local summary the spend the store holds: the ledger equals the signals' costUsd", async () => {
    await deliverTwiceAfterAFailedWrite(requestFor(jumpCandles(), "ETH-USD"));
    const queues = await startTestQueues();
    vi.stubEnv("AWS_ENDPOINT_URL_SQS", queues.endpoint);
    try {
      const config = parseConfig({ watchlist: ["BTC-USD", "ETH-USD"] });
      const summary = await summarise(
        { tableName: TABLE, dlqUrl: queues.dlqUrl, totals: emptyTotals() },
        config,
      );
      const stored = (await Promise.all(config.watchlist.map((w) => store.history(w.symbol, "1h")))).flat();
      const storedCost = stored.reduce((sum, s) => sum + (s.costUsd ?? 0), 0);
      expect(storedCost).toBeGreaterThan(0);
      expect(summary.llmCostUsd).toBeCloseTo(storedCost, 10);
      expect(summary.signalsCostUsd).toBeCloseTo(storedCost, 10);
      // Every request the server answered is billed once, on a stored signal.
      expect(summary.llmCalls).toBe(openai.requests.length);
    } finally {
      await queues.close();
    }
  });

  it("stores the signal at once when the table refuses the billed verdict, and warns: one request", async () => {
    const request = requestFor(jumpCandles(), "SOL-USD");
    const before = openai.requests.length;
    proxy.fails = isVerdictPut;
    const { result, lines } = await captureLogs(() =>
      handler()(eventOf(record(JSON.stringify(request), "m-SOL-USD", 1))),
    );
    proxy.fails = () => false;
    expect(failures(result)).toEqual([]);
    expect(openai.requests.length - before).toBe(1);
    expect(await store.getVerdict(request)).toBeUndefined();
    expect(await store.getSignal(request)).toMatchObject({
      analyst: "llm",
      tokens: { prompt: 480, completion: 42 },
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: "billed verdict not kept; the stored signal carries it",
        error: expect.stringContaining("provisioned throughput"),
      }),
    );
  });
});

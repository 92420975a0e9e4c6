import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OpenAiAnalyst } from "../../functions/adapters/openai-analyst";
import {
  type AnalystDeps,
  createAnalystHandler,
  parseAnalysisRequest,
} from "../../functions/analyst/handler";
import { analystDepsFromEnv } from "../../functions/analyst/wiring";
import type { AnalysisRequest } from "../../functions/core/analysis-request";
import { type ConfigInput, parseConfig } from "../../functions/core/config";
import { CircuitBreakerModel } from "../../functions/core/llm-circuit";
import type { AnalystModel, ModelCompletion, ModelRequest } from "../../functions/core/verdict";
import { ANALYSIS_QUEUE } from "../../functions/shared/resource-definitions";
import { HOUR, jumpCandles, quietCandles, requestFor } from "../core/analyst/series";
import { captureLogs } from "../support/capture-logs";
import { startTestTable } from "../support/emulators";
import { type FakeServer, startFakeServer } from "../support/http-server";
import { apiErrorReply, chatCompletionBody } from "./chat-completions";
import { eventOf, failures, record } from "./sqs-records";

const VERDICT = {
  action: "BUY",
  confidence: 0.8,
  reasons: ["band break on volume", "uptrend"],
  horizon: "days",
};
const answer = (): ModelCompletion => ({
  model: "gpt-4o-mini-2024-07-18",
  content: JSON.stringify(VERDICT),
  refusal: null,
  finishReason: "stop",
  usage: { prompt: 480, completion: 42 },
});

/** The LLM port; `hold()` makes calls wait until `release()`, to overlap two deliveries. */
class CountingModel implements AnalystModel {
  readonly requests: ModelRequest[] = [];
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  private called: () => void = () => {};
  readonly firstCall = new Promise<void>((resolve) => {
    this.called = resolve;
  });
  hold() {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }
  release() {
    this.open();
  }
  async complete(request: ModelRequest) {
    this.requests.push(request);
    this.called();
    await this.gate;
    return answer();
  }
}

describe("analyst handler on dynalite", () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  const jump = requestFor(jumpCandles());
  const now = Date.parse(jump.candleTime) + HOUR + 5_000;
  const day = new Date(now).toISOString().slice(0, 10);
  const deps = (model: AnalystModel | undefined, config: Partial<ConfigInput> = {}): AnalystDeps => ({
    config: parseConfig(config),
    store: table.store,
    model,
    clock: { now: () => now },
  });
  const signalOf = (request: AnalysisRequest) => table.store.getSignal(request);

  beforeEach(async () => {
    table = await startTestTable();
  });
  afterEach(() => table.close());

  it("fails only the malformed records of a batch, naming nothing valid", async () => {
    const model = new CountingModel();
    const handler = createAnalystHandler(deps(model));
    const quiet = requestFor(quietCandles(250, Date.parse("2024-02-01T00:00:00Z")), "ETH-USD");
    const { candles: _, ...missingCandles } = jump;
    const records = [
      record(JSON.stringify(quiet), "good-quiet"),
      record(JSON.stringify(jump), "good-jump"),
      record("{not json", "bad-json"),
      record(JSON.stringify(missingCandles), "missing-field"),
      record(JSON.stringify({ ...jump, symbol: "NOPE-USD" }), "unknown-symbol"),
    ];
    const response = await handler(eventOf(...records));
    expect(failures(response)).toEqual(["bad-json", "missing-field", "unknown-symbol"]);
    expect(await signalOf(quiet)).toMatchObject({ action: "HOLD", analyst: "gate" });
    expect(await signalOf(jump)).toMatchObject({ action: "BUY", analyst: "llm", alert: true });
    expect(model.requests).toHaveLength(1);
  });

  it("stores one signal per key: a redelivered message neither calls the LLM nor writes again", async () => {
    const model = new CountingModel();
    const handler = createAnalystHandler(deps(model));
    const message = record(JSON.stringify(jump));
    expect(failures(await handler(eventOf(message)))).toEqual([]);
    expect(failures(await handler(eventOf(message)))).toEqual([]);
    expect(model.requests).toHaveLength(1);
    expect(await table.store.history("BTC-USD", "1h")).toHaveLength(1);
    expect((await table.store.spend(day)).calls).toBe(1);
  });

  it("keeps the first of two gate HOLDs racing for one key (conditional put)", async () => {
    const handler = createAnalystHandler(deps(undefined));
    const quiet = requestFor(quietCandles());
    const [a, b] = await Promise.all([
      handler(eventOf(record(JSON.stringify(quiet)))),
      handler(eventOf(record(JSON.stringify(quiet)))),
    ]);
    expect([...failures(a as never), ...failures(b as never)]).toEqual([]);
    expect(await table.store.history("BTC-USD", "1h")).toHaveLength(1);
  });

  it("calls the LLM once when two deliveries of one key run at the same time", async () => {
    const model = new CountingModel();
    model.hold();
    const handler = createAnalystHandler(deps(model));
    const first = handler(eventOf(record(JSON.stringify(jump), "delivery-a")));
    await model.firstCall;
    // The second delivery finds the claim held and fails, so SQS will redeliver it later.
    const second = await handler(eventOf(record(JSON.stringify(jump), "delivery-b")));
    expect(failures(second)).toEqual(["delivery-b"]);
    model.release();
    expect(failures(await first)).toEqual([]);
    // Redelivered, it finds the stored signal.
    expect(failures(await handler(eventOf(record(JSON.stringify(jump), "delivery-b"))))).toEqual([]);
    expect(model.requests).toHaveLength(1);
    expect(await signalOf(jump)).toMatchObject({ action: "BUY", analyst: "llm" });
  });

  it("abstains with reason budget, without calling the LLM, once the day's budget is spent", async () => {
    const model = new CountingModel();
    const handler = createAnalystHandler(deps(model, { analyst: { dailyBudgetUsd: 0.01 } }));
    expect(await table.store.reserve(day, 0.01, 0.01)).toBe(true);
    expect(failures(await handler(eventOf(record(JSON.stringify(jump)))))).toEqual([]);
    expect(model.requests).toHaveLength(0);
    expect(await signalOf(jump)).toMatchObject({ action: "ABSTAIN", reasons: ["budget"], alert: false });
  });

  it("resolves the wired model once per container, and uses the rules analyst when there is none", async () => {
    const key = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const wired = analystDepsFromEnv(parseConfig({}), { store: table.store, clock: { now: () => now } });
      const handler = createAnalystHandler(wired);
      const { lines } = await captureLogs(async () => {
        await handler(eventOf(record(JSON.stringify(jump))));
        await handler(eventOf(record(JSON.stringify(requestFor(quietCandles(), "SOL-USD")))));
      }, "INFO");
      // The wiring's resolver looked for a key once: one "no key" line for two batches.
      expect(lines.filter((line) => /no OpenAI key configured/.test(String(line.message)))).toHaveLength(1);
      expect(await signalOf(jump)).toMatchObject({ analyst: "rules" });
    } finally {
      if (key !== undefined) process.env.OPENAI_API_KEY = key;
    }
  });
});

describe("analyst handler with the OpenAI adapter on a Chat Completions server", () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let server: FakeServer;
  const jump = requestFor(jumpCandles());
  const now = Date.parse(jump.candleTime) + HOUR + 5_000;
  const day = new Date(now).toISOString().slice(0, 10);
  const handler = () =>
    createAnalystHandler({
      config: parseConfig({}),
      store: table.store,
      model: new OpenAiAnalyst({ apiKey: "sk-test", baseURL: `${server.url}/v1`, timeoutMs: 2_000 }),
      clock: { now: () => now },
    });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    table = await startTestTable();
    server.requests.length = 0;
  });
  afterEach(() => table.close());

  it("sends features under a strict schema and the configured model, never raw candles", async () => {
    server.answer(() => ({
      body: chatCompletionBody({ content: JSON.stringify(VERDICT) }, "stop", { prompt: 480, completion: 42 }),
    }));
    expect(failures(await handler()(eventOf(record(JSON.stringify(jump)))))).toEqual([]);
    expect(server.requests).toHaveLength(1);
    const body = server.requests[0]?.json as {
      model: string;
      messages: Array<{ role: string; content: string }>;
      response_format: { json_schema: { strict: boolean } };
    };
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.response_format.json_schema.strict).toBe(true);
    const data = JSON.parse(body.messages[1]?.content ?? "{}");
    expect(Object.keys(data)).not.toContain("candles");
    // Blind prompt: indicators arrive, but never the absolute close, the symbol or a date.
    expect(data.features.rsi).toEqual(expect.any(Number));
    expect(data.features.close).toBeUndefined();
    const sent = server.requests[0]?.body ?? "";
    expect(sent).not.toContain(jump.symbol);
    expect(sent).not.toContain(String(jump.candles.at(-1)?.[4]));
    for (const [openTime] of jump.candles.slice(0, -1)) expect(sent).not.toContain(String(openTime));
    expect(await table.store.getSignal(jump)).toMatchObject({
      action: "BUY",
      analyst: "llm",
      model: "gpt-4o-mini",
      tokens: { prompt: 480, completion: 42 },
    });
    expect((await table.store.spend(day)).promptTokens).toBe(480);
  });

  it("stores ABSTAIN quota on insufficient_quota and does not fail the message", async () => {
    server.answer(() =>
      apiErrorReply(429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota."),
    );
    expect(failures(await handler()(eventOf(record(JSON.stringify(jump)))))).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(await table.store.getSignal(jump)).toMatchObject({ action: "ABSTAIN", reasons: ["quota"] });
  });

  it("fails the message on rate_limit_exceeded, stores nothing and refunds the day's reservation", async () => {
    server.answer(() => apiErrorReply(429, "tokens", "rate_limit_exceeded", "Rate limit reached."));
    const message = record(JSON.stringify(jump));
    expect(failures(await handler()(eventOf(message)))).toEqual([message.messageId]);
    expect(server.requests).toHaveLength(1);
    expect(await table.store.getSignal(jump)).toBeUndefined();
    expect((await table.store.spend(day)).costUsd).toBeCloseTo(0, 9);
  });
});

describe("analyst handler on the last delivery before the DLQ", () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  let server: FakeServer;
  const jump = requestFor(jumpCandles());
  const now = Date.parse(jump.candleTime) + HOUR + 5_000;
  const handler = () =>
    createAnalystHandler({
      config: parseConfig({}),
      store: table.store,
      model: new OpenAiAnalyst({ apiKey: "sk-test", baseURL: `${server.url}/v1`, timeoutMs: 2_000 }),
      clock: { now: () => now },
    });
  const messages = (lines: Array<Record<string, unknown>>) => lines.map((line) => String(line.message));

  beforeAll(async () => {
    server = await startFakeServer(() =>
      apiErrorReply(500, "server_error", null, "The server had an error."),
    );
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    table = await startTestTable();
  });
  afterEach(() => table.close());

  it("retries an LLM 500 until the last delivery, then stores ABSTAIN unavailable with the error", async () => {
    const analyst = handler();
    const body = JSON.stringify(jump);
    const { lines } = await captureLogs(async () => {
      for (let count = 1; count < ANALYSIS_QUEUE.maxReceiveCount; count++)
        expect(failures(await analyst(eventOf(record(body, "m-500", count))))).toEqual(["m-500"]);
      const last = record(body, "m-500", ANALYSIS_QUEUE.maxReceiveCount);
      expect(failures(await analyst(eventOf(last)))).toEqual([]);
    }, "INFO");
    expect(await table.store.getSignal(jump)).toMatchObject({
      action: "ABSTAIN",
      reasons: ["unavailable"],
      error: expect.stringContaining("The server had an error"),
      alert: false,
    });
    const said = messages(lines);
    expect(said.filter((m) => m === "analysis failed; SQS will retry")).toHaveLength(
      ANALYSIS_QUEUE.maxReceiveCount - 1,
    );
    expect(said).toContain("LLM unavailable: signal stored as ABSTAIN, not retried");
    expect(said.some((m) => m.includes("moving to the DLQ"))).toBe(false);
  });

  it("says a message that cannot be parsed is moving to the DLQ on its last delivery", async () => {
    const analyst = handler();
    const { lines } = await captureLogs(async () => {
      await analyst(eventOf(record("{not json", "bad-1", 1)));
      await analyst(eventOf(record("{not json", "bad-5", ANALYSIS_QUEUE.maxReceiveCount)));
    });
    const rejected = lines.filter((line) => String(line.message).startsWith("analysis request rejected"));
    expect(rejected.map((line) => [line.messageId, line.message])).toEqual([
      ["bad-1", "analysis request rejected; SQS will retry"],
      ["bad-5", "analysis request rejected; moving to the DLQ"],
    ]);
  });
});

describe("parseAnalysisRequest", () => {
  const body = JSON.stringify(requestFor(quietCandles(60)));
  it("names the field and the value it rejects", () => {
    expect(() => parseAnalysisRequest("{not json")).toThrow(
      /invalid analysis request: body = "\{not json": not JSON/,
    );
    const { candles: _, ...noCandles } = JSON.parse(body);
    expect(() => parseAnalysisRequest(JSON.stringify(noCandles))).toThrow(/candles = missing/);
    expect(() => parseAnalysisRequest(JSON.stringify({ ...JSON.parse(body), symbol: "NOPE-USD" }))).toThrow(
      /symbol = "NOPE-USD": unknown symbol/,
    );
    expect(() => parseAnalysisRequest(JSON.stringify({ ...JSON.parse(body), timeframe: "7m" }))).toThrow(
      /timeframe = "7m"/,
    );
    expect(parseAnalysisRequest(body).symbol).toBe("BTC-USD");
  });
});

describe("analystDepsFromEnv", () => {
  it("builds the OpenAI analyst only when a key is configured", async () => {
    const config = parseConfig({});
    const store = {} as AnalystDeps["store"];
    const saved = { key: process.env.OPENAI_API_KEY, parameter: process.env.OPENAI_API_KEY_PARAMETER };
    try {
      delete process.env.OPENAI_API_KEY;
      delete process.env.OPENAI_API_KEY_PARAMETER;
      const without = analystDepsFromEnv(config, { store });
      expect(typeof without.model).toBe("function");
      expect(await (without.model as () => Promise<unknown>)()).toBeUndefined();
      process.env.OPENAI_API_KEY = "sk-local";
      const withKey = analystDepsFromEnv(config, { store });
      expect(await (withKey.model as () => Promise<unknown>)()).toBeInstanceOf(CircuitBreakerModel);
      expect(analystDepsFromEnv(config, { store, model: undefined }).model).toBeUndefined();
    } finally {
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved.key;
      if (saved.parameter === undefined) delete process.env.OPENAI_API_KEY_PARAMETER;
      else process.env.OPENAI_API_KEY_PARAMETER = saved.parameter;
    }
  });
});

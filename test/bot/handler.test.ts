import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type BotDeps, createBotHandler, MAX_UPDATE_BYTES } from "../../functions/bot/handler";
import { botDepsFromEnv } from "../../functions/bot/wiring";
import { webhookSecretFromToken } from "../../functions/core/bot/webhook-secret";
import { parseConfig } from "../../functions/core/config";
import { startTestQueues, startTestTable } from "../support/emulators";
import { type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";
import {
  ALLOWED_CHAT,
  callbackUpdate,
  messageUpdate,
  STRANGER_CHAT,
  sampleSignal,
} from "../support/telegram-fixtures";

type TestTable = Awaited<ReturnType<typeof startTestTable>>;
type TestQueues = Awaited<ReturnType<typeof startTestQueues>>;

const config = parseConfig({ watchlist: ["BTC-USD", "ETH-USD"], timezone: "UTC" });
const NOW = Date.parse("2024-03-05T15:30:00Z");

let fake: FakeBotApi;
let table: TestTable;
let queues: TestQueues;

beforeAll(async () => {
  [fake, table, queues] = await Promise.all([startFakeBotApi(), startTestTable(), startTestQueues()]);
  await table.store.putSignal(
    sampleSignal({ candleTime: "2024-03-05T12:00:00.000Z", action: "SELL", confidence: 0.74 }),
  );
  await table.store.putSignal(sampleSignal({ candleTime: "2024-03-05T13:00:00.000Z", action: "BUY" }));
  await table.store.putSignal(
    sampleSignal({
      candleTime: "2024-03-05T14:00:00.000Z",
      action: "HOLD",
      analyst: "gate",
      confidence: undefined,
      alert: false,
      reasons: [],
    }),
  );
});
afterAll(() => Promise.all([fake.close(), table.close(), queues.close()]));
beforeEach(() => {
  fake.calls.length = 0;
  vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
  vi.stubEnv("TELEGRAM_BOT_TOKEN", fake.token);
  vi.stubEnv("TELEGRAM_CHAT_ID", String(ALLOWED_CHAT));
  vi.stubEnv("AWS_ENDPOINT_URL_SQS", queues.endpoint);
  vi.stubEnv("DLQ_URL", queues.dlqUrl);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The bot as deployed: grammY to the (fake) Bot API, secret derived from the token, on dynalite. */
const bot = (overrides: Partial<BotDeps> = {}) =>
  createBotHandler(botDepsFromEnv(config, { store: table.store, clock: { now: () => NOW }, ...overrides }));

/** A Function URL event (payload format 2.0) as Telegram's webhook POST arrives. */
function webhookEvent(
  update: unknown,
  options: { secret?: string; base64?: boolean; method?: string; rawBody?: string } = {},
): LambdaFunctionURLEvent {
  const text = options.rawBody ?? JSON.stringify(update);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString: "",
    headers: {
      "content-type": "application/json",
      ...(options.secret === undefined ? {} : { "x-telegram-bot-api-secret-token": options.secret }),
    },
    requestContext: {
      accountId: "anonymous",
      apiId: "abc123",
      domainName: "abc123.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc123",
      http: {
        method: options.method ?? "POST",
        path: "/",
        protocol: "HTTP/1.1",
        sourceIp: "91.108.6.1",
        userAgent: "",
      },
      requestId: "req-1",
      routeKey: "$default",
      stage: "$default",
      time: "05/Mar/2024:15:30:00 +0000",
      timeEpoch: NOW,
    },
    body: options.base64 ? Buffer.from(text).toString("base64") : text,
    isBase64Encoded: options.base64 === true,
  };
}

const secret = () => webhookSecretFromToken(fake.token);
const statusOf = (result: unknown) => (result as { statusCode: number }).statusCode;

describe("bot handler", () => {
  it("answers 401 to a wrong or missing secret token, and calls nothing", async () => {
    const handler = bot();
    expect(statusOf(await handler(webhookEvent(messageUpdate("/start"), { secret: "guess" })))).toBe(401);
    expect(statusOf(await handler(webhookEvent(messageUpdate("/start"))))).toBe(401);
    expect(statusOf(await handler(webhookEvent(messageUpdate("/start"), { secret: `${secret()}x` })))).toBe(
      401,
    );
    expect(fake.calls).toEqual([]);
  });

  it("refuses everything when no secret can be known", async () => {
    vi.stubEnv("TELEGRAM_BOT_TOKEN", "");
    const handler = bot();
    expect(statusOf(await handler(webhookEvent(messageUpdate("/start"), { secret: "" })))).toBe(401);
  });

  it("accepts TELEGRAM_WEBHOOK_SECRET in place of the derived secret", async () => {
    vi.stubEnv("TELEGRAM_WEBHOOK_SECRET", "local-secret_1");
    const handler = bot();
    expect(statusOf(await handler(webhookEvent(messageUpdate("/help"), { secret: "local-secret_1" })))).toBe(
      200,
    );
    expect(statusOf(await handler(webhookEvent(messageUpdate("/help"), { secret: secret() })))).toBe(401);
  });

  it("answers /history from the table, newest first", async () => {
    const result = await bot()(webhookEvent(messageUpdate("/history BTC-USD 2"), { secret: secret() }));
    expect(result).toMatchObject({ statusCode: 200, body: "" });
    const [call] = fake.callsOf("sendMessage");
    expect(call?.payload).toMatchObject({ chat_id: String(ALLOWED_CHAT), parse_mode: "HTML" });
    const text = String(call?.payload.text);
    expect(text).toContain("<b>BTC-USD 1h</b> · last 2");
    expect(text.indexOf("HOLD")).toBeGreaterThan(-1);
    expect(text.indexOf("HOLD")).toBeLessThan(text.indexOf("<b>BUY</b>"));
    expect(text).not.toContain("SELL");
  });

  it("reads a base64-encoded body", async () => {
    await bot()(webhookEvent(messageUpdate("/history BTC-USD 1"), { secret: secret(), base64: true }));
    expect(String(fake.callsOf("sendMessage")[0]?.payload.text)).toContain("HOLD");
  });

  it("ignores a stranger with 200 and no reply", async () => {
    const result = await bot()(
      webhookEvent(messageUpdate("/history BTC-USD", STRANGER_CHAT), { secret: secret() }),
    );
    expect(statusOf(result)).toBe(200);
    expect(fake.calls).toEqual([]);
  });

  it("rejects a malformed update with 400 naming the field", async () => {
    const handler = bot();
    const bad = await handler(webhookEvent(undefined, { secret: secret(), rawBody: "{not json" }));
    expect(bad).toMatchObject({ statusCode: 400, body: expect.stringContaining("not JSON") });
    const missing = await handler(webhookEvent({ message: { text: "/start" } }, { secret: secret() }));
    expect(missing).toMatchObject({ statusCode: 400, body: expect.stringContaining("update_id = missing") });
  });

  it("answers 413 to a body over 1 MB before reading it, and to its base64 form", async () => {
    const huge = "x".repeat(MAX_UPDATE_BYTES + 1);
    for (const base64 of [false, true]) {
      const result = await bot()(webhookEvent(undefined, { secret: secret(), rawBody: huge, base64 }));
      expect(result).toMatchObject({
        statusCode: 413,
        body: `updates are at most ${MAX_UPDATE_BYTES} bytes`,
      });
    }
    // Just under the limit it is read, and refused only as the bad JSON it is.
    const under = await bot()(webhookEvent(undefined, { secret: secret(), rawBody: huge.slice(2) }));
    expect(statusOf(under)).toBe(400);
    expect(fake.calls).toEqual([]);
  });

  it("only takes POST", async () => {
    expect(
      statusOf(await bot()(webhookEvent(messageUpdate("/start"), { secret: secret(), method: "GET" }))),
    ).toBe(405);
  });

  it("mutes from the inline button, in the table, and answers the button", async () => {
    await bot()(webhookEvent(callbackUpdate("mute:ETH-USD:1h"), { secret: secret() }));
    expect(await table.store.mutes(NOW)).toEqual(new Map([["ETH-USD", NOW + 3_600_000]]));
    expect(fake.callsOf("answerCallbackQuery")[0]?.payload).toMatchObject({
      callback_query_id: "4382bfdwdsb323b2d9",
      text: expect.stringContaining("ETH-USD muted until"),
    });
    await table.store.unmute("ETH-USD");
  });

  it("/status reads the DLQ depth from SQS and today's spend from the table", async () => {
    await queues.client.send(new SendMessageCommand({ QueueUrl: queues.dlqUrl, MessageBody: "{}" }));
    await queues.client.send(new SendMessageCommand({ QueueUrl: queues.dlqUrl, MessageBody: "{}" }));
    await table.store.reserve("2024-03-05", 0.02, 0.5);
    await bot()(webhookEvent(messageUpdate("/status"), { secret: secret() }));
    const text = String(fake.callsOf("sendMessage")[0]?.payload.text);
    expect(text).toContain("Analysis DLQ: 2 messages");
    expect(text).toContain("LLM spend today (2024-03-05): $0.0200 of $0.5000 (4%) · 1 call");
    expect(text).toContain("BTC-USD: last close Tue 5 Mar 15:00 UTC · HOLD (indicator gate)");
  });
});

describe("bot handler, long input", () => {
  /** The reply to one message, sent through the webhook to the fake Bot API. */
  async function replyTo(text: string): Promise<string> {
    fake.calls.length = 0;
    const result = await bot()(webhookEvent(messageUpdate(text), { secret: secret() }));
    expect(statusOf(result)).toBe(200);
    const sent = fake.callsOf("sendMessage");
    expect(sent).toHaveLength(1);
    return String(sent[0]?.payload.text);
  }

  it("answers a 100,000-character symbol with the resolver's error, quoting 40 characters, without stalling", async () => {
    const started = performance.now();
    const text = await replyTo(`/history NOPE${"x".repeat(99_996)}`);
    const elapsed = performance.now() - started;
    expect(text).toBe(
      `⚠️ unknown symbol &quot;NOPE${"x".repeat(36)}…&quot;; no known symbol is similar (e.g. BTC-USD, ETH-USD). Use /history BTC-USD [N|7d]`,
    );
    // Generous: comparing the whole input against every known name took 24 s.
    expect(elapsed).toBeLessThan(1_000);
  });

  it.each([
    "/history ARG",
    "/history BTC-USD ARG",
    "/stats ARG",
    "/stats BTC-USD ARG",
    "/mute ARG 2h",
    "/mute BTC-USD ARG",
    "/unmute ARG",
    "/last ARG",
    "/history BTC-USD 1ARG",
  ])("answers %s with a 5,000-character ARG in a short reply", async (template) => {
    const text = await replyTo(template.replace("ARG", `NOPE${"0".repeat(4_996)}`));
    expect(text.length).toBeLessThan(200);
    expect(text).not.toContain("0".repeat(41));
    expect(text).toMatch(/^⚠️ /);
  });

  it("answers the longest window it takes (8 characters) from the table, not with an apology", async () => {
    expect(await replyTo("/history BTC-USD 9999999w")).toContain("<b>BTC-USD 1h</b> · last 9999999w");
  });

  it("HTML-escapes the quoted part, cut before escaping", async () => {
    const text = await replyTo(`/history BTC-USD <b>${"&".repeat(4_997)}`);
    expect(text).toBe(
      `⚠️ &quot;&lt;b&gt;${"&amp;".repeat(37)}…&quot; is neither a count nor a window like 7d. Use /history SYMBOL [N|7d]`,
    );
  });
});

import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { Context, DynamoDBRecord } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ResvgChartRenderer } from "../../functions/adapters/telegram-chart-png";
import { CHART_SIZE } from "../../functions/core/chart";
import { parseConfig } from "../../functions/core/config";
import type { Signal } from "../../functions/core/signal";
import {
  createNotifierEntry,
  createNotifierHandler,
  type NotifierDeps,
} from "../../functions/notifier/handler";
import { notifierDepsFromEnv } from "../../functions/notifier/wiring";
import { chartedSignal } from "../support/chart-fixtures";
import { startTestTable } from "../support/emulators";
import { BOT_API_ERRORS, botApiError, type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";
import { sampleSignal } from "../support/telegram-fixtures";

vi.hoisted(() => {
  // Read when the metrics singleton is built on import: keep EMF lines out of the test output.
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

type TestTable = Awaited<ReturnType<typeof startTestTable>>;

const CHAT_A = "1111111";
const CHAT_B = "2222222";
const config = parseConfig({ timezone: "Europe/Berlin", telegram: { chatIds: [CHAT_A] } });
const lambdaContext = { getRemainingTimeInMillis: () => 60_000 } as Context;

let fake: FakeBotApi;
let table: TestTable;
let waits: number[];

beforeAll(async () => {
  fake = await startFakeBotApi();
});
afterAll(() => fake.close());
beforeEach(async () => {
  table = await startTestTable();
  waits = [];
  fake.calls.length = 0;
  vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
  vi.stubEnv("TELEGRAM_BOT_TOKEN", fake.token);
  vi.stubEnv("TELEGRAM_CHAT_ID", CHAT_B);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await table.close();
});

/** The notifier's deps as deployed (Telegram through grammY, chats from config + TELEGRAM_CHAT_ID) on dynalite. */
const notifierDeps = (overrides: Partial<NotifierDeps> = {}) =>
  notifierDepsFromEnv(config, {
    store: table.store,
    chartRenderer: undefined,
    clock: { now: () => Date.parse("2024-03-05T14:00:09Z") },
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  });

const notifier = (overrides: Partial<NotifierDeps> = {}) => createNotifierHandler(notifierDeps(overrides));

/** Stores the signal, then builds the stream record DynamoDB would emit for the insert. */
async function insertRecord(signal: Signal, sequenceNumber: string): Promise<DynamoDBRecord> {
  await table.store.putSignal(signal);
  const Key = { pk: `SIGNAL#${signal.symbol}#${signal.timeframe}`, sk: signal.candleTime };
  const { Item = {} } = await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key }));
  return {
    eventID: `e-${sequenceNumber}`,
    eventName: "INSERT",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    dynamodb: {
      Keys: marshall(Key) as never,
      NewImage: marshall(Item, { removeUndefinedValues: true }) as never,
      SequenceNumber: sequenceNumber,
      StreamViewType: "NEW_IMAGE",
    },
  };
}

const sentTo = (chatId: string, method = "sendMessage") =>
  fake.callsOf(method).filter((call) => String(call.payload.chat_id) === chatId);

describe("notifier handler on dynalite and a fake Bot API", () => {
  it("delivers an alert to every chat, records it, and a redelivered record sends nothing again", async () => {
    const signal = sampleSignal();
    const record = await insertRecord(signal, "100");
    const handler = notifier();
    expect(await handler({ Records: [record] }, lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(sentTo(CHAT_A)).toHaveLength(1);
    expect(sentTo(CHAT_B)).toHaveLength(1);
    expect(sentTo(CHAT_A)[0]?.payload).toMatchObject({ parse_mode: "HTML" });
    expect(String(sentTo(CHAT_A)[0]?.payload.text)).toContain("<b>BUY BTC-USD</b>");
    expect((await table.store.getSignal(signal))?.notifiedAt).toBe("2024-03-05T14:00:09.000Z");
    expect(await table.store.deliveredTo(signal)).toEqual(new Set([CHAT_A, CHAT_B]));

    expect(await handler({ Records: [record] }, lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(fake.callsOf("sendMessage")).toHaveLength(2);
  });

  it("waits out a short 429 and delivers", async () => {
    fake.on("sendMessage", botApiError(BOT_API_ERRORS.retryAfter));
    const record = await insertRecord(sampleSignal(), "100");
    expect(await notifier()({ Records: [record] }, lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(waits).toEqual([5000]);
    expect(sentTo(CHAT_A)).toHaveLength(2);
    expect(sentTo(CHAT_B)).toHaveLength(1);
  });

  it("fails the record and those after it when a 429 outlasts the invocation; the retry reaches only who is missing", async () => {
    const long = {
      ...BOT_API_ERRORS.retryAfter,
      description: "Too Many Requests: retry after 120",
      parameters: { retry_after: 120 },
    };
    fake.on("sendMessage", botApiError(long), { when: (call) => String(call.payload.chat_id) === CHAT_B });
    const first = sampleSignal();
    const second = sampleSignal({ candleTime: "2024-03-05T18:00:00.000Z", action: "SELL" });
    const records = [await insertRecord(first, "100"), await insertRecord(second, "200")];
    const handler = notifier();
    expect(await handler({ Records: records }, lambdaContext)).toEqual({
      batchItemFailures: [{ itemIdentifier: "100" }, { itemIdentifier: "200" }],
    });
    expect(waits).toEqual([]);
    expect((await table.store.getSignal(first))?.notifiedAt).toBeUndefined();

    // Lambda retries from the first failed record.
    expect(await handler({ Records: records }, lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(sentTo(CHAT_A).map((c) => /<b>(BUY|SELL) BTC-USD<\/b>/.exec(String(c.payload.text))?.[1])).toEqual(
      ["BUY", "SELL"],
    );
    expect(sentTo(CHAT_B)).toHaveLength(3); // refused once, then each alert once
    expect((await table.store.getSignal(first))?.notifiedAt).toBeDefined();
  });

  it("marks a chat that blocked the bot undeliverable, without failing the record, and skips it afterwards", async () => {
    fake.on("sendMessage", botApiError(BOT_API_ERRORS.blocked), {
      when: (call) => String(call.payload.chat_id) === CHAT_B,
    });
    const handler = notifier();
    expect(await handler({ Records: [await insertRecord(sampleSignal(), "100")] }, lambdaContext)).toEqual({
      batchItemFailures: [],
    });
    expect(await table.store.undeliverableChats()).toEqual(
      new Map([[CHAT_B, "Forbidden: bot was blocked by the user"]]),
    );
    const later = sampleSignal({ candleTime: "2024-03-05T20:00:00.000Z", action: "SELL" });
    await handler({ Records: [await insertRecord(later, "300")] }, lambdaContext);
    expect(sentTo(CHAT_B)).toHaveLength(1);
    expect(sentTo(CHAT_A)).toHaveLength(2);
  });

  it("sends again as plain text when Telegram cannot parse the HTML", async () => {
    fake.on("sendMessage", botApiError(BOT_API_ERRORS.cantParseEntities), {
      when: (call) => String(call.payload.chat_id) === CHAT_A,
    });
    const signal = sampleSignal({ reasons: ["price < upper band & rising"] });
    await notifier()({ Records: [await insertRecord(signal, "100")] }, lambdaContext);
    const [refused, plain] = sentTo(CHAT_A);
    expect(refused?.payload.parse_mode).toBe("HTML");
    expect(plain?.payload).not.toHaveProperty("parse_mode");
    expect(String(plain?.payload.text)).toContain("• price < upper band & rising");
    expect(await table.store.deliveredTo(signal)).toEqual(new Set([CHAT_A, CHAT_B]));
  });

  it("sends quiet-hours alerts without sound", async () => {
    await notifier()({ Records: [await insertRecord(sampleSignal({ silent: true }), "100")] }, lambdaContext);
    expect(sentTo(CHAT_A)[0]?.payload.disable_notification).toBe(true);
  });

  it("sends the chart with sendPhoto, and the text alone when rendering fails", async () => {
    const withChart = notifier({ chartRenderer: new ResvgChartRenderer() });
    await withChart({ Records: [await insertRecord(chartedSignal(), "100")] }, lambdaContext);
    expect(sentTo(CHAT_A, "sendPhoto")).toHaveLength(1);
    const [photo] = sentTo(CHAT_A, "sendPhoto");
    expect(String(photo?.payload.caption)).toContain("<b>BUY BTC-USD</b>");
    expect(photo?.payload.photo).toMatch(/^attach:\/\//);
    // The upload is the chart's PNG: its IHDR holds 1080 × 1080 (bytes under 0x80 survive the text body).
    const body = photo?.request.body ?? "";
    const ihdr = body.indexOf("IHDR");
    const uint32 = (at: number) => [0, 1, 2, 3].reduce((n, k) => n * 256 + body.charCodeAt(at + k), 0);
    expect(body.slice(ihdr - 12, ihdr - 8)).toContain("PNG");
    expect({ width: uint32(ihdr + 4), height: uint32(ihdr + 8) }).toEqual(CHART_SIZE);

    const broken = notifier({
      chartRenderer: {
        render: async () => {
          throw new Error("resvg wasm not found");
        },
      },
    });
    const later = sampleSignal({ candleTime: "2024-03-05T20:00:00.000Z", action: "SELL" });
    expect(await broken({ Records: [await insertRecord(later, "200")] }, lambdaContext)).toEqual({
      batchItemFailures: [],
    });
    expect(sentTo(CHAT_A, "sendMessage")).toHaveLength(1);
  });

  it("skips malformed records and rows that are not signals without holding up the batch", async () => {
    const good = await insertRecord(sampleSignal(), "300");
    const malformed: DynamoDBRecord = {
      eventName: "INSERT",
      dynamodb: {
        SequenceNumber: "100",
        NewImage: marshall({ pk: "SIGNAL#BTC-USD#1h", sk: "2024-03-05T10:00:00.000Z", alert: true }) as never,
      },
    };
    const chatRow: DynamoDBRecord = {
      eventName: "INSERT",
      dynamodb: {
        SequenceNumber: "200",
        NewImage: marshall({ pk: "CHAT", sk: "1", undeliverable: "x" }) as never,
      },
    };
    expect(await notifier()({ Records: [malformed, chatRow, good] }, lambdaContext)).toEqual({
      batchItemFailures: [],
    });
    expect(fake.callsOf("sendMessage")).toHaveLength(2);
  });

  it("prints alerts to the terminal when no bot token is configured", async () => {
    vi.stubEnv("TELEGRAM_BOT_TOKEN", "");
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const deps = notifierDepsFromEnv(config, { store: table.store });
      expect(deps.chatIds).toEqual(["terminal"]);
      await createNotifierHandler(deps)(
        { Records: [await insertRecord(sampleSignal(), "100")] },
        lambdaContext,
      );
    } finally {
      spy.mockRestore();
    }
    const printed = lines.join("");
    expect(printed).toContain("BUY BTC-USD · confidence 82%");
    expect(printed).toContain("[Mute 1h] [Mute 24h] [History]");
    expect(fake.calls).toEqual([]);
  });
});

describe("outbox sweep through the notifier on dynalite and a fake Bot API", () => {
  const SWEEP_TIME = Date.parse("2024-03-05T14:10:00Z");
  const sweeper = (now = SWEEP_TIME) => createNotifierEntry(notifierDeps({ clock: { now: () => now } }));

  it("delivers an alert whose stream record never arrived exactly once; a second sweep sends nothing", async () => {
    const lost = sampleSignal();
    const delivered = sampleSignal({ candleTime: "2024-03-05T12:00:00.000Z", action: "SELL" });
    const quiet = sampleSignal({ candleTime: "2024-03-05T11:00:00.000Z", action: "HOLD", alert: false });
    for (const signal of [lost, delivered, quiet]) await table.store.putSignal(signal);
    await table.store.markNotified(delivered, "2024-03-05T13:00:09.000Z");

    expect(await sweeper()({ sweep: "outbox" }, lambdaContext)).toEqual({
      pending: 1,
      due: 1,
      notified: ["BTC-USD 1h 2024-03-05T13:00:00.000Z"],
    });
    expect(sentTo(CHAT_A)).toHaveLength(1);
    expect(sentTo(CHAT_B)).toHaveLength(1);
    expect(String(sentTo(CHAT_A)[0]?.payload.text)).toContain("<b>BUY BTC-USD</b>");
    expect((await table.store.getSignal(lost))?.notifiedAt).toBe("2024-03-05T14:10:00.000Z");

    expect(await sweeper(SWEEP_TIME + 3_600_000)({ sweep: "outbox" }, lambdaContext)).toEqual({
      pending: 0,
      due: 0,
      notified: [],
    });
    expect(fake.callsOf("sendMessage")).toHaveLength(2);
  });

  it("leaves alerts younger than sweepAfterMinutes to the stream, and skips those older than the window", async () => {
    const young = sampleSignal({ createdAt: "2024-03-05T14:08:00.000Z" });
    const ancient = sampleSignal({
      candleTime: "2024-03-01T13:00:00.000Z",
      createdAt: "2024-03-01T14:00:07.000Z",
    });
    for (const signal of [young, ancient]) await table.store.putSignal(signal);

    expect(await sweeper()({ sweep: "outbox" }, lambdaContext)).toMatchObject({ pending: 1, due: 0 });
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
    // The local runtime sweeps right after its own stream delivery, so it asks for no minimum age.
    expect(await sweeper()({ sweep: "outbox", sweepAfterMinutes: 0 }, lambdaContext)).toMatchObject({
      due: 1,
    });
    expect(fake.callsOf("sendMessage")).toHaveLength(2);
    expect((await table.store.getSignal(ancient))?.notifiedAt).toBeUndefined();
  });

  it("refuses an event that is neither a stream batch nor a sweep, naming the field", async () => {
    await expect(sweeper()({ sweep: "inbox" } as never, lambdaContext)).rejects.toThrow(/sweep/);
  });
});

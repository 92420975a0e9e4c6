import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { ReplaySource } from "../../functions/adapters/prices/replay";
import { parseConfig } from "../../functions/core/config";
import type { Signal } from "../../functions/core/signal";
import { timeframeMs } from "../../functions/core/timeframes";
import { replayTicks, spanOf } from "../../local/replay-plan";
import { endpointFile, type LocalPipeline, startLocalPipeline } from "../../local/runtime";
import { sampleSeries } from "../../local/sample-series";
import { countAwsCalls } from "../support/aws-calls";
import { type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";

const CHAT_ID = "424242";
const HOUR = timeframeMs("1h");
const TICKS = 120;
/** Fixed, so the replayed series and its alerts are the same on every run. */
const NOW = Date.parse("2026-06-01T12:30:00Z");

const config = parseConfig({ watchlist: ["BTC-USD", "ETH-USD"], timeframe: "1h" });
const series = new Map(
  ["BTC-USD", "ETH-USD"].map((symbol) => [
    symbol,
    sampleSeries(symbol, "1h", config.lookbackCandles + TICKS, NOW),
  ]),
);
const ticks = replayTicks(
  [...series.values()].flatMap((candles) => spanOf(candles, HOUR) ?? []),
  "1h",
  config.lookbackCandles,
);

const allSignals = async (store: DynamoStore): Promise<Signal[]> =>
  (await Promise.all(["BTC-USD", "ETH-USD"].map((symbol) => store.history(symbol, "1h")))).flat();

describe("the local runtime, end to end on a replayed series", () => {
  let telegram: FakeBotApi;
  let pipeline: LocalPipeline;
  let store: DynamoStore;
  let dataDir: string;
  const logged: string[] = [];
  let replayCalls: { handlers: (operation: string) => number; proxyReads: number; deliveries: number };
  /** A terminal, as a user's: the replay draws one progress bar on it. */
  const terminal = {
    isTTY: true,
    columns: 100,
    written: [] as string[],
    write: (text: string) => terminal.written.push(text),
  };

  beforeAll(async () => {
    telegram = await startFakeBotApi();
    Object.assign(process.env, {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_CHAT_ID: CHAT_ID,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    });
    delete process.env.OPENAI_API_KEY;
    dataDir = mkdtempSync(join(tmpdir(), "signals-e2e-"));
    const source = new ReplaySource(series);
    pipeline = await startLocalPipeline({
      config,
      dataDir,
      replaySources: () => [source],
      log: (line) => logged.push(line),
      progressStream: terminal,
    });
    store = new DynamoStore(pipeline.tableName);
    const dynalite = new URL(readFileSync(endpointFile(dataDir), "utf8")).host;
    const proxy = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? "").host;
    const counter = countAwsCalls();
    await pipeline.replay(ticks);
    counter.stop();
    replayCalls = {
      // The calls the handlers made: an SDK retry of one (a dropped connection) is the transport's.
      handlers: (operation: string) =>
        counter.calls.filter(
          (call) => call.operation === operation && call.host !== dynalite && call.attempt === 1,
        ).length,
      proxyReads: counter.count({ host: dynalite }) - counter.count({ host: proxy }),
      deliveries: pipeline.totals.messagesReceived,
    };
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
    await telegram?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows one progress bar with rate and ETA on a terminal, and no progress lines (#11 finding 9)", () => {
    const final = terminal.written.filter((text) => text.startsWith("\r")).at(-1) ?? "";
    expect(final).toMatch(new RegExp(`closes \\[█+\\] 100% ${TICKS}/${TICKS} [\\d.]+/s in \\d+:\\d\\d`));
    expect(terminal.written.at(-1)).toBe("\n");
    expect(logged.filter((line) => line.includes("candle closes ("))).toEqual([]);
  });

  it("spends few calls on a close (#11): no read before a put, one queue depth per tick", async () => {
    const closes = 2 * TICKS;
    const alerts = (await allSignals(store)).filter((s) => s.alert).length;
    // The conditional put guards a redelivery; only a close about to pay for the LLM reads first.
    // The one read per alert is the notifier's: the chats it already reached.
    expect(alerts).toBeGreaterThan(0);
    expect(replayCalls.handlers("GetItem")).toBe(alerts);
    // One put per delivery of a close, and no read before it. SQS delivers at least once, so a
    // loaded machine may deliver a close twice; the second put is refused (one signal per close is
    // asserted below).
    expect(replayCalls.deliveries).toBeGreaterThanOrEqual(closes);
    expect(replayCalls.handlers("PutItem")).toBe(replayCalls.deliveries);
    // The stream proxy learns a put's old item from the put itself; only an update is read first.
    expect(replayCalls.proxyReads).toBe(replayCalls.handlers("UpdateItem"));
    expect(replayCalls.handlers("GetQueueAttributes")).toBe(TICKS);
    expect(replayCalls.handlers("ReceiveMessage")).toBe(TICKS);
  });

  it("stores exactly one signal per symbol and candle close, each naming its provider and analyst", async () => {
    const signals = await allSignals(store);
    expect(ticks).toHaveLength(TICKS);
    expect(signals).toHaveLength(2 * TICKS);
    const keys = new Set(signals.map((s) => `${s.symbol} ${s.candleTime}`));
    expect(keys.size).toBe(signals.length);
    const lastClose = ticks.at(-1) ?? 0;
    expect(signals.map((s) => s.candleTime)).toContain(new Date(lastClose - HOUR).toISOString());
    for (const signal of signals) {
      expect(signal.provider).toBe("replay");
      expect(["gate", "rules"]).toContain(signal.analyst);
      expect(Object.keys(signal.indicators).length).toBeGreaterThan(5);
    }
    expect(signals.some((s) => s.analyst === "gate" && s.action === "HOLD")).toBe(true);
  });

  it("sends one Telegram alert per alert-worthy signal, to the configured chat, and marks it notified", async () => {
    const alerts = (await allSignals(store)).filter((s) => s.alert);
    expect(alerts.length).toBeGreaterThan(0);
    const sends = [...telegram.callsOf("sendMessage"), ...telegram.callsOf("sendPhoto")];
    expect(sends).toHaveLength(alerts.length);
    for (const call of sends) expect(String(call.payload.chat_id)).toBe(CHAT_ID);
    for (const alert of alerts) {
      expect(alert.action === "BUY" || alert.action === "SELL").toBe(true);
      expect(alert.confidence ?? 0).toBeGreaterThanOrEqual(config.alerts.minConfidence);
      expect(alert.notifiedAt).toBeDefined();
      const text = sends.map((call) => String(call.payload.text ?? call.payload.caption));
      expect(text.some((t) => t.includes(alert.symbol) && t.includes(alert.action))).toBe(true);
    }
  });

  it("makes no second signal and no second alert when a candle close is delivered again", async () => {
    const alerts = (await allSignals(store)).filter((s) => s.alert);
    const alerted = alerts[0];
    if (!alerted) throw new Error("the replay produced no alert to redeliver");
    const before = await allSignals(store);
    const sendsBefore = telegram.calls.length;
    const receivedBefore = pipeline.totals.messagesReceived;
    // The schedule fires again for a close that was already analysed: the same AnalysisRequest again.
    await pipeline.tick(Date.parse(alerted.candleTime) + HOUR);
    expect(pipeline.totals.messagesReceived - receivedBefore).toBe(2);
    const after = await allSignals(store);
    expect(after).toHaveLength(before.length);
    expect(await store.getSignal(alerted)).toEqual(alerted);
    expect(telegram.calls.length).toBe(sendsBefore);
  });
});

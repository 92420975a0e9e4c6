import { describe, expect, it } from "vitest";
import { analyse, storePorts } from "../../../functions/core/analyse";
import type { AnalysisRequest } from "../../../functions/core/analysis-request";
import type { Candle } from "../../../functions/core/candles";
import { parseConfig } from "../../../functions/core/config";
import { isoTime, type Signal } from "../../../functions/core/signal";
import { InMemoryStore } from "../../support/in-memory-store";
import { HOUR, jumpCandles, quietCandles, requestFor, T0 } from "./series";

const config = parseConfig({});
const context = { deliveryId: "message-1", leaseMs: 60_000 };
/** 300 quiet hourly candles: the close of candle i is the request's window ending at i. */
const SERIES = quietCandles(300);

/** The request at the close of candle `last`, its window the `lookbackCandles` before it. */
const closeOf = (last: number) => requestFor(SERIES.slice(last + 1 - config.lookbackCandles, last + 1));

const stored = (candle: number, action: Signal["action"]): Signal => ({
  symbol: "BTC-USD",
  timeframe: "1h",
  candleTime: isoTime(T0 + candle * HOUR),
  price: (SERIES[candle] as Candle).close,
  action,
  reasons: [],
  analyst: "rules",
  indicators: {},
  triggers: [],
  provider: "coinbase",
  alert: false,
  createdAt: isoTime(T0 + (candle + 1) * HOUR),
});

/** What the test expects from the candles alone: the close h candles on, and its raw return. */
const expected = (candle: number, horizons: number[]) =>
  Object.fromEntries(
    horizons.map((h) => {
      const price = (SERIES[candle + h] as Candle).close;
      return [String(h), { price, return: price / (SERIES[candle] as Candle).close - 1 }];
    }),
  );

async function run(store: InMemoryStore, request: AnalysisRequest) {
  const now = Date.parse(request.candleTime) + HOUR + 5_000;
  return analyse(request, config, storePorts(store, undefined, { now: () => now }), context);
}
const outcomesOf = async (store: InMemoryStore, candle: number) =>
  (await store.getSignal(stored(candle, "BUY")))?.outcomes;

describe("analyse: outcomes of earlier signals", () => {
  it("writes each BUY and SELL outcome whose close is this one or in the window, once", async () => {
    const store = new InMemoryStore();
    for (const [candle, action] of [
      [250, "BUY"],
      [274, "BUY"],
      [290, "SELL"],
      [295, "BUY"],
      [296, "HOLD"],
    ] as const)
      await store.putSignal(stored(candle, action));

    await run(store, closeOf(298));
    // 250 is more than 24 candles back: not read. 274: all three horizons (its 24th is this close).
    expect(await outcomesOf(store, 250)).toBeUndefined();
    expect(await outcomesOf(store, 274)).toEqual(expected(274, [1, 4, 24]));
    expect(await outcomesOf(store, 290)).toEqual(expected(290, [1, 4]));
    expect(await outcomesOf(store, 295)).toEqual(expected(295, [1]));
    expect(await outcomesOf(store, 296)).toBeUndefined();

    // A redelivery writes nothing new; the next close adds only what became due.
    expect(await run(store, closeOf(298))).toMatchObject({ status: "exists" });
    await run(store, closeOf(299));
    expect(await outcomesOf(store, 274)).toEqual(expected(274, [1, 4, 24]));
    expect(await outcomesOf(store, 290)).toEqual(expected(290, [1, 4]));
    expect(await outcomesOf(store, 295)).toEqual(expected(295, [1, 4]));
  });

  it("still stores the close's signal when the outcome write fails, and the next close heals it", async () => {
    const store = new InMemoryStore();
    await store.putSignal(stored(296, "BUY"));
    store.outcomeWriteError = new Error("ProvisionedThroughputExceededException: throttled");

    const failed = await run(store, closeOf(297));
    expect(failed).toMatchObject({ status: "stored", outcomesFailed: expect.stringMatching(/throttled/) });
    expect(await store.getSignal(closeOf(297))).toMatchObject({ action: "HOLD" });
    expect(await outcomesOf(store, 296)).toBeUndefined();

    store.outcomeWriteError = undefined;
    const healed = await run(store, closeOf(298));
    expect(healed).not.toHaveProperty("outcomesFailed");
    expect(await outcomesOf(store, 296)).toEqual(expected(296, [1]));
  });
});

describe("analyse: retention", () => {
  it("keeps a BUY or SELL without expiry even when it does not alert; a HOLD expires", async () => {
    const store = new InMemoryStore();
    const jump = requestFor(jumpCandles());
    const now = Date.parse(jump.candleTime) + HOUR + 5_000;
    await store.mute("BTC-USD", now + HOUR);
    await analyse(jump, config, storePorts(store, undefined, { now: () => now }), context);
    const [signal] = store.signals;
    expect(signal).toMatchObject({ alert: false });
    expect(["BUY", "SELL"]).toContain(signal?.action);
    expect(store.expiresAt.has(`BTC-USD#1h#${jump.candleTime}`)).toBe(true);
    expect(store.expiresAt.get(`BTC-USD#1h#${jump.candleTime}`)).toBeUndefined();

    const quiet = requestFor(quietCandles(250, T0 + HOUR));
    await analyse(quiet, config, storePorts(store, undefined, { now: () => now }), context);
    expect(store.expiresAt.get(`BTC-USD#1h#${quiet.candleTime}`)).toBe(
      Math.floor(now / 1000) + config.retentionDays * 86_400,
    );
  });
});

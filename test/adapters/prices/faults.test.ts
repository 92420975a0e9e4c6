import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coinbaseSource } from "../../../functions/adapters/prices/coinbase";
import { retryAfterBody } from "../../../functions/adapters/prices/http";
import { krakenSource } from "../../../functions/adapters/prices/kraken";
import { type FakeServer, type Reply, startFakeServer } from "../../support/http-server";
import { hasShared, readSharedJson, sharedMissing } from "../../support/shared";
import { providerError, virtualTime } from "./price-test-kit";

const T = 1_709_294_400; // 2024-03-01T12:00:00Z
const query = { symbol: "BTC-USD", timeframe: "1h" as const, limit: 2, now: T * 1000 + 5000 };
const goodRows = [
  [T - 3600, 61800, 62100, 61850, 62010, 40.1],
  [T - 7200, 61700, 61950, 61900, 61850, 35.2],
];

describe("provider faults", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());

  /** Answers with `replies` in turn (the last one repeats), counting requests from zero. */
  function answerInTurn(...replies: Reply[]) {
    server.requests.length = 0;
    server.answer(() => replies[Math.min(server.requests.length - 1, replies.length - 1)] ?? {});
  }
  const coinbase = (time = virtualTime(), timeoutMs = 2000) =>
    coinbaseSource({ baseUrl: server.url, timeoutMs, ...time.deps });

  it("451: blocked, not retried", async () => {
    answerInTurn({ status: 451, body: { code: 0, msg: "Service unavailable from a restricted location" } });
    const error = await providerError(coinbase().fetchClosedCandles(query));
    expect(error.kind).toBe("blocked");
    expect(server.requests).toHaveLength(1);
  });

  it("429 with Retry-After: waits that long (with jitter), then gets the candles", async () => {
    const time = virtualTime();
    answerInTurn(
      { status: 429, headers: { "retry-after": "3" }, body: { message: "Public rate limit exceeded" } },
      { body: goodRows },
    );
    const series = await coinbase(time).fetchClosedCandles(query);
    expect(series.candles).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
    expect(time.sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(time.sleeps[0]).toBeLessThan(3300);
  });

  it("429 asking for longer than a tick can wait: gives up at once so the chain moves on", async () => {
    const time = virtualTime();
    answerInTurn({ status: 429, headers: { "retry-after": "600" }, body: {} });
    const error = await providerError(coinbase(time).fetchClosedCandles(query));
    expect([error.kind, error.message]).toEqual([
      "rate-limited",
      "coinbase rate-limited: HTTP 429, asked to wait 600 s",
    ]);
    expect(time.sleeps).toEqual([]);
  });

  it("429 without Retry-After: bounded retries with jittered backoff, then rate-limited", async () => {
    const time = virtualTime();
    answerInTurn({ status: 429, body: { message: "Public rate limit exceeded" } });
    const error = await providerError(coinbase(time).fetchClosedCandles(query));
    expect(error.kind).toBe("rate-limited");
    expect(server.requests).toHaveLength(3);
    expect(time.sleeps).toHaveLength(2);
    expect(time.sleeps[1]).toBeGreaterThan(time.sleeps[0] ?? 0);
  });

  it("reads the wait from a 429 body when there is no header", () => {
    expect(retryAfterBody('{"ok":false,"error_code":429,"parameters":{"retry_after":7}}', 0)).toBe(7000);
    expect(
      retryAfterBody(
        '{"code":-1003,"msg":"Way too many requests; IP banned until 1700000030000."}',
        1_700_000_000_000,
      ),
    ).toBe(30_000);
    expect(retryAfterBody("Too Many Requests", 0)).toBeUndefined();
  });

  it("500: server-error, not retried", async () => {
    answerInTurn({ status: 500, body: { message: "Internal server error" } });
    const error = await providerError(coinbase().fetchClosedCandles(query));
    expect([error.kind, server.requests.length]).toEqual(["server-error", 1]);
  });

  it("timeout: gives up after the request timeout", async () => {
    answerInTurn({ delayMs: 1000, body: goodRows });
    const error = await providerError(coinbase(virtualTime(), 100).fetchClosedCandles(query));
    expect([error.kind, error.message]).toEqual(["timeout", "coinbase timeout: no answer within 100 ms"]);
  });

  it("garbage JSON and a body of the wrong shape: invalid-body", async () => {
    answerInTurn({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '[[1709290800, 61800, "oops',
    });
    expect((await providerError(coinbase().fetchClosedCandles(query))).kind).toBe("invalid-body");
    answerInTurn({ body: { candles: goodRows } });
    const error = await providerError(coinbase().fetchClosedCandles(query));
    expect(error.kind).toBe("invalid-body");
    expect(error.message).toContain("(root)");
  });

  it("an empty result: empty, so the chain moves on", async () => {
    answerInTurn({ body: [] });
    const error = await providerError(coinbase().fetchClosedCandles(query));
    expect([error.kind, error.message]).toEqual([
      "empty",
      "coinbase empty: no candles for BTC-USD in the window",
    ]);
  });

  it("Kraken's throttle inside a 200 body is retried like a 429, paced at Kraken's 1 request/s", async () => {
    const time = virtualTime();
    const rows = goodRows.map(([t, , , , close]) => [
      t,
      String(close),
      "62100.0",
      "61700.0",
      String(close),
      "0",
      "1.5",
      9,
    ]);
    answerInTurn(
      { body: { error: ["EGeneral:Too many requests"] } },
      { body: { error: [], result: { XXBTZUSD: rows.reverse(), last: T - 3600 } } },
    );
    const series = await krakenSource({
      baseUrl: server.url,
      timeoutMs: 2000,
      ...time.deps,
    }).fetchClosedCandles(query);
    expect(series.candles).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
    expect(time.sleeps[0]).toBe(125); // jittered backoff: 250 ms × random 0.5
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1000);
  });

  describe.skipIf(!hasShared("data", "exchanges"))(
    `recorded error bodies (${sharedMissing("data", "exchanges")} when skipped)`,
    () => {
      it("a recorded Binance 429 with Retry-After is waited out", async () => {
        const time = virtualTime();
        answerInTurn(
          {
            status: 429,
            headers: { "retry-after": "2" },
            body: readSharedJson("data", "exchanges", "binance-error-429.json"),
          },
          { body: goodRows },
        );
        expect((await coinbase(time).fetchClosedCandles(query)).candles).toHaveLength(2);
        expect(time.sleeps[0]).toBeGreaterThanOrEqual(2000);
      });
    },
  );
});

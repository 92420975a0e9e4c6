import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CandlesOptions, runCandles } from "../../bin/commands/candles";
import { createPriceSources } from "../../functions/adapters/prices/chain";
import { parseReplayCsv } from "../../functions/adapters/prices/replay-csv";
import { parseConfig } from "../../functions/core/config";
import { type FakeServer, type RecordedRequest, startFakeServer } from "../support/http-server";

const NOW = Date.parse("2024-03-01T12:00:05Z");
const HOUR_S = 3600;

/** Coinbase's answer: one candle per hour within start..end, newest first, and the open one. */
function coinbaseRoute(request: RecordedRequest) {
  const start = Date.parse(request.query.get("start") ?? "") / 1000;
  const end = Math.min(
    Date.parse(request.query.get("end") ?? "") / 1000,
    Math.floor(NOW / 1000 / HOUR_S) * HOUR_S,
  );
  const rows = [];
  for (let time = end; time >= start; time -= HOUR_S) rows.push([time, 99, 101, 100, 100.5, 1.5]);
  return { body: rows };
}

describe("signals candles", () => {
  let coinbase: FakeServer;
  let kraken: FakeServer;
  beforeAll(async () => {
    [coinbase, kraken] = await Promise.all([
      startFakeServer(coinbaseRoute),
      startFakeServer(() => ({ status: 500 })),
    ]);
  });
  afterAll(() => Promise.all([coinbase.close(), kraken.close()]));

  async function run(symbol: string, options: Partial<CandlesOptions>) {
    const out = { stdout: "", stderr: "" };
    await runCandles(
      symbol,
      { timeframe: "1h", days: "30", ...options },
      {
        sources: createPriceSources({ coinbase: coinbase.url, kraken: kraken.url }, { timeoutMs: 2000 }),
        providers: parseConfig({}).providers,
        now: NOW,
        stdout: (text) => {
          out.stdout += text;
        },
        stderr: (text) => {
          out.stderr += text;
        },
      },
    );
    return out;
  }

  it("prints 30 days of closed hourly candles in the replay format, paging Coinbase's 300-candle limit", async () => {
    coinbase.requests.length = 0;
    const { stdout, stderr } = await run("BTC-USD", {});
    const candles = parseReplayCsv(stdout).get("BTC-USD") ?? [];
    expect(candles).toHaveLength(720);
    expect(new Date(candles.at(-1)?.time ?? 0).toISOString()).toBe("2024-03-01T11:00:00.000Z");
    expect(coinbase.requests).toHaveLength(3);
    expect(stderr).toContain("BTC-USD 1h: 720 closed candles from coinbase");
  });

  it("writes --out and says how to replay it", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "candles-")), "btc.csv");
    const { stdout, stderr } = await run("btc-usd", { days: "2", out: file });
    expect(stdout).toBe("");
    expect(parseReplayCsv(await readFile(file, "utf8")).get("BTC-USD")).toHaveLength(48);
    expect(stderr).toContain(`npm start -- --replay ${file}`);
  });

  it("asks only --provider, and fails with the provider's reason when it cannot serve", async () => {
    await expect(run("BTC-USD", { provider: "kraken" })).rejects.toThrow(
      'no provider served BTC-USD 1h: kraken: HTTP 500 ""',
    );
  });

  it("names each provider's own failure when none serves, and what to do about a 451", async () => {
    const restricted = {
      code: 0,
      msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms.",
    };
    const servers = await Promise.all([
      startFakeServer(() => ({ status: 451, body: restricted })),
      startFakeServer(() => ({ delayMs: 1500, body: [] })),
    ]);
    const [binance, slowCoinbase] = servers;
    try {
      const failing = runCandles(
        "BTC-USD",
        { timeframe: "1m", days: "1" },
        {
          sources: createPriceSources(
            { binance: binance?.url, coinbase: slowCoinbase?.url, kraken: kraken.url },
            { timeoutMs: 500 },
          ),
          providers: parseConfig({ providers: { crypto: ["binance", "coinbase", "kraken"] } }).providers,
          now: NOW,
          stdout: () => {},
          stderr: () => {},
        },
      );
      await expect(failing).rejects.toThrow(
        "no provider served BTC-USD 1m: " +
          `binance: HTTP 451 ${JSON.stringify(restricted.msg)}; ` +
          "coinbase: timeout: no answer within 500 ms; " +
          'kraken: HTTP 500 "". ' +
          "binance refuses requests from this location (HTTP 451): use another provider (--provider, or the providers in signals.config.ts) or run from another region",
      );
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });

  it.each([
    ["an unknown symbol", "XBTUSD", {}, 'unknown symbol "XBTUSD"; similar: BTC-USD'],
    [
      "a bad timeframe",
      "BTC-USD",
      { timeframe: "2h" },
      '--timeframe "2h" is not one of 1m, 5m, 15m, 1h, 4h, 1d',
    ],
    ["bad days", "BTC-USD", { days: "-3" }, '--days "-3" is not a number of days'],
    [
      "an unknown provider",
      "BTC-USD",
      { provider: "ftx" },
      '--provider "ftx" is not one of coinbase, kraken, binance, yahoo',
    ],
    ["a provider without the symbol", "AAPL", { provider: "coinbase" }, "coinbase does not list AAPL"],
    ["a timeframe the chain refuses", "AAPL", { timeframe: "4h" }, "yahoo cannot serve 4h: its hourly bars"],
  ])("refuses %s with a clear error", async (_name, symbol, options, message) => {
    await expect(run(symbol, options as Partial<CandlesOptions>)).rejects.toThrow(message);
  });
});

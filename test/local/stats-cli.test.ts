import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { registerStatsCommand } from "../../bin/commands/stats";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import type { Signal } from "../../functions/core/signal";
import { wilsonInterval } from "../../functions/core/track-record/rates";
import type { TrackRecord } from "../../functions/core/track-record/stats";
import { createSignalsTable, dynamoClientFor, startDynalite } from "../../local/emulators";
import { LOCAL_TABLE_NAME } from "../../local/runtime";
import { runSignals } from "../support/signals-cli";
import { sampleSignal } from "../support/telegram-fixtures";

const dataDir = mkdtempSync(join(tmpdir(), "signals-stats-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const HOUR = 3_600_000;
const LATEST = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
/** Candle times counted back from the latest closed hour, so the store's window holds them. */
const hoursAgo = (n: number) => new Date(LATEST - n * HOUR).toISOString();

/** 36 LLM BUYs on BTC-USD an hour apart; the price climbs 1% a step, then every 3rd close dips. */
const BUYS = 36;
const btcPrice = (n: number) => 60_000 * (1.01 ** (BUYS - n) * (n % 3 === 0 ? 0.97 : 1));
const outcome = (n: number, h: number) => {
  const price = btcPrice(n - h);
  return { price, return: price / btcPrice(n) - 1 };
};
/** Outcomes exist only where h candles after the signal have closed (n ≥ h). */
const buy = (n: number): Signal =>
  sampleSignal({
    candleTime: hoursAgo(n),
    price: btcPrice(n),
    outcomes: Object.fromEntries([1, 4, 24].filter((h) => n >= h).map((h) => [String(h), outcome(n, h)])),
  });

const seeded: Signal[] = [
  ...Array.from({ length: BUYS }, (_, n) => buy(n)),
  sampleSignal({
    symbol: "ETH-USD",
    candleTime: hoursAgo(30),
    price: 3000,
    action: "ABSTAIN",
    confidence: undefined,
    reasons: ["budget"],
    alert: false,
  }),
  sampleSignal({
    symbol: "ETH-USD",
    candleTime: hoursAgo(2),
    price: 3300,
    action: "HOLD",
    analyst: "gate",
    model: undefined,
    promptVersion: undefined,
    confidence: undefined,
    reasons: [],
    alert: false,
  }),
];

beforeAll(async () => {
  const dynalite = await startDynalite({ path: join(dataDir, "dynamodb") });
  try {
    const client = dynamoClientFor(dynalite.endpoint);
    await createSignalsTable(client, LOCAL_TABLE_NAME);
    const store = new DynamoStore(LOCAL_TABLE_NAME, DynamoDBDocumentClient.from(client));
    for (const signal of seeded) await store.putSignal(signal);
  } finally {
    await dynalite.close();
  }
}, 60_000);

/** The command in process, as bin/signals.ts registers it, with what it printed. */
async function stats(...args: string[]) {
  const printed: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, "log").mockImplementation((...parts) => {
    printed.push(`${parts.join(" ")}\n`);
  });
  try {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerStatsCommand(program);
    await program.parseAsync(["node", "signals", "stats", ...args, "--data-dir", dataDir]);
  } finally {
    write.mockRestore();
    log.mockRestore();
  }
  return printed.join("");
}
afterEach(() => vi.restoreAllMocks());

/** Hits and directional returns of the BUYs at horizon h, from the price path itself. */
function expectedAt(h: number) {
  const returns = Array.from({ length: BUYS }, (_, n) => n)
    .filter((n) => n >= h)
    .map((n) => btcPrice(n - h) / btcPrice(n) - 1);
  return {
    scored: returns.length,
    hits: returns.filter((r) => r > 0).length,
    mean: returns.reduce((a, b) => a + b, 0) / returns.length,
  };
}

describe("signals stats over the local store", () => {
  it("prints one JSON object with the figures the signals' outcomes give", async () => {
    const record = JSON.parse(await stats("--json")) as TrackRecord & { symbols: string[]; window: string };
    expect(record).toMatchObject({ symbols: ["BTC-USD", "ETH-USD"], timeframe: "1h", window: "30d" });
    expect(record.signals).toBe(seeded.length);
    expect(record.gateHolds).toBe(1);
    const [buys, abstains] = record.groups;
    expect(buys).toMatchObject({ analyst: "llm", model: "gpt-4o-mini", action: "BUY", count: BUYS });
    const at1 = expectedAt(1);
    expect(at1.scored).toBe(35);
    expect(buys?.horizons?.[0]).toMatchObject({
      horizon: 1,
      scored: 35,
      hits: at1.hits,
      rate: wilsonInterval(at1.hits, 35),
    });
    expect(buys?.horizons?.[0]?.meanReturn).toBeCloseTo(at1.mean, 12);
    const at24 = expectedAt(24);
    expect(buys?.horizons?.[2]).toMatchObject({ horizon: 24, scored: 12, hits: at24.hits });
    expect(buys?.horizons?.[2]?.rate).toBeUndefined();
    expect(abstains).toMatchObject({ action: "ABSTAIN", count: 1, abstainReasons: { budget: 1 } });
    const btcHold = btcPrice(0) / btcPrice(BUYS - 1) - 1;
    expect(record.buyAndHold?.basis).toBe("equal-weight mean");
    expect(record.buyAndHold?.return).toBeCloseTo((btcHold + (3300 / 3000 - 1)) / 2, 12);
  });

  it("reads one symbol over a shorter window", async () => {
    const inWindow = seeded.filter(
      (s) => s.symbol === "BTC-USD" && Date.parse(s.candleTime) >= Date.now() - 10 * HOUR,
    ).length;
    const record = JSON.parse(await stats("btc-usd", "--since", "10h", "--json")) as TrackRecord;
    expect(inWindow).toBeLessThan(BUYS);
    expect(record.groups.map((g) => [g.action, g.count])).toEqual([["BUY", inWindow]]);
    expect(record.buyAndHold?.basis).toBe("single symbol");
  });

  it("prints a table that says too few to judge below 30 scored", async () => {
    const text = await stats();
    expect(text).toMatch(/^analyst\s+model\s+prompt\s+action\s+count\s+horizon\s+hit rate \(95% CI\)/m);
    expect(text).toMatch(/^llm\s+gpt-4o-mini\s+v1\s+BUY\s+36\s+1\s+\d+% \(\d+%–\d+%, n=35\)/m);
    expect(text).toMatch(/^\s+24\s+too few to judge \(n=12\)/m);
    expect(text).toMatch(/ABSTAIN\s+1\s+reasons: budget 1/);
    expect(text).toMatch(/Buy and hold over the window: [+-]\d+\.\d\d% \(equal-weight mean of 2 symbols\)/);
  });

  it("says when the window holds no signals", async () => {
    expect(await stats("--since", "1m")).toBe(
      `no 1h signals for BTC-USD, ETH-USD in the last 1m in ${dataDir}\n`,
    );
  });
});

describe("signals stats refuses bad input with one clear line", () => {
  it.each([
    [["NOPE-XYZ"], /unknown symbol "NOPE-XYZ"/],
    [["--since", "soon"], /--since <duration>' argument 'soon' is invalid/],
    [["--timeframe", "7m"], /Allowed choices are/],
  ])("%j", async (args, message) => {
    await expect(stats(...args)).rejects.toThrow(message);
  });

  it("exits 1 with the error from the command line", async () => {
    const result = await runSignals(["stats", "--data-dir", join(dataDir, "none")]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr.trim()).toMatch(/^error: no local signals in .*: run `npm start` first/);
  }, 60_000);
});

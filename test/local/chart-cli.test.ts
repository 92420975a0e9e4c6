import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { defaultChartFile, registerChartCommand } from "../../bin/commands/chart";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { ReplaySource } from "../../functions/adapters/prices/replay";
import { CHART_SIZE } from "../../functions/core/chart";
import { parseConfig } from "../../functions/core/config";
import type { Signal } from "../../functions/core/signal";
import { timeframeMs } from "../../functions/core/timeframes";
import { replayTicks, spanOf } from "../../local/replay-plan";
import { startLocalPipeline } from "../../local/runtime";
import { sampleSeries } from "../../local/sample-series";
import { PNG_SIGNATURE, pngSize } from "../support/png";

const HOUR = timeframeMs("1h");
const TICKS = 120;
/** Fixed, so the replayed series and its alerts are the same on every run. */
const NOW = Date.parse("2026-06-01T12:30:00Z");
const config = parseConfig({ watchlist: ["BTC-USD"], timeframe: "1h" });
const dir = mkdtempSync(join(tmpdir(), "signals-chart-"));
const dataDir = join(dir, "data");

let signals: Signal[] = [];

beforeAll(async () => {
  // The terminal stands in for Telegram: no token, no key.
  vi.stubEnv("TELEGRAM_BOT_TOKEN", "");
  vi.stubEnv("TELEGRAM_CHAT_ID", "");
  vi.stubEnv("OPENAI_API_KEY", "");
  vi.spyOn(console, "log").mockImplementation(() => {});
  const series = new Map(
    ["BTC-USD"].map((s) => [s, sampleSeries(s, "1h", config.lookbackCandles + TICKS, NOW)]),
  );
  const ticks = replayTicks(
    [...series.values()].flatMap((candles) => spanOf(candles, HOUR) ?? []),
    "1h",
    config.lookbackCandles,
  );
  const source = new ReplaySource(series);
  const pipeline = await startLocalPipeline({
    config,
    dataDir,
    replaySources: () => [source],
    log: () => {},
  });
  try {
    await pipeline.replay(ticks);
    signals = await new DynamoStore(pipeline.tableName).history("BTC-USD", "1h");
  } finally {
    await pipeline.close();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  }
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `signals chart …` in process, as bin/signals.ts registers it: what it printed, or its error. */
async function chart(...args: string[]): Promise<string> {
  const printed: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...parts) => {
    printed.push(parts.join(" "));
  });
  try {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerChartCommand(program);
    await program.parseAsync(["node", "signals", "chart", ...args, "--data-dir", dataDir]);
  } finally {
    log.mockRestore();
  }
  return printed.join("\n");
}

const alerts = () => signals.filter((s) => s.alert);

describe("signals chart over a store filled by a replay", () => {
  it("renders the latest alert of the symbol by default, from the candles stored on it", async () => {
    const latest = alerts()[0];
    expect(latest, "the replay gave BTC-USD no alert").toBeDefined();
    expect(latest?.chartCandles?.length).toBeGreaterThanOrEqual(60);
    const out = join(dir, "latest.png");
    const printed = await chart("btc", "--out", out);
    expect(printed).toContain(`${out}: ${latest?.action} BTC-USD 1h, close `);
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual(CHART_SIZE);
  });

  it("renders the signal whose candle opened or closed at --at", async () => {
    const oldest = alerts().at(-1) as Signal;
    const open = join(dir, "open.png");
    const close = join(dir, "close.png");
    await chart("BTC-USD", "--at", oldest.candleTime, "--out", open);
    await chart(
      "BTC-USD",
      "--at",
      new Date(Date.parse(oldest.candleTime) + HOUR).toISOString(),
      "--out",
      close,
    );
    expect(readFileSync(open).equals(readFileSync(close))).toBe(true);
    expect(defaultChartFile({ symbol: "BTC-USD", candleTime: "2024-03-05T13:00:00.000Z" })).toBe(
      "BTC-USD-20240305T1300Z.png",
    );
  });

  it("says in one line what is wrong: an unknown symbol, no alert, no signal at --at, a signal with no candles", async () => {
    await expect(chart("BTCX")).rejects.toThrow(/^unknown symbol "BTCX"/);
    await expect(chart("SOL-USD")).rejects.toThrow(/^no alert of SOL-USD 1h is stored in /);
    await expect(chart("BTC-USD", "--at", "2001-01-01T00:00:00Z")).rejects.toThrow(
      /^no BTC-USD 1h signal opens or closes at 2001-01-01T00:00:00.000Z in .*; its latest alerts open at /,
    );
    await expect(chart("BTC-USD", "--at", "yesterday")).rejects.toThrow('--at "yesterday": not ISO 8601 UTC');
    // A HOLD between two HOLDs, named by its close.
    const hold = signals.find(
      (s, i) => s.action === "HOLD" && !signals[i - 1]?.alert && !signals[i + 1]?.alert,
    ) as Signal;
    const holdClose = new Date(Date.parse(hold.candleTime) + HOUR).toISOString();
    await expect(chart("BTC-USD", "--at", holdClose)).rejects.toThrow(
      `the HOLD of BTC-USD at ${hold.candleTime} has no candles to draw: only alerts keep them`,
    );
  });
});

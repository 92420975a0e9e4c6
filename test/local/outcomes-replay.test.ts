import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Candle } from "../../functions/core/candles";
import { parseConfig } from "../../functions/core/config";
import { type Signal, SignalSchema } from "../../functions/core/signal";
import { timeframeMs } from "../../functions/core/timeframes";
import { sampleSeries } from "../../local/sample-series";
import { runSignals } from "../support/signals-cli";

const HOUR = timeframeMs("1h");
const HORIZONS = parseConfig({}).outcomes.horizons;
const TICKS = 200;
/** Fixed, so the replayed series and its signals are the same on every run. */
const NOW = Date.parse("2026-06-01T12:30:00Z");

/** A CLI run that must succeed: throws with what it printed otherwise, as a failed npm run would. */
async function signalsCli(...args: string[]) {
  const result = await runSignals(args);
  if (result.code !== 0)
    throw new Error(`signals ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
  return result;
}

/** Outcomes as the test computes them from the replayed candles: only horizons whose close was replayed. */
function expectedOutcomes(signal: Signal, closeAt: Map<number, number>, lastClose: number) {
  const opened = Date.parse(signal.candleTime);
  const due = HORIZONS.filter((h) => opened + (h + 1) * HOUR <= lastClose);
  if (due.length === 0) return undefined;
  return Object.fromEntries(
    due.map((h) => {
      const price = closeAt.get(opened + h * HOUR) as number;
      return [String(h), { price, return: price / signal.price - 1 }];
    }),
  );
}

describe("outcomes after `npm start --replay`, as `history --json` shows them", () => {
  const dir = mkdtempSync(join(tmpdir(), "signals-outcomes-"));
  const candles: Candle[] = sampleSeries("BTC-USD", "1h", parseConfig({}).lookbackCandles + TICKS, NOW);
  let signals: Signal[];

  beforeAll(async () => {
    const file = join(dir, "btc.csv");
    writeFileSync(
      file,
      `time,open,high,low,close,volume\n${candles.map((c) => [new Date(c.time).toISOString(), c.open, c.high, c.low, c.close, c.volume].join(",")).join("\n")}\n`,
    );
    const dataDir = join(dir, "data");
    await signalsCli("start", "--replay", file, "--symbol", "BTC-USD", "--data-dir", dataDir);
    const history = await signalsCli("history", "BTC-USD", "--json", "--data-dir", dataDir);
    signals = SignalSchema.array().parse(JSON.parse(history.stdout));
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("scores every BUY and SELL at each horizon whose close was replayed, from the replayed closes", () => {
    const closeAt = new Map(candles.map((c) => [c.time, c.close]));
    // The replay's last tick is the close of the last candle.
    const lastClose = (candles.at(-1) as Candle).time + HOUR;
    const sides = signals.filter((s) => s.action === "BUY" || s.action === "SELL");
    expect(sides.length, "the replay gave no BUY or SELL to score").toBeGreaterThan(0);
    const complete = sides.filter((s) => Object.keys(s.outcomes ?? {}).length === HORIZONS.length);
    expect(complete.length, "no BUY or SELL early enough for all horizons").toBeGreaterThan(0);
    for (const side of sides)
      expect(side.outcomes, `${side.action} at ${side.candleTime}`).toEqual(
        expectedOutcomes(side, closeAt, lastClose),
      );
  });

  it("leaves HOLD and ABSTAIN unscored", () => {
    const others = signals.filter((s) => s.action === "HOLD" || s.action === "ABSTAIN");
    expect(others.length).toBeGreaterThan(0);
    for (const signal of others) expect(signal.outcomes).toBeUndefined();
  });
});

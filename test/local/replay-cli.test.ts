import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runSignals } from "../support/signals-cli";

const FIVE_MINUTES = 5 * 60_000;
const START = Date.parse("2024-01-01T00:00:00Z");

/** 5-minute candles as an exchange export has them: banner, `date` text, extra columns, semicolons, newest first. */
function exportedCsv(count: number): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const date = new Date(START + i * FIVE_MINUTES).toISOString().slice(0, 16).replace("T", " ");
    const price = 100 + (i % 7);
    return `${date};BTC/USD;${price};${price + 2};${price - 2};${price + 1};0,5;${10 + i}`;
  }).reverse();
  return [
    "Exported by an exchange, times in UTC",
    "date;symbol;open;high;low;close;volume_btc;volume",
    ...rows,
  ].join("\n");
}

describe("npm start -- --replay with a real export's shape", () => {
  const dir = mkdtempSync(join(tmpdir(), "signals-replay-cli-"));
  const file = join(dir, "export.csv");
  let result: CliResult;

  beforeAll(async () => {
    writeFileSync(file, exportedCsv(40));
    result = await runSignals(["start", "--replay", file, "--data-dir", join(dir, "data")]);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("replays it on the file's own 5m timeframe, saying so in one line", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.filter((line) => line.startsWith("Timeframe:"))).toEqual([
      "Timeframe: 5m, the spacing of the replay's candles (--timeframe sets a coarser one)",
    ]);
    expect(result.stdout).toMatch(/Replaying 20 5m candle closes of BTC-USD/);
  });

  it("prints a query command that finds this run: its timeframe and data dir (#11 finding 1)", async () => {
    const hint = /^ {2}npm run -s history -- (.+) --json$/m.exec(result.stdout)?.[1];
    expect(hint).toBe(`BTC-USD --timeframe 5m --data-dir ${join(dir, "data")}`);
    const history = await runSignals(["history", ...(hint ?? "").split(" "), "--json"]);
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout)).toHaveLength(20);
  }, 60_000);

  it("notes the ignored columns, the banner and the order once each", () => {
    const notes = result.stdout.split("\n").filter((line) => line.startsWith(`${file}: `));
    expect(notes).toEqual([
      `${file}: skipped 1 line before the header (line 1: "Exported by an exchange, times in UTC")`,
      `${file}: ignored column "volume_btc"`,
      `${file}: the rows are newest first; sorted oldest first`,
    ]);
  });
});

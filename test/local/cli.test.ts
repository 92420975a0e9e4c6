import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignalSchema } from "../../functions/core/signal";
import { type NpmResult, npmRun } from "../support/npm-cli";
import { runSignals } from "../support/signals-cli";

describe("the CLI: npm start, then npm run history", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "signals-cli-"));
  let started: NpmResult;

  // The README's path, as a user types it: a true `npm start` process.
  beforeAll(async () => {
    started = await npmRun(["start", "--", "--ticks", "24", "--data-dir", dataDir]);
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("runs the replay to the end, prints a summary and exits 0", () => {
    expect(started.stderr).toBe("");
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/Done: 24 candle closes/);
    expect(started.stdout).toMatch(/Signals stored: 48/);
    expect(started.stdout).toMatch(/npm run history -- BTC-USD/);
  });

  it("words the summary for a person: counts agree with their nouns, no budget day of the wall clock (#11 finding 10)", () => {
    expect(started.stdout).not.toMatch(/\b1 (signals|alerts|LLM calls)\b/);
    expect(started.stdout).not.toMatch(/LLM budget day/);
    expect(started.stdout).not.toMatch(/Alerts: 0 \(0 delivered/);
    expect(started.stdout).toMatch(/^Analyst: no LLM calls: the rules analyst decided/m);
    for (const line of started.stdout.split("\n").filter((l) => /^ {2}[A-Z]+-USD /.test(l)))
      expect(line).toMatch(/^ {2}[A-Z]+-USD\s+24 signals: .*; (1 alert|\d+ alerts); provider replay/);
  });

  it("prints only a JSON array of the stored signals with --json, newest first", async () => {
    const history = await runSignals(["history", "BTC-USD", "--json", "--data-dir", dataDir]);
    expect(history.code).toBe(0);
    const signals = SignalSchema.array().parse(JSON.parse(history.stdout));
    expect(signals).toHaveLength(24);
    const times = signals.map((s) => s.candleTime);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("prints a table, and limits the window with --since", async () => {
    const table = await runSignals(["history", "BTC-USD", "--since", "6h", "--data-dir", dataDir]);
    expect(table.code).toBe(0);
    const rows = table.stdout
      .split("\n")
      .filter((line) => /^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}( \d{4})? \d\d:\d\d UTC /.test(line));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(6);
    expect(table.stdout).toMatch(/^close \(UTC\)\s+action/m);
    expect(table.stdout).toMatch(new RegExp(`^${rows.length} signals?, \\d+ alerts? \\(1h\\)`, "m"));
  });

  it("prints CSV with --csv: a header, then one row per signal", async () => {
    const csv = await runSignals(["history", "BTC-USD", "--csv", "--limit", "3", "--data-dir", dataDir]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.split("\r\n");
    expect(lines[0]).toMatch(/^symbol,timeframe,candleTime,closeTime,action,/);
    expect(lines.slice(1, -1)).toHaveLength(3);
    expect(lines.at(-1)).toBe("");
  });
});

describe("the CLI refuses bad input with a message and a non-zero exit", () => {
  const dir = mkdtempSync(join(tmpdir(), "signals-cli-bad-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // In process: that a non-zero code ends a true `npm run` non-zero is shown by test-alert-cli's spawn.
  it("names an unknown option", async () => {
    const result = await runSignals(["start", "--bogus"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown option '--bogus'/);
  });

  it("refuses --serve on a busy port and --poll without a token before replaying anything (#11 finding 7)", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", () => resolve()));
    try {
      const port = String((busy.address() as AddressInfo).port);
      const served = await runSignals(["start", "--serve", "--port", port, "--data-dir", join(dir, "serve")]);
      expect(served.code).not.toBe(0);
      expect(served.stderr.trim()).toBe(
        `error: --serve: port ${port} is in use on 127.0.0.1; pass --port with a free one`,
      );
      expect(served.stdout).not.toMatch(/Replaying/);
    } finally {
      busy.close();
    }
    const polled = await runSignals(["start", "--poll", "--data-dir", join(dir, "poll")]);
    expect(polled.code).not.toBe(0);
    expect(polled.stderr.trim()).toBe(
      "error: --poll needs TELEGRAM_BOT_TOKEN (a real bot token from @BotFather)",
    );
    expect(polled.stdout).not.toMatch(/Replaying/);
  }, 60_000);

  it("names the line, field and value of a bad replay file", async () => {
    const file = join(dir, "bad.csv");
    writeFileSync(
      file,
      "time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-01T01:00:00Z,abc,2,0.5,1.5,10\n",
    );
    const result = await runSignals(["start", "--replay", file, "--symbol", "BTC-USD", "--data-dir", dir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/line 3, open = "abc": not a number/);
  });

  it.each([
    [["history", "BTCX", "--data-dir", "none"], 'error: unknown symbol "BTCX"; similar: BTC-USD'],
    [
      ["start", "--symbols", "eth,xbtusd", "--data-dir", "none"],
      'error: unknown symbol "xbtusd"; similar: BTC-USD',
    ],
    [["candles", "APPL"], 'error: unknown symbol "APPL"; similar: AAPL'],
  ])("refuses an unknown symbol in one line, suggesting known ones: %j", async (args, line) => {
    const result = await runSignals(args.map((arg) => (arg === "none" ? join(dir, "none") : arg)));
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(line);
  });

  it("prints one clear line for an unknown symbol in a replay file's symbol column", async () => {
    const file = join(dir, "unknown-symbol.csv");
    writeFileSync(
      file,
      "time,open,high,low,close,volume,symbol\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10,DOGE-XYZ\n",
    );
    const result = await runSignals(["start", "--replay", file, "--data-dir", join(dir, "unknown-symbol")]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `error: invalid ${file}: line 2: unknown symbol "DOGE-XYZ"; similar: DOGE-USD`,
    );
  });

  it("replays a lowercase symbol column as the canonical symbol, storing every close", async () => {
    const file = join(dir, "lowercase.csv");
    const hour = 3_600_000;
    const start = Date.parse("2024-01-01T00:00:00Z");
    const rows = Array.from({ length: 40 }, (_, i) => {
      const price = 100 + (i % 7);
      return `${new Date(start + i * hour).toISOString()},${price},${price + 2},${price - 2},${price + 1},10,btc-usd`;
    });
    writeFileSync(file, ["time,open,high,low,close,volume,symbol", ...rows].join("\n"));
    const data = join(dir, "lowercase");
    const result = await runSignals(["start", "--replay", file, "--data-dir", data]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Replaying 20 1h candle closes of BTC-USD/);
    const history = await runSignals(["history", "btc", "--json", "--data-dir", data]);
    expect(SignalSchema.array().parse(JSON.parse(history.stdout))).toHaveLength(20);
  });

  it("says when there is no local store yet", async () => {
    const result = await runSignals(["history", "BTC-USD", "--data-dir", join(dir, "empty")]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/run `npm start` first/);
  });
});

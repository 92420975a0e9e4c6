import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerBacktestCommand } from "../../bin/commands/backtest";
import { formatReplayCsv } from "../../functions/adapters/prices/replay-csv";
import type { BacktestReport } from "../../functions/core/backtest/report";
import { EQUITY_CHART_SIZE } from "../../functions/core/equity-chart";
import { sampleSeries } from "../../local/sample-series";
import { chatCompletionBody } from "../analyst/chat-completions";
import { type FakeServer, startFakeServer } from "../support/http-server";
import { PNG_SIGNATURE, pngSize } from "../support/png";
import { runSignals } from "../support/signals-cli";

/** `signals backtest …` with no LLM key or endpoint unless `env` sets them. */
const signals = (args: string[], env: Record<string, string> = {}) =>
  runSignals(["backtest", ...args], { OPENAI_API_KEY: "", OPENAI_BASE_URL: "", ...env });

const dir = mkdtempSync(join(tmpdir(), "signals-backtest-"));
const NOW = Date.parse("2025-06-01T00:00:00Z");
const replay = join(dir, "btc-1h.csv");
writeFileSync(replay, formatReplayCsv("BTC-USD", sampleSeries("BTC-USD", "1h", 500, NOW)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("signals backtest with the rules analyst", () => {
  const out = join(dir, "out");
  let json: Awaited<ReturnType<typeof signals>>;
  let report: BacktestReport;

  beforeAll(async () => {
    json = await signals(["--replay", replay, "--json", "--out", out]);
    report = JSON.parse(json.stdout) as BacktestReport;
  }, 120_000);

  it("prints one JSON object with the figures and every baseline", () => {
    expect(json.code).toBe(0);
    expect(report).toMatchObject({
      symbol: "BTC-USD",
      timeframe: "1h",
      closes: 251,
      fees: { bpsPerSide: 10 },
    });
    expect(report.run.analyst).toBe("rules");
    expect(report.run.hitRates.map((h) => h.horizon)).toEqual([1, 4, 24]);
    expect(report.baselines.buyAndHold.totalReturn).toEqual(expect.any(Number));
    expect(report.baselines.random.seed).toBe(1);
  });

  it("writes report.json, trades.csv, signals.csv and equity.png that agree with the report", () => {
    expect(readdirSync(out)).toEqual(
      expect.arrayContaining(["report.json", "trades.csv", "signals.csv", "equity.png"]),
    );
    const png = readFileSync(join(out, "equity.png"));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual(EQUITY_CHART_SIZE);
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8"))).toEqual(report);
    const trades = readFileSync(join(out, "trades.csv"), "utf8").trim().split("\n");
    expect(trades[0]).toBe("side,entryTime,entryPrice,exitTime,exitPrice,return,openAtEnd");
    expect(trades).toHaveLength(report.run.strategy.trades + 1);
    const rows = readFileSync(join(out, "signals.csv"), "utf8").trim().split("\n");
    expect(rows).toHaveLength(report.closes + 1);
  });

  it("prints a readable report without --json", async () => {
    const text = await signals(["--replay", replay, "--fee-bps", "25", "--short"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/fee 25 bps per side, long\/short/);
    expect(text.stdout).toMatch(/buy and hold\s+return/);
    expect(text.stdout).toMatch(/random direction on the same gate events|random direction: no alerts/);
  });
});

describe("signals backtest refuses bad input with one clear line", () => {
  /** The command in process, as bin/signals.ts registers it: faster than a process per case. */
  const parse = (args: string[]) => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerBacktestCommand(program);
    return program.parseAsync([
      "node",
      "signals",
      "backtest",
      ...args.map((a) => (a === "REPLAY" ? replay : a)),
    ]);
  };

  it.each([
    [["--replay", "REPLAY", "--fee-bps", "-3"], /--fee-bps "-3" is not a number from 0 to 1000/],
    [
      ["--replay", "REPLAY", "--timeframe", "5m"],
      /--timeframe 5m is finer than the replay's own candles \(1h\)/,
    ],
    [["--replay", "REPLAY", "--symbol", "ETH-USD"], /has no candles for ETH-USD \(it has BTC-USD\)/],
    [["--replay", "REPLAY", "--symbol", "NOPE-XYZ"], /unknown symbol "NOPE-XYZ"/],
    [["--replay", "REPLAY", "--analyst", "llm"], /--analyst llm needs OPENAI_API_KEY/],
  ])("%j", async (args, message) => {
    vi.stubEnv("OPENAI_API_KEY", "");
    await expect(parse(args)).rejects.toThrow(message);
  });

  it("prints the error and exits 1 from the command line", async () => {
    const result = await signals(["--replay", "/nonexistent/file.csv"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("error: cannot read the replay file /nonexistent/file.csv (ENOENT)");
    expect(result.stdout).toBe("");
  }, 60_000);
});

describe("signals backtest with the LLM (a local server answering as OpenAI does)", () => {
  let server: FakeServer;
  const cacheDir = join(dir, "llm-cache");
  /** The first LLM run's report, every answer asked of the server. */
  let fresh: BacktestReport;
  beforeAll(async () => {
    server = await startFakeServer((request) => {
      const user = JSON.parse(
        (request.json as { messages: Array<{ content: string }> }).messages[1]?.content ?? "{}",
      );
      const up = (user.features?.return1 ?? 0) >= 0;
      const verdict = { action: up ? "BUY" : "SELL", confidence: 0.8, reasons: ["a", "b"], horizon: "hours" };
      return { status: 200, body: chatCompletionBody({ content: JSON.stringify(verdict) }) };
    });
  });
  afterAll(() => server.close());
  const env = () => ({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${server.url}/v1` });

  it("refuses a run estimated above --max-cost-usd before any call", async () => {
    const result = await signals(
      ["--replay", replay, "--analyst", "llm", "--max-cost-usd", "0.000001"],
      env(),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/The gate alone: \d+ LLM calls, estimated at most \$/);
    expect(result.stderr).toMatch(/above --max-cost-usd 0\.00; raise it to run/);
    expect(server.requests).toHaveLength(0);
  }, 60_000);

  it("asks the model once per gate pass, prints the rules baseline beside it", async () => {
    const result = await signals(
      ["--replay", replay, "--analyst", "llm", "--json", "--cache-dir", cacheDir],
      env(),
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as BacktestReport;
    fresh = report;
    expect(report.run.analyst).toBe("llm");
    expect(report.run.llm.calls).toBe(report.gatePasses);
    expect(server.requests).toHaveLength(report.gatePasses);
    expect(report.baselines.rules?.analyst).toBe("rules");
    // The prompt is blind: no symbol, no date.
    for (const request of server.requests) expect(request.body).not.toMatch(/BTC|20\d\d-\d\d-\d\d/);
  }, 120_000);

  it("reruns from the answer cache: no request, the same report, nothing spent", async () => {
    const args = ["--replay", replay, "--analyst", "llm", "--json", "--cache-dir", cacheDir];
    const asked = server.requests.length;
    const result = await signals(args, env());
    expect(result.code).toBe(0);
    expect(server.requests).toHaveLength(asked);
    const rerun = JSON.parse(result.stdout) as BacktestReport;
    const calls = fresh.run.llm.calls;
    expect(fresh.run.llm).toMatchObject({ cached: 0, newCalls: calls, costUsd: expect.any(Number) });
    expect(fresh.run.llm.costUsd).toBeGreaterThan(0);
    expect(rerun.run.llm).toEqual({ calls, costUsd: 0, cached: calls, newCalls: 0 });
    const withoutLlm = (report: BacktestReport) => ({ ...report, run: { ...report.run, llm: undefined } });
    expect(withoutLlm(rerun)).toEqual(withoutLlm(fresh));

    const text = await signals(
      args.filter((a) => a !== "--json"),
      env(),
    );
    expect(text.stdout).toContain(`LLM calls ${calls} (${calls} cached, 0 new calls), cost $0.0000`);
    expect(server.requests).toHaveLength(asked);
  }, 180_000);
});

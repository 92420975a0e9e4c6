import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Signal } from "../../functions/core/signal";
import { openLocalStore } from "../../local/local-store";
import { sampleSeries } from "../../local/sample-series";
import { type BotApiCall, type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";

const ROOT = join(import.meta.dirname, "../..");
const SYMBOLS = ["BTC-USD", "ETH-USD"];
const CHAT_ID = "515151";
/** Fixed, so the replayed candles and their alerts are the same on every run. */
const NOW = Date.parse("2026-06-01T12:30:00Z");
const CANDLES = 250 + 120;
/** The send that never gets its answer: the process is killed while waiting for it. */
const HANGING_SEND = 1;
/** Alerts go to Telegram as a chart with the text as its caption. */
const ALERT_METHOD = "sendPhoto";

interface Run {
  child: ChildProcess;
  stdout: string[];
  exited: Promise<number | null>;
}

/** `npm start -- --replay …` as one node process (no npm or tsx wrapper), so SIGKILL hits the pipeline itself. */
function start(file: string, dataDir: string, telegram: FakeBotApi): Run {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "bin/signals.ts", "start", "--replay", file, "--data-dir", dataDir],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        OPENAI_API_KEY: "",
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_CHAT_ID: CHAT_ID,
        TELEGRAM_API_ROOT: telegram.apiRoot,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const stdout: string[] = [];
  child.stdout?.on("data", (chunk) => stdout.push(String(chunk)));
  child.stderr?.on("data", (chunk) => stdout.push(String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout, exited };
}

async function until(condition: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function storedSignals(dataDir: string): Promise<Signal[]> {
  const opened = await openLocalStore(dataDir);
  try {
    return (await Promise.all(SYMBOLS.map((symbol) => opened.store.history(symbol, "1h")))).flat();
  } finally {
    await opened.close();
  }
}

describe("kill -9 mid-replay, then the same command again", () => {
  const dir = mkdtempSync(join(tmpdir(), "signals-crash-"));
  const file = join(dir, "two-symbols.csv");
  const dataDir = join(dir, "data");
  let telegram: FakeBotApi;
  let hanging: BotApiCall | undefined;
  let afterCrash: Signal[];
  let rerun: { code: number | null; output: string };
  let stored: Signal[];

  beforeAll(async () => {
    const rows = SYMBOLS.flatMap((symbol) =>
      sampleSeries(symbol, "1h", CANDLES, NOW).map(
        (c) =>
          `${new Date(c.time).toISOString()},${c.open},${c.high},${c.low},${c.close},${c.volume},${symbol}`,
      ),
    );
    writeFileSync(file, ["time,open,high,low,close,volume,symbol", ...rows].join("\n"));
    telegram = await startFakeBotApi();
    let sends = 0;
    telegram.on(
      ALERT_METHOD,
      { delayMs: 60_000, body: { ok: false, error_code: 504, description: "Gateway Timeout" } },
      {
        when: (call) => {
          sends += 1;
          if (sends === HANGING_SEND) hanging = call;
          return sends === HANGING_SEND;
        },
      },
    );

    const crashed = start(file, dataDir, telegram);
    let crashedExit: number | null | undefined;
    void crashed.exited.then((code) => {
      crashedExit = code;
    });
    await until(() => {
      if (crashedExit !== undefined) throw new Error(`the run ended first:\n${crashed.stdout.join("")}`);
      return hanging !== undefined;
    }, "the hanging send");
    crashed.child.kill("SIGKILL");
    await crashed.exited;
    afterCrash = await storedSignals(dataDir);

    const again = start(file, dataDir, telegram);
    const code = await again.exited;
    rerun = { code, output: again.stdout.join("") };
    stored = await storedSignals(dataDir);
  }, 240_000);

  afterAll(async () => {
    await telegram?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("was killed with an alert stored and never delivered", () => {
    expect(afterCrash.filter((s) => s.alert && !s.notifiedAt)).toHaveLength(1);
    expect(afterCrash.length).toBeLessThan(stored.length);
  });

  it("resumes on the same store and finishes with every close stored once", () => {
    expect(rerun.code, rerun.output).toBe(0);
    expect(rerun.output).toMatch(/resuming: stored closes are skipped/);
    const ticks = Number(/Replaying (\d+) 1h candle closes/.exec(rerun.output)?.[1]);
    expect(ticks).toBeGreaterThan(100);
    for (const symbol of SYMBOLS) {
      const times = stored.filter((s) => s.symbol === symbol).map((s) => s.candleTime);
      expect(times, symbol).toHaveLength(ticks);
      expect(new Set(times).size, symbol).toBe(ticks);
    }
  });

  it("delivers every alert exactly once, the interrupted one through the outbox sweep", () => {
    const alerts = stored.filter((s) => s.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(HANGING_SEND);
    expect(alerts.every((s) => s.notifiedAt)).toBe(true);
    const answered = telegram.callsOf(ALERT_METHOD).filter((call) => call !== hanging);
    const texts = answered.map((call) => String(call.payload.caption));
    expect(texts).toHaveLength(alerts.length);
    expect(new Set(texts).size).toBe(alerts.length);
    expect(texts).toContain(String(hanging?.payload.caption));
    expect(telegram.callsOf("sendMessage")).toEqual([]);
    expect(rerun.output).toMatch(/Outbox sweep: 1 stored alerts delivered/);
  });
});

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeLiveTick } from "../../local/live-report";
import { REPO_ROOT } from "../support/npm-cli";

const AT = Date.parse("2026-12-02T10:00:03Z");

describe("describeLiveTick", () => {
  it("says which symbols failed, why, and when the next try is", () => {
    const lines = describeLiveTick(
      {
        now: "2026-12-02T10:00:03Z",
        queued: 1,
        failed: 1,
        symbols: [
          { symbol: "BTC-USD", status: "queued", candleTime: "2026-12-02T09:00:00.000Z" },
          { symbol: "ETH-USD", status: "failed", error: "no provider served ETH-USD 1h: coinbase: timeout" },
        ],
      },
      AT,
      AT + 3_600_000,
    );
    expect(lines).toEqual([
      "tick 10:00:03 UTC: analysed BTC-USD; 1 failed; next try at 11:00:03 UTC",
      "  ETH-USD: no provider served ETH-USD 1h: coinbase: timeout",
    ]);
    expect(describeLiveTick(undefined, AT, AT + 60_000)).toEqual([
      "tick 10:00:03 UTC: the fetcher failed every attempt; next try at 10:01:03 UTC",
    ]);
  });
});

describe("npm start -- --live with no network (#11 finding 6)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "signals-live-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("says what failed and when the next try is, and Ctrl-C prints the summary", async () => {
    // Every provider's base URL on a closed loopback port: what a machine with no network sees.
    const closed = "http://127.0.0.1:9";
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "bin/signals.ts", "start", "--live", "--symbols", "BTC-USD", "--data-dir", dataDir],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          OPENAI_API_KEY: "",
          TELEGRAM_BOT_TOKEN: "",
          TELEGRAM_CHAT_ID: "",
          COINBASE_API_URL: closed,
          KRAKEN_API_URL: closed,
          BINANCE_API_URL: closed,
          YAHOO_API_URL: closed,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 90_000;
    // The tick's line and the failure under it are separate writes: Ctrl-C only after both.
    while (!/next try at[\s\S]*no provider served/.test(output) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill("SIGINT");
    await exited;
    expect(output).toMatch(
      /^tick \d\d:\d\d:\d\d UTC: nothing analysed; 1 failed; next try at \d\d:\d\d:03 UTC$/m,
    );
    expect(output).toMatch(/^ {2}BTC-USD: no provider served BTC-USD 1h: .*coinbase/m);
    expect(output).not.toMatch(/^\{"level"/m);
    expect(output).toMatch(/^Done: \d+ candle closes? in/m);
  }, 120_000);
});

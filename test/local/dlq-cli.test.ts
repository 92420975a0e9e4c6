import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeadLetterRowSchema } from "../../functions/core/dead-letters";
import { readDlqFile } from "../../local/dlq-files";
import { openLocalStore } from "../../local/local-store";
import { apiErrorReply } from "../analyst/chat-completions";
import { type FakeServer, startFakeServer } from "../support/http-server";
import { npmRun } from "../support/npm-cli";

const SYMBOLS = ["BTC-USD", "ETH-USD"];

/**
 * The LLM down for a whole run (a local server answering 500 as OpenAI does): the closes the gate sends
 * to it fail every delivery, so they end in the DLQ with no signal. The run must say so and exit 1,
 * the DLQ must outlive the process with its reasons, and a redrive must give those closes a signal.
 */
describe("npm start with the LLM down, then signals dlq list and dlq redrive", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "signals-dlq-"));
  let llm: FakeServer;
  let started: Awaited<ReturnType<typeof npmRun>>;
  const llmDown = () => ({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${llm.url}/v1` });
  /** What the store holds, read in-process (the CLI's `history` is tested in cli.test.ts). */
  const storedTimes = async () => {
    const opened = await openLocalStore(dataDir);
    try {
      const times = new Map<string, Set<string>>();
      for (const symbol of SYMBOLS)
        times.set(symbol, new Set((await opened.store.history(symbol, "1h")).map((s) => s.candleTime)));
      return times;
    } finally {
      await opened.close();
    }
  };
  const lostLines = (stdout: string) =>
    [...stdout.matchAll(/^ {2}(\S+-USD)\s+(\S+Z)$/gm)].map(([, symbol, candleTime]) => ({
      symbol: symbol as string,
      candleTime: candleTime as string,
    }));
  const deadLetters = async () => {
    const listed = await npmRun(["signals", "--", "dlq", "list", "--json", "--data-dir", dataDir]);
    expect(listed.code).toBe(0);
    return DeadLetterRowSchema.array().parse(JSON.parse(listed.stdout));
  };

  beforeAll(async () => {
    llm = await startFakeServer(() => apiErrorReply(500, "server_error", null, "The server had an error"));
    started = await npmRun(["start", "--", "--ticks", "24", "--data-dir", dataDir], llmDown());
  }, 180_000);
  afterAll(async () => {
    await llm.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("exits non-zero and lists each close that ended with no signal", async () => {
    expect(llm.requests.length).toBeGreaterThan(0);
    expect(started.code).not.toBe(0);
    const lost = lostLines(started.stdout);
    expect(lost.length).toBeGreaterThan(0);
    expect(started.stdout).toMatch(new RegExp(`Lost: ${lost.length} candle closes ended with no signal`));
    expect(started.stderr).toMatch(new RegExp(`error: ${lost.length} candle closes ended with no signal`));
    const times = await storedTimes();
    for (const symbol of SYMBOLS) {
      const stored = times.get(symbol) ?? new Set();
      // 24 closes per symbol: each is either stored or listed as lost, never both.
      const lostHere = lost.filter((close) => close.symbol === symbol).map((close) => close.candleTime);
      expect(stored.size + lostHere.length).toBe(24);
      for (const time of lostHere) expect(stored.has(time)).toBe(false);
    }
  });

  it("keeps the DLQ after the process ended: each lost close with its receive count and last error", async () => {
    const rows = await deadLetters();
    const lost = lostLines(started.stdout);
    expect(rows.map((row) => `${row.symbol} ${row.candleTime}`).sort()).toEqual(
      lost.map((close) => `${close.symbol} ${close.candleTime}`).sort(),
    );
    for (const row of rows)
      expect(row).toMatchObject({
        queue: "analysis",
        receiveCount: 5,
        lastError: "500 The server had an error",
      });

    const table = await npmRun([
      "signals",
      "--",
      "dlq",
      "list",
      "--queue",
      "analysis",
      "--data-dir",
      dataDir,
    ]);
    expect(table.stdout).toMatch(/^queue\s+message id\s+symbol\s+candle\s+receives\s+last error$/m);
    expect(table.stdout).toMatch(new RegExp(`${rows.length} dead letters in`));
  });

  it("redrives them: with the LLM still down they come back to the DLQ, with it replaced they get a signal", async () => {
    const before = await deadLetters();
    const again = await npmRun(["signals", "--", "dlq", "redrive", "--data-dir", dataDir], llmDown());
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(new RegExp(`${before.length} failed again and are back in the DLQ`));
    expect(readDlqFile(dataDir, "analysis").map((row) => row.lastError)).toEqual(
      before.map(() => "500 The server had an error"),
    );

    // Without a key the rules analyst decides: every redriven close gets its signal.
    const redriven = await npmRun(["signals", "--", "dlq", "redrive", "--data-dir", dataDir]);
    expect(redriven.stderr).toBe("");
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toMatch(
      new RegExp(`moved ${before.length} of ${before.length} dead letters back`),
    );
    expect(readDlqFile(dataDir, "analysis")).toEqual([]);
    const times = await storedTimes();
    for (const row of before) expect(times.get(row.symbol)?.has(row.candleTime)).toBe(true);
  }, 120_000);
});

describe("signals dlq --aws without an AWS setup", () => {
  const noAws = {
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  };

  it("says in one line to set a region, then to configure credentials", async () => {
    const noRegion = await npmRun(["signals", "--", "dlq", "list", "--aws"], noAws);
    expect(noRegion.code).not.toBe(0);
    expect(noRegion.stderr.trim()).toBe("error: no AWS region: set AWS_REGION");
    const noCredentials = await npmRun(["signals", "--", "dlq", "redrive", "--aws"], {
      ...noAws,
      AWS_REGION: "eu-west-1",
    });
    expect(noCredentials.code).not.toBe(0);
    expect(noCredentials.stderr.trim()).toBe(
      "error: no AWS credentials: run aws configure (or set AWS_PROFILE)",
    );
  }, 60_000);

  it("refuses to redrive a queue SQS cannot move back, naming why", async () => {
    const result = await npmRun(["signals", "--", "dlq", "redrive", "--queue", "ticks"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /only the analysis DLQ can be redriven: ticks failures did not come from an SQS queue/,
    );
  });
});

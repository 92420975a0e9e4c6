import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { DeadLetterRowSchema } from "../../functions/core/dead-letters";
import { dynamoClientFor, startDynalite } from "../../local/emulators";
import { LOCAL_TABLE_NAME } from "../../local/runtime";
import { apiErrorReply } from "../analyst/chat-completions";
import { type DynamoFaultProxy, isSignalPut, startDynamoFaultProxy } from "../support/dynamo-fault-proxy";
import { type FakeServer, startFakeServer } from "../support/http-server";
import { runSignals } from "../support/signals-cli";

const SYMBOLS = ["BTC-USD", "ETH-USD"];
const TICKS = 24;
/**
 * Closes whose signal write the table refuses, every time: they cannot get a signal. The first close
 * of each symbol: both in the first tick, so their five deliveries each run side by side.
 */
const REFUSED_CLOSES = SYMBOLS.length;

/**
 * A run with the LLM down (a local server answering 500 as OpenAI does) and a table that throttles
 * every write of two closes' signals (a proxy in front of dynalite, given as --dynamodb-endpoint).
 * The LLM being down loses nothing: those closes become ABSTAIN unavailable. The two refused closes
 * cannot be stored at all, so they end in the DLQ: the run must say so and exit 1, the DLQ must
 * outlive the process with its reasons, and a redrive must give those closes their signal.
 */
describe("npm start with the LLM down and two closes the table refuses, then dlq list and redrive", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "signals-dlq-"));
  let llm: FakeServer;
  let table: Awaited<ReturnType<typeof startDynalite>>;
  let proxy: DynamoFaultProxy;
  const refused = new Set<string>();
  let started: Awaited<ReturnType<typeof runSignals>>;
  const withFaults = () => ["--data-dir", dataDir, "--dynamodb-endpoint", proxy.endpoint];
  /**
   * A refused write fails at its first attempt: the SDK's own backoff over three attempts (longer for
   * a throttle) would only add waiting; the close's way to the DLQ is the same.
   */
  const noSdkRetries = { AWS_MAX_ATTEMPTS: "1" };
  const llmDown = () => ({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${llm.url}/v1`, ...noSdkRetries });
  const store = () =>
    new DynamoStore(
      LOCAL_TABLE_NAME,
      DynamoDBDocumentClient.from(dynamoClientFor(table.endpoint), {
        marshallOptions: { removeUndefinedValues: true },
      }),
    );
  const storedSignals = async () =>
    (await Promise.all(SYMBOLS.map((symbol) => store().history(symbol, "1h")))).flat();
  const lostLines = (stdout: string) =>
    [...stdout.matchAll(/^ {2}(\S+-USD)\s+(\S+Z)$/gm)].map(([, symbol, candleTime]) => ({
      symbol: symbol as string,
      candleTime: candleTime as string,
    }));
  const deadLetters = async () => {
    const listed = await runSignals(["dlq", "list", "--json", "--data-dir", dataDir]);
    expect(listed.code).toBe(0);
    return DeadLetterRowSchema.array().parse(JSON.parse(listed.stdout));
  };

  beforeAll(async () => {
    llm = await startFakeServer(() => apiErrorReply(500, "server_error", null, "The server had an error"));
    table = await startDynalite();
    proxy = await startDynamoFaultProxy(table.endpoint);
    proxy.fails = (call) => {
      if (!isSignalPut(call)) return false;
      const pk = String(call.body.Item?.pk?.S);
      const key = `${pk} ${call.body.Item?.sk?.S}`;
      if (![...refused].some((close) => close.startsWith(`${pk} `))) refused.add(key);
      return refused.has(key);
    };
    started = await runSignals(["start", "--ticks", String(TICKS), ...withFaults()], llmDown());
  }, 180_000);
  afterAll(async () => {
    await llm.close();
    await proxy.close();
    await table.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives every close the LLM could not answer a signal: ABSTAIN unavailable, naming the error", async () => {
    expect(llm.requests.length, started.stdout).toBeGreaterThan(0);
    const unavailable = (await storedSignals()).filter((s) => s.reasons.includes("unavailable"));
    expect(unavailable.length).toBeGreaterThan(0);
    for (const signal of unavailable)
      expect(signal).toMatchObject({
        action: "ABSTAIN",
        // The endpoint named (#11 finding 5), so a reader of the history knows which server failed.
        error: `LLM endpoint ${llm.url}/v1 answered HTTP 500 (500 The server had an error)`,
      });
  });

  it("exits non-zero and lists each close that ended with no signal: the two the table refused", async () => {
    expect(started.code).not.toBe(0);
    const lost = lostLines(started.stdout);
    expect(lost.map((close) => `SIGNAL#${close.symbol}#1h ${close.candleTime}`).sort()).toEqual(
      [...refused].sort(),
    );
    expect(started.stdout).toMatch(new RegExp(`Lost: ${REFUSED_CLOSES} candle closes ended with no signal`));
    expect(started.stderr).toMatch(new RegExp(`error: ${REFUSED_CLOSES} candle closes ended with no signal`));
    const stored = await storedSignals();
    for (const symbol of SYMBOLS) {
      const times = new Set(stored.filter((s) => s.symbol === symbol).map((s) => s.candleTime));
      const lostHere = lost.filter((close) => close.symbol === symbol).map((close) => close.candleTime);
      // Each close is either stored or listed as lost, never both.
      expect(times.size + lostHere.length).toBe(TICKS);
      for (const time of lostHere) expect(times.has(time)).toBe(false);
    }
  });

  it("keeps the DLQ after the process ended: each lost close with its receive count and last error", async () => {
    const rows = await deadLetters();
    const lost = lostLines(started.stdout);
    expect(rows.map((row) => `${row.symbol} ${row.candleTime}`).sort()).toEqual(
      lost.map((close) => `${close.symbol} ${close.candleTime}`).sort(),
    );
    for (const row of rows) {
      expect(row).toMatchObject({ queue: "analysis", receiveCount: 5 });
      expect(row.lastError).toMatch(/provisioned throughput/i);
    }

    const listed = await runSignals(["dlq", "list", "--queue", "analysis", "--data-dir", dataDir]);
    expect(listed.stdout).toMatch(/^queue\s+message id\s+symbol\s+candle\s+receives\s+last error$/m);
    expect(listed.stdout).toMatch(new RegExp(`${rows.length} dead letters in`));
  });

  it("redrives them: with the table still refusing they come back to the DLQ, once it accepts they get a signal", async () => {
    const before = await deadLetters();
    const again = await runSignals(["dlq", "redrive", ...withFaults()], noSdkRetries);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(new RegExp(`${before.length} failed again and are back in the DLQ`));
    expect((await deadLetters()).map((row) => `${row.symbol} ${row.candleTime}`).sort()).toEqual(
      before.map((row) => `${row.symbol} ${row.candleTime}`).sort(),
    );

    proxy.fails = () => false;
    const redriven = await runSignals(["dlq", "redrive", ...withFaults()], noSdkRetries);
    expect(redriven.stderr).toBe("");
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toMatch(
      new RegExp(`moved ${before.length} of ${before.length} dead letters back`),
    );
    expect(await deadLetters()).toEqual([]);
    const stored = await storedSignals();
    for (const row of before)
      expect(stored.some((s) => s.symbol === row.symbol && s.candleTime === row.candleTime)).toBe(true);
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
    const noRegion = await runSignals(["dlq", "list", "--aws"], noAws);
    expect(noRegion.code).not.toBe(0);
    expect(noRegion.stderr.trim()).toBe("error: no AWS region: set AWS_REGION");
    const noCredentials = await runSignals(["dlq", "redrive", "--aws"], {
      ...noAws,
      AWS_REGION: "eu-west-1",
    });
    expect(noCredentials.code).not.toBe(0);
    expect(noCredentials.stderr.trim()).toBe(
      "error: no AWS credentials: run aws configure (or set AWS_PROFILE)",
    );
  }, 60_000);

  it("refuses to redrive a queue SQS cannot move back, naming why", async () => {
    const result = await runSignals(["dlq", "redrive", "--queue", "ticks"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /only the analysis DLQ can be redriven: ticks failures did not come from an SQS queue/,
    );
  });
});

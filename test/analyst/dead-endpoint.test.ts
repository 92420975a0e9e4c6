import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAnalystHandler } from "../../functions/analyst/handler";
import { analystDepsFromEnv } from "../../functions/analyst/wiring";
import { parseConfig } from "../../functions/core/config";
import { HOUR, jumpCandles, requestFor } from "../core/analyst/series";
import { captureLogs } from "../support/capture-logs";
import { closedPort, startHangUpServer } from "../support/dead-endpoints";
import { startTestTable } from "../support/emulators";
import { startFakeServer } from "../support/http-server";
import { apiErrorReply } from "./chat-completions";
import { eventOf, failures, record } from "./sqs-records";

const SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-USD", "LTC-USD"];
const closes = SYMBOLS.map((symbol) => requestFor(jumpCandles(), symbol));
const now = Date.parse(closes[0]?.candleTime ?? "") + HOUR + 5_000;

/**
 * The analyst as deployed (wiring from env: the OpenAI adapter behind the circuit breaker) over an
 * endpoint that never answers: each close is delivered once, then the failed ones again.
 */
async function deliverAll(table: Awaited<ReturnType<typeof startTestTable>>, baseUrl: string) {
  vi.stubEnv("OPENAI_API_KEY", "sk-test");
  vi.stubEnv("OPENAI_BASE_URL", baseUrl);
  const handler = createAnalystHandler(
    analystDepsFromEnv(parseConfig({}), { store: table.store, clock: { now: () => now } }),
  );
  const firstFailed: string[] = [];
  const { lines } = await captureLogs(async () => {
    for (const [index, close] of closes.entries())
      firstFailed.push(...failures(await handler(eventOf(record(JSON.stringify(close), `m-${index}`, 1)))));
    for (const id of firstFailed) {
      const close = closes[Number(id.slice(2))];
      expect(failures(await handler(eventOf(record(JSON.stringify(close), id, 2))))).toEqual([]);
    }
  });
  const signals = await Promise.all(closes.map((close) => table.store.getSignal(close)));
  const warnings = lines.filter((line) => line.level === "WARN" || line.level === "ERROR");
  return { firstFailed, signals, warnings };
}

describe("the analyst on a dead LLM endpoint (circuit breaker)", () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  beforeEach(async () => {
    table = await startTestTable();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await table.close();
  });

  it("names a refused endpoint once, retries two closes, and stores every close as ABSTAIN unavailable", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const refused = `LLM endpoint ${url} unreachable (ECONNREFUSED)`;
    const { firstFailed, signals, warnings } = await deliverAll(table, url);
    // Two failures in a row are a blip SQS retries; the third pauses calls.
    expect(firstFailed).toEqual(["m-0", "m-1"]);
    for (const signal of signals)
      expect(signal).toMatchObject({ action: "ABSTAIN", reasons: ["unavailable"], error: refused });
    const naming = warnings.filter((line) => JSON.stringify(line).includes(url));
    expect(naming.map((line) => line.message)).toEqual([
      `${refused}; after 3 failures in a row, calls pause for 60 s and closes are stored as ABSTAIN unavailable`,
    ]);
    expect(warnings.map((line) => line.message)).toEqual([
      naming[0]?.message,
      "LLM calls paused for 60 s after 3 failures in a row: closes until then are stored as ABSTAIN unavailable",
    ]);
  });

  it("sends no request while paused to a server that answers 500", async () => {
    const server = await startFakeServer(() =>
      apiErrorReply(500, "server_error", null, "The server had an error."),
    );
    try {
      const { signals } = await deliverAll(table, `${server.url}/v1`);
      expect(server.requests).toHaveLength(3);
      for (const signal of signals)
        expect(signal).toMatchObject({
          action: "ABSTAIN",
          reasons: ["unavailable"],
          error: expect.stringContaining(`LLM endpoint ${server.url}/v1 answered HTTP 500`),
        });
    } finally {
      await server.close();
    }
  });

  it("sends no request while paused to a server that closes the socket", async () => {
    const server = await startHangUpServer();
    try {
      const { signals, warnings } = await deliverAll(table, `${server.url}/v1`);
      expect(server.connections()).toBe(3);
      expect(signals.every((signal) => signal?.action === "ABSTAIN")).toBe(true);
      expect(warnings[0]?.message).toMatch(`LLM endpoint ${server.url}/v1 unreachable (other side closed)`);
    } finally {
      await server.close();
    }
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorReply } from "../analyst/chat-completions";
import { type FakeServer, startFakeServer } from "../support/http-server";
import { type CliResult, runSignals } from "../support/signals-cli";

describe("npm start with an LLM endpoint that answers only 500 (#11 finding 5)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "signals-dead-llm-"));
  let server: FakeServer;
  let started: CliResult;
  let url: string;

  beforeAll(async () => {
    server = await startFakeServer(() =>
      apiErrorReply(500, "server_error", null, "The server had an error."),
    );
    url = `${server.url}/v1`;
    started = await runSignals(["start", "--data-dir", dataDir], {
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: url,
      // As a user's terminal shows them (the tests' default is silent).
      POWERTOOLS_LOG_LEVEL: undefined,
    });
  }, 180_000);
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const failedCloses = () => Number(/^Analyst: .* (\d+) failed \(/m.exec(started.stdout)?.[1] ?? Number.NaN);

  it("counts the failed closes in the summary, naming the endpoint and its error", () => {
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(
      new RegExp(
        `^Analyst: 0 LLM calls answered by gpt-4o-mini, \\d+ failed \\(LLM endpoint ${url} answered HTTP 500 \\(500 The server had an error\\.\\)\\)`,
        "m",
      ),
    );
    expect(failedCloses()).toBeGreaterThanOrEqual(5);
    expect(started.stdout).toMatch(/^ {2}BTC-USD .*\d+ ABSTAIN/m);
  });

  it("stops asking the endpoint once it is down: one request per close after the first three failures", () => {
    // Without the breaker each close costs five requests (every delivery the queue allows).
    expect(server.requests.length).toBeLessThanOrEqual(failedCloses() + 2);
    // Only the failures before the breaker opened went back to the queue (each a visibility timeout of
    // waiting): the first two, and at most one more, a call of the same batch already in flight beside
    // the third (a batch's records run in parallel; seen on a clean clone).
    expect(started.stdout).toMatch(/^Queue: \d+ deliveries, [0-3] failed, DLQ depth 0/m);
  });

  it("names the endpoint in one warning, not once per failure", () => {
    const output = `${started.stdout}\n${started.stderr}`;
    const naming = output.split("\n").filter((line) => line.includes(url) && line.includes('"level":"WARN"'));
    expect(naming).toHaveLength(1);
    expect(output).not.toContain('"error":"Connection error."');
  });
});

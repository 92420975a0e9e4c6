import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalHandlers } from "../../local/local-handlers";
import { emptyTotals, runTick } from "../../local/tick";
import { startTestQueues } from "../support/emulators";

const THROTTLED = new Error("The level of configured provisioned throughput for the table was exceeded.");
const noStream = { take: () => [], endpoint: "", close: async () => {} };

/** Handlers for one tick: a fetcher and a sweep that fail as told; nothing is queued. */
function handlersFailing(fetcherFailures: number, sweepFails: boolean) {
  let fetches = 0;
  const handlers = {
    fetcher: async () => {
      fetches += 1;
      if (fetches <= fetcherFailures) throw THROTTLED;
      return { symbols: [], queued: 0 };
    },
    sweep: async () => {
      if (sweepFails) throw THROTTLED;
      return { notified: [] };
    },
  } as unknown as LocalHandlers;
  return { handlers, fetches: () => fetches };
}

describe("a tick of the local runtime, when a scheduled function fails", () => {
  let queues: Awaited<ReturnType<typeof startTestQueues>>;
  beforeAll(async () => {
    queues = await startTestQueues();
  });
  afterAll(() => queues.close());

  const tick = (handlers: LocalHandlers, totals = emptyTotals()) =>
    runTick({
      scheduledTime: Date.parse("2024-03-01T12:00:00Z"),
      handlers,
      sqsClient: queues.client,
      queues,
      proxy: noStream,
      totals,
    }).then(() => totals);

  it("retries the fetcher as Lambda retries an asynchronous invocation, and goes on when a retry works", async () => {
    const failing = handlersFailing(2, false);
    const totals = await tick(failing.handlers);
    expect(failing.fetches()).toBe(3);
    expect(totals.failedTicks).toEqual([]);
  });

  it("records a tick whose fetcher failed every attempt, with its error, instead of ending the run", async () => {
    const failing = handlersFailing(99, false);
    const totals = await tick(failing.handlers);
    expect(failing.fetches()).toBe(3);
    expect(totals.failedTicks).toEqual([
      { scheduledTime: "2024-03-01T12:00:00.000Z", error: THROTTLED.message },
    ]);
  });

  it("records a failed outbox sweep instead of ending the run: the next sweep finds the same alerts", async () => {
    const totals = await tick(handlersFailing(0, true).handlers);
    expect(totals.failedSweeps).toEqual([{ error: THROTTLED.message }]);
    expect(totals.ticks).toBe(1);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateGate } from "../../../functions/adapters/prices/rate-gate";

/** Runs `count` tasks through the gate on fake timers; returns when each started (ms since start). */
async function startTimes(gate: RateGate, count: number, taskMs = 0): Promise<number[]> {
  const origin = Date.now();
  const starts: number[] = [];
  const all = Promise.all(
    Array.from({ length: count }, () =>
      gate.run(async () => {
        starts.push(Date.now() - origin);
        await new Promise((resolve) => setTimeout(resolve, taskMs));
      }),
    ),
  );
  await vi.runAllTimersAsync();
  await all;
  return starts;
}

const mostInAnyWindow = (starts: number[], windowMs: number) =>
  Math.max(...starts.map((end) => starts.filter((t) => t > end - windowMs && t <= end).length));

describe("RateGate", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    const starts = await startTimes(new RateGate(2, undefined), 6, 100);
    expect(starts).toEqual([0, 0, 100, 100, 200, 200]);
  });

  it("spaces a per-second limit evenly, under the documented figure", async () => {
    const gate = new RateGate(10, { requests: 10, perMs: 1000, source: "test" });
    const starts = await startTimes(gate, 30);
    expect(mostInAnyWindow(starts, 1000)).toBe(9);
    expect(starts[1]).toBeGreaterThanOrEqual(111); // no burst: about 1000 / 9 ms apart
    expect(starts.at(-1)).toBeLessThan(3400);
  });

  it("treats a per-hour limit as a budget: no spacing until it runs out", async () => {
    const gate = new RateGate(4, { requests: 10, perMs: 3_600_000, source: "test" });
    const starts = await startTimes(gate, 10);
    expect(starts.slice(0, 9)).toEqual(Array(9).fill(0));
    expect(starts[9]).toBe(3_600_000);
  });

  it("holds every request after a 429 asked one of them to wait", async () => {
    const gate = new RateGate(4, undefined);
    gate.pauseFor(2000);
    expect(await startTimes(gate, 2)).toEqual([2000, 2000]);
  });
});

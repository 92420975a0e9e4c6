import { describe, expect, it } from "vitest";
import { formatDuration, progressBar } from "../../local/progress";

/** A terminal that records what is written to it. */
const terminal = (isTTY = true, columns = 120) => {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => writes.push(text) };
};

/** A clock the test moves by hand. */
const clock = (start = 1_000_000) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe("progressBar", () => {
  it("draws the count, the rate and the ETA in place on a terminal", () => {
    const stream = terminal();
    const time = clock();
    const bar = progressBar(100, { stream, label: "llm", now: time.now });
    for (let i = 0; i < 24; i++) bar.tick();
    time.advance(10_000);
    bar.tick();
    const last = stream.writes.at(-1) ?? "";
    expect(last.startsWith("\rllm [")).toBe(true);
    // 25 of 100 in 10 s: 2.5 per second, 75 left take 30 s.
    expect(last).toContain(" 25% 25/100 2.50/s ETA 0:30");
    bar.done();
    expect(stream.writes.at(-1)).toBe("\n");
  });

  it("redraws at most once per interval, and always at the end", () => {
    const stream = terminal();
    const time = clock();
    const bar = progressBar(1000, { stream, now: time.now, redrawMs: 100 });
    for (let i = 0; i < 1000; i++) {
      bar.tick();
      time.advance(1); // 1000 ticks over 1 s: about ten redraws, not a thousand
    }
    bar.done();
    const draws = stream.writes.filter((w) => w.startsWith("\r"));
    expect(draws.length).toBeGreaterThanOrEqual(10);
    expect(draws.length).toBeLessThanOrEqual(12);
    expect(draws.at(-1)).toContain("100% 1000/1000 1000/s in 0:01");
  });

  it("fits the terminal's width", () => {
    const stream = terminal(true, 30);
    const bar = progressBar(10, { stream, label: "rules", now: clock().now });
    bar.tick();
    for (const write of stream.writes)
      expect(write.replace("\r", "").replace("\x1b[K", "").length).toBeLessThan(30);
  });

  it("writes nothing when the stream is not a terminal", () => {
    const stream = terminal(false);
    const bar = progressBar(10, { stream, now: clock().now });
    bar.tick();
    bar.done();
    expect(stream.writes).toEqual([]);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0:00"],
    [75, "1:15"],
    [3725, "1:02:05"],
  ])("%d s is %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openLocalStore } from "../../local/local-store";
import { sampleSeries } from "../../local/sample-series";
import { runSignals } from "../support/signals-cli";

/** A replay file fixed in time, so every run of it is the same replay (the sample series moves with the clock). */
function writeReplay(file: string): void {
  const now = Date.parse("2026-06-01T12:30:00Z");
  const rows = ["BTC-USD", "ETH-USD"].flatMap((symbol) =>
    sampleSeries(symbol, "1h", 254, now).map(
      (c) =>
        `${new Date(c.time).toISOString()},${c.open},${c.high},${c.low},${c.close},${c.volume},${symbol}`,
    ),
  );
  writeFileSync(file, ["time,open,high,low,close,volume,symbol", ...rows].join("\n"));
}

const storeOf = (stdout: string) => /^Store: (\S+)/m.exec(stdout)?.[1] ?? "";

async function storedCount(storeDir: string): Promise<number> {
  const opened = await openLocalStore(storeDir);
  try {
    const counts = await Promise.all(["BTC-USD", "ETH-USD"].map((s) => opened.store.history(s, "1h")));
    return counts.flat().length;
  } finally {
    await opened.close();
  }
}

/** #7: "a replay deletes the store silently", including live history; now nothing is deleted unasked. */
describe("npm start keeps every earlier run's store", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "signals-stores-"));
  const file = join(dataDir, "fixed.csv");
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("leaves a first run's signals in place when another replay runs, resumes on a rerun, starts over only with --fresh", async () => {
    writeReplay(file);
    const first = await runSignals(["start", "--replay", file, "--data-dir", dataDir]);
    expect(first.code, first.stderr).toBe(0);
    const firstStore = storeOf(first.stdout);
    expect(await storedCount(firstStore)).toBe(8);

    const other = await runSignals(["start", "--ticks", "2", "--data-dir", dataDir]);
    expect(other.code, other.stderr).toBe(0);
    expect(storeOf(other.stdout)).not.toBe(firstStore);
    expect(await storedCount(firstStore)).toBe(8);

    const again = await runSignals(["start", "--replay", file, "--data-dir", dataDir]);
    expect(again.stdout).toMatch(/resuming: stored closes are skipped/);
    // Skipped indeed: none of the 4 closes is queued again.
    expect(again.stdout).toMatch(/^Replaying 4 1h candle closes .*; 4 already stored, skipped\)$/m);
    expect(again.stdout).toMatch(/^Queue: 0 deliveries/m);
    expect(storeOf(again.stdout)).toBe(firstStore);
    expect(await storedCount(firstStore)).toBe(8);

    const fresh = await runSignals(["start", "--replay", file, "--fresh", "--data-dir", dataDir]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).not.toMatch(/resuming/);
    expect(await storedCount(firstStore)).toBe(8);
  }, 240_000);
});

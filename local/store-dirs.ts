import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import type { Timeframe } from "../functions/core/timeframes";

/**
 * Where a run keeps its store under the data dir: live history in `live/`, each replay in its own
 * `replay-<hash>/` (file contents, symbols and timeframe), so a replay never touches live history and
 * the same replay run again finds, and resumes on, its own store.
 */
export const liveStoreDir = (dataDir: string) => join(dataDir, "live");

export interface ReplayIdentity {
  /** The replayed CSV; absent for the built-in sample series. */
  file?: string;
  symbols: readonly string[];
  timeframe: Timeframe;
  /** The candle closes replayed: they pin the sample series, which ends at the last closed candle. */
  ticks: readonly number[];
}

async function hashFile(file: string, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

export async function replayStoreDir(dataDir: string, replay: ReplayIdentity): Promise<string> {
  const hash = createHash("sha256");
  if (replay.file) await hashFile(replay.file, hash);
  else hash.update(`sample ${replay.ticks[0]} ${replay.ticks.at(-1)} ${replay.ticks.length}`);
  hash.update(`\n${[...replay.symbols].sort().join(",")}\n${replay.timeframe}`);
  const name = `${replay.file ? "replay" : "sample"}-${hash.digest("hex").slice(0, 12)}`;
  return join(dataDir, name);
}

export const storeExists = (storeDir: string) => existsSync(join(storeDir, "dynamodb"));

import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { signalsCsv, tradesCsv } from "../functions/core/backtest/render";
import type { BacktestResult } from "./backtest-run";

/** Writes a backtest's files into `dir`; returns their names. */
export async function writeBacktestFiles(dir: string, result: BacktestResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ["report.json", `${JSON.stringify(result.report, null, 2)}\n`],
    ["trades.csv", tradesCsv(result.trades)],
    ["signals.csv", signalsCsv(result.steps.map((step) => step.signal))],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => name);
}

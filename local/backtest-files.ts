import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { signalsCsv, tradesCsv } from "../functions/core/backtest/render";
import type { EquityChartInput } from "../functions/core/equity-chart";
import type { BacktestResult } from "./backtest-run";
import { writeEquityPng } from "./equity-png";

/** The equity chart of a backtest: its strategy against buy-and-hold, every trade marked. */
export function equityChartOf(result: BacktestResult): EquityChartInput {
  const { report } = result;
  const analyst = report.run.model ? `${report.run.analyst} (${report.run.model})` : report.run.analyst;
  return {
    title: `${report.symbol} ${report.timeframe}, ${analyst} analyst, ${report.period.from.slice(0, 10)} to ${report.period.to.slice(0, 10)}, fee ${report.fees.bpsPerSide} bps/side`,
    points: result.equity,
    trades: result.trades,
  };
}

/** Writes a backtest's files into `dir`; returns their names. */
export async function writeBacktestFiles(dir: string, result: BacktestResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ["report.json", `${JSON.stringify(result.report, null, 2)}\n`],
    ["trades.csv", tradesCsv(result.trades)],
    ["signals.csv", signalsCsv(result.steps.map((step) => step.signal))],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  await writeEquityPng(join(dir, "equity.png"), equityChartOf(result));
  return [...files.map(([name]) => name), "equity.png"];
}

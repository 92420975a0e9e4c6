import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { parseReplayTime } from "../../functions/adapters/prices/replay-csv";
import { ResvgChartRenderer } from "../../functions/adapters/telegram-chart-png";
import { formatSignalTime } from "../../functions/core/calendar";
import { alertChartSvg, CHART_SIZE } from "../../functions/core/chart";
import type { SignalReader } from "../../functions/core/ports";
import { isoTime, type Signal } from "../../functions/core/signal";
import { TIMEFRAMES, type Timeframe, timeframeMs } from "../../functions/core/timeframes";
import { loadConfig } from "../../functions/runtime/config";
import { DEFAULT_DATA_DIR, parseSymbolArgument } from "./arguments";
import { openStore } from "./history";

interface ChartOptions {
  at?: number;
  out?: string;
  timeframe?: Timeframe;
  aws?: boolean;
  dataDir: string;
}

/** `--at`: ISO 8601 (UTC unless it carries an offset), `YYYY-MM-DD HH:mm`, or epoch seconds or ms. */
export function parseAt(text: string): number {
  const utc = parseReplayTime(text);
  if (typeof utc === "number") return utc;
  const withOffset = Date.parse(text);
  if (/[+-]\d{2}:?\d{2}$/.test(text) && !Number.isNaN(withOffset)) return withOffset;
  throw new InvalidArgumentError(`--at "${text}": ${utc}`);
}

/**
 * The stored signal to draw: the latest alert of the symbol, or with `at` the signal whose candle
 * closed then (the time every view shows) or opened then (`candleTime`). Throws one line saying what
 * is missing.
 */
export async function findChartSignal(
  store: SignalReader,
  query: { symbol: string; timeframe: Timeframe; at?: number; where: string },
): Promise<Signal> {
  const { symbol, timeframe, at, where } = query;
  if (at === undefined) {
    const alert = await store.lastAlert(symbol, timeframe);
    if (!alert) throw new Error(`no alert of ${symbol} ${timeframe} is stored in ${where}`);
    return alert;
  }
  const step = timeframeMs(timeframe);
  const around = await store.history(symbol, timeframe, { since: at - step, until: at + 1 });
  // A time is one candle's close and the next one's open: the alert of the two, else the one closing then.
  const closing = around.find((s) => Date.parse(s.candleTime) + step === at);
  const opening = around.find((s) => Date.parse(s.candleTime) === at);
  const match = [closing, opening].find((s) => s?.alert) ?? closing ?? opening;
  if (match) return match;
  const alerts = (await store.history(symbol, timeframe)).filter((s) => s.alert).slice(0, 3);
  const nearest = alerts.length
    ? `; its latest alerts open at ${alerts.map((s) => s.candleTime).join(", ")}`
    : "; none of its signals is an alert";
  throw new Error(`no ${symbol} ${timeframe} signal opens or closes at ${isoTime(at)} in ${where}${nearest}`);
}

/** `BTC-USD-20240305T1300Z.png`: the symbol and the candle's open time, safe in any file system. */
export const defaultChartFile = (signal: Pick<Signal, "symbol" | "candleTime">) =>
  `${signal.symbol}-${signal.candleTime.replace(/[-:]/g, "").slice(0, 13)}Z.png`;

export function registerChartCommand(program: Command): void {
  program
    .command("chart")
    .description("render the chart of a stored alert to a PNG, as the notifier sends it")
    .argument("<symbol>", "canonical symbol, e.g. BTC-USD", parseSymbolArgument)
    .option(
      "--at <time>",
      "the signal whose candle closed (or opened) then, as history shows it (default: the latest alert)",
      parseAt,
    )
    .option("--out <file>", "where to write the PNG (default: <symbol>-<time>.png here)")
    .addOption(new Option("--timeframe <tf>", "timeframe (default: the config's)").choices(TIMEFRAMES))
    .option("--aws", "read the deployed table (resolved from the stack outputs) instead of the local store")
    .option("--data-dir <dir>", "where `npm start` keeps its local store", DEFAULT_DATA_DIR)
    .action(async (symbol: string, options: ChartOptions) => {
      const config = loadConfig();
      const timeframe = options.timeframe ?? config.timeframe;
      const opened = await openStore(options, config);
      let signal: Signal;
      try {
        signal = await findChartSignal(opened.store, {
          symbol,
          timeframe,
          at: options.at,
          where: opened.where,
        });
      } finally {
        await opened.close();
      }
      const now = Date.now();
      const svg = alertChartSvg(signal, { timezone: config.timezone, now });
      if (!svg)
        throw new Error(
          `the ${signal.action} of ${symbol} at ${signal.candleTime} has no candles to draw: only alerts keep them`,
        );
      const png = await new ResvgChartRenderer().render(svg);
      const out = resolve(options.out ?? defaultChartFile(signal));
      await writeFile(out, png);
      console.log(
        `${out}: ${signal.action} ${symbol} ${timeframe}, ${formatSignalTime(signal, config.timezone, now)} (${CHART_SIZE.width}×${CHART_SIZE.height}, ${Math.round(png.byteLength / 1024)} KB)`,
      );
    });
}

import { type Command, InvalidArgumentError, Option } from "commander";
import { OpenAiAnalyst } from "../../functions/adapters/openai-analyst";
import type { LlmEstimate } from "../../functions/core/backtest/llm-estimate";
import { renderBacktest } from "../../functions/core/backtest/render";
import type { Config } from "../../functions/core/config";
import { TIMEFRAMES, type Timeframe } from "../../functions/core/timeframes";
import type { AnalystModel } from "../../functions/core/verdict";
import { loadConfig } from "../../functions/runtime/config";
import { writeBacktestFiles } from "../../local/backtest-files";
import { type BacktestResult, replayCandles, runBacktest } from "../../local/backtest-run";
import { cachedModel } from "../../local/cached-model";
import { progressBar } from "../../local/progress";
import { replayTimeframe } from "../../local/replay-plan";
import { parseSymbolArgument } from "./arguments";
import { readReplay } from "./start";

interface BacktestOptions {
  replay: string;
  symbol?: string;
  timeframe?: Timeframe;
  analyst: "rules" | "llm";
  feeBps: number;
  short?: boolean;
  json?: boolean;
  out?: string;
  maxCostUsd: number;
  seed: number;
  draws: number;
  cacheDir: string;
}

const parseNumber =
  (what: string, min: number, max: number, integer = false) =>
  (text: string): number => {
    const value = Number(text);
    if (
      text.trim() === "" ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    )
      throw new InvalidArgumentError(
        `${what} "${text}" is not ${integer ? "an integer" : "a number"} from ${min} to ${max}`,
      );
    return value;
  };

/** The one symbol a backtest runs on: --symbol, or the file's only one. */
function pickSymbol(inFile: string[], wanted: string | undefined, file: string): string {
  for (const symbol of inFile) parseSymbolArgument(symbol);
  if (wanted) {
    const symbol = parseSymbolArgument(wanted);
    if (!inFile.includes(symbol))
      throw new Error(`${file} has no candles for ${symbol} (it has ${inFile.join(", ")})`);
    return symbol;
  }
  if (inFile.length > 1) throw new Error(`${file} has ${inFile.join(", ")}: name one with --symbol`);
  return inFile[0] as string;
}

function openAiModel(config: Config): AnalystModel {
  const apiKey = process.env.OPENAI_API_KEY;
  if (!apiKey)
    throw new Error("--analyst llm needs OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)");
  return new OpenAiAnalyst({
    apiKey,
    baseURL: process.env.OPENAI_BASE_URL || config.openai.baseUrl,
    timeoutMs: config.analyst.requestTimeoutMs,
  });
}

async function backtest(options: BacktestOptions): Promise<void> {
  const config = loadConfig();
  const source = await readReplay(options.replay, options.symbol);
  const symbol = pickSymbol(source.symbols(), options.symbol, options.replay);
  const span = source.span(symbol);
  const dataSpan = span ? [{ first: span.first, last: span.last, stepMs: span.stepMs }] : [];
  const { timeframe, note } = replayTimeframe(dataSpan, options.timeframe, "1m");
  const candles = await replayCandles(source, symbol, timeframe);
  const runConfig: Config = { ...config, timeframe, watchlist: [{ symbol }] };
  if (candles.length <= runConfig.lookbackCandles)
    throw new Error(
      `${options.replay} has ${candles.length} ${timeframe} candles of ${symbol}; a backtest needs more than the lookback (${runConfig.lookbackCandles})`,
    );
  const info = (line: string) => (options.json ? console.error(line) : console.log(line));
  for (const line of source.notes) info(`${options.replay}: ${line}`);
  if (note) info(note);
  const approve = (estimate: LlmEstimate) => {
    info(
      `The gate alone: ${estimate.calls} LLM calls, estimated at most $${estimate.usd.toFixed(4)} with ${runConfig.analyst.model} (answers cached in ${options.cacheDir} cost nothing)`,
    );
    if (estimate.usd > options.maxCostUsd)
      throw new Error(
        `the estimate $${estimate.usd.toFixed(4)} is above --max-cost-usd ${options.maxCostUsd.toFixed(2)}; raise it to run`,
      );
    return true;
  };
  const model = options.analyst === "llm" ? cachedModel(openAiModel(runConfig), options.cacheDir) : undefined;
  const result = await runBacktest({
    symbol,
    timeframe,
    candles,
    config: runConfig,
    options: {
      feeBps: options.feeBps,
      short: options.short ?? false,
      seed: options.seed,
      draws: options.draws,
    },
    model,
    cacheStats: model?.stats,
    approve,
    progress: (label, total) => progressBar(total, { label }),
  });
  if (!result) return;
  await report(result, options, info);
}

async function report(result: BacktestResult, options: BacktestOptions, info: (line: string) => void) {
  if (options.json) console.log(JSON.stringify(result.report, null, 2));
  else console.log(renderBacktest(result.report));
  if (options.out) {
    const written = await writeBacktestFiles(options.out, result);
    info(`Wrote ${written.join(", ")} to ${options.out}`);
  }
}

export function registerBacktestCommand(program: Command): void {
  program
    .command("backtest")
    .description(
      "replay a series through the live analyst chain, trade its alerts, and score them against baselines",
    )
    .requiredOption("--replay <file>", "a CSV of candles (header time,open,high,low,close,volume[,symbol])")
    .option("--symbol <symbol>", "the symbol: of a file with no symbol column, or one of a file's several")
    .addOption(
      new Option(
        "--timeframe <tf>",
        "candle timeframe (default: the data's own; coarser ones are built from it)",
      ).choices(TIMEFRAMES),
    )
    .addOption(
      new Option("--analyst <kind>", "who decides on gate passes").choices(["rules", "llm"]).default("rules"),
    )
    .option("--fee-bps <n>", "fee per side in basis points", parseNumber("--fee-bps", 0, 1000), 10)
    .option("--short", "also take the short side (a SELL alert opens a short)")
    .option("--json", "print one JSON object with every figure, and nothing else on stdout")
    .option("--out <dir>", "write report.json, trades.csv, signals.csv and equity.png there")
    .option(
      "--max-cost-usd <usd>",
      "refuse an LLM run estimated above this",
      parseNumber("--max-cost-usd", 0, 1000),
      1,
    )
    .option("--seed <n>", "seed of the random-direction baseline", parseNumber("--seed", 0, 2 ** 31, true), 1)
    .option(
      "--draws <n>",
      "draws of the random-direction baseline",
      parseNumber("--draws", 10, 10_000, true),
      200,
    )
    .option(
      "--cache-dir <dir>",
      "where LLM answers are kept, keyed by model and prompt: a rerun asks nothing and costs nothing",
      ".signals/llm-cache",
    )
    .addHelpText(
      "after",
      `
Fills: an alert on candle t fills at candle t+1's open. The analyst sees only candles up to t.
On a terminal, stderr shows a progress bar with rate and ETA. equity.png draws its text with DejaVu Sans,
shipped with the code (no system font is read).
Environment (--analyst llm): OPENAI_API_KEY, OPENAI_BASE_URL`,
    )
    .action(backtest);
}

import { createServer } from "node:net";
import { type Command, Option } from "commander";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { loadReplayFile, ReplaySource } from "../../functions/adapters/prices/replay";
import type { Config } from "../../functions/core/config";
import { TIMEFRAMES, type Timeframe, timeframeMs } from "../../functions/core/timeframes";
import { loadConfig } from "../../functions/runtime/config";
import { optionalEnv } from "../../functions/runtime/env";
import { TELEGRAM_TOKEN } from "../../functions/runtime/secrets";
import { describeLiveTick } from "../../local/live-report";
import { recordLatestStore } from "../../local/local-store";
import {
  replayTicks,
  replayTimeframe,
  type SeriesSpan,
  spanOf,
  ticksNotStored,
  warmupFor,
} from "../../local/replay-plan";
import { type LocalPipeline, type LocalPipelineOptions, startLocalPipeline } from "../../local/runtime";
import { sampleSeries } from "../../local/sample-series";
import { DEFAULT_SERVE_PORT, serveBot } from "../../local/serve";
import { liveStoreDir, replayStoreDir, storeExists } from "../../local/store-dirs";
import { printSummary } from "../../local/summary";
import {
  DEFAULT_DATA_DIR,
  parseEndpoint,
  parsePositiveInt,
  parseSymbolArgument,
  parseSymbolList,
} from "./arguments";

/** Candle closes the default sample replay runs through the pipeline. */
const SAMPLE_TICKS = 168;

export interface StartOptions {
  replay?: string;
  symbol?: string;
  symbols?: string[];
  live?: boolean;
  dataDir: string;
  fresh?: boolean;
  dynamodbEndpoint?: string;
  serve?: boolean;
  poll?: boolean;
  port?: number;
  ticks: number;
  timeframe?: Timeframe;
}

/** The config for this run: the chosen symbols replace the watchlist, keeping any provider chains. */
function localConfig(config: Config, symbols: string[] | undefined): Config {
  if (!symbols) return config;
  return {
    ...config,
    watchlist: symbols.map((symbol) => config.watchlist.find((item) => item.symbol === symbol) ?? { symbol }),
  };
}

interface ReplayPlan {
  source: ReplaySource;
  spans: SeriesSpan[];
  symbols: string[];
  label: string;
  /** The run's timeframe: --timeframe, or the replay file's own spacing, or the config's for the sample. */
  timeframe: Timeframe;
  /** What reading the file noted (columns ignored, rows sorted, the timeframe inferred), one line each. */
  notes: string[];
}

async function planReplay(options: StartOptions, config: Config): Promise<ReplayPlan> {
  if (options.replay) {
    const source = await readReplay(options.replay, options.symbol);
    // The parser resolved every symbol in the file (btc-usd is BTC-USD) or named the line it could not.
    const inFile = source.symbols();
    const symbols = options.symbols ? options.symbols.filter((symbol) => inFile.includes(symbol)) : inFile;
    if (symbols.length === 0)
      throw new Error(
        `${options.replay} has no candles for ${options.symbols?.join(", ")} (it has ${inFile.join(", ")})`,
      );
    const spans = symbols.flatMap((symbol) => source.span(symbol) ?? []);
    const { timeframe, note } = replayTimeframe(spans, options.timeframe, config.timeframe);
    const notes = [...source.notes.map((line) => `${options.replay}: ${line}`), ...(note ? [note] : [])];
    return { source, spans, symbols, label: options.replay, timeframe, notes };
  }
  const symbols = options.symbols ?? config.watchlist.map((item) => item.symbol);
  const count = config.lookbackCandles + options.ticks;
  const now = Date.now();
  const series = new Map(
    symbols.map((symbol) => [symbol, sampleSeries(symbol, config.timeframe, count, now)]),
  );
  const step = timeframeMs(config.timeframe);
  const spans = [...series.values()].flatMap((candles) => spanOf(candles, step) ?? []);
  return {
    source: new ReplaySource(series),
    spans,
    symbols,
    label: "the built-in sample series (synthetic)",
    timeframe: config.timeframe,
    notes: [],
  };
}

function checkCombination(options: StartOptions): void {
  if (options.replay && options.live) throw new Error("--replay and --live exclude each other");
  if (options.symbol && !options.replay) throw new Error("--symbol names the symbol of a --replay file");
  if (options.port !== undefined && !options.serve) throw new Error("--port goes with --serve");
}

/** What would fail after the replay, checked before it: a run of minutes should not end on a typo. */
async function checkPreconditions(options: StartOptions): Promise<void> {
  if (options.poll && !optionalEnv(TELEGRAM_TOKEN.envVar))
    throw new Error("--poll needs TELEGRAM_BOT_TOKEN (a real bot token from @BotFather)");
  if (options.serve) {
    const port = options.port ?? DEFAULT_SERVE_PORT;
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === "EADDRINUSE"
              ? `--serve: port ${port} is in use on 127.0.0.1; pass --port with a free one`
              : `--serve: cannot listen on 127.0.0.1:${port} (${error.code ?? error.message})`,
          ),
        ),
      );
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
    });
  }
}

export async function readReplay(file: string, symbol: string | undefined): Promise<ReplaySource> {
  try {
    return await loadReplayFile(file, symbol ? { symbol: parseSymbolArgument(symbol) } : {});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "EACCES")
      throw new Error(`cannot read the replay file ${file} (${code})`);
    throw error;
  }
}

/** Starts the pipeline on `storeDir`, says whether it resumes, and makes it the one `history` reads. */
async function startOnStore(
  storeDir: string,
  options: StartOptions,
  config: Config,
  replaySources: LocalPipelineOptions["replaySources"],
  log: (line: string) => void,
): Promise<LocalPipeline> {
  const resuming = storeExists(storeDir) && !options.fresh;
  const pipeline = await startLocalPipeline({
    config,
    dataDir: storeDir,
    fresh: options.fresh,
    dynamodbEndpoint: options.dynamodbEndpoint,
    replaySources,
    log,
  });
  recordLatestStore(options.dataDir, storeDir);
  log(
    resuming
      ? `Store: ${storeDir} (resuming: stored closes are skipped, undelivered alerts sent; --fresh starts over)`
      : `Store: ${storeDir}`,
  );
  return pipeline;
}

async function runReplay(options: StartOptions, config: Config, log: (line: string) => void) {
  const plan = await planReplay(options, config);
  for (const note of plan.notes) log(note);
  const runConfig = { ...localConfig(config, plan.symbols), timeframe: plan.timeframe };
  const warmup = warmupFor(plan.spans, runConfig.timeframe, runConfig.lookbackCandles);
  const ticks = replayTicks(plan.spans, runConfig.timeframe, warmup);
  if (ticks.length === 0)
    throw new Error(`${plan.label} is too short to replay any ${runConfig.timeframe} candle close`);
  const storeDir = await replayStoreDir(options.dataDir, {
    file: options.replay,
    symbols: plan.symbols,
    timeframe: runConfig.timeframe,
    ticks,
  });
  const pipeline = await startOnStore(storeDir, options, runConfig, () => [plan.source], log);
  const toRun = ticksNotStored(
    ticks,
    runConfig.timeframe,
    await storedOpenTimes(pipeline.tableName, plan.symbols, runConfig.timeframe, ticks),
  );
  const skipped = ticks.length - toRun.length;
  log(
    `Replaying ${ticks.length} ${runConfig.timeframe} candle closes of ${plan.symbols.join(", ")} from ${plan.label} (${warmup} candles of warm-up${skipped ? `; ${skipped} already stored, skipped` : ""})`,
  );
  const started = performance.now();
  await pipeline.replay(toRun);
  return { pipeline, runConfig, seconds: (performance.now() - started) / 1000, ticks: toRun.length };
}

/** Open times of the signals a resumed store already holds within the replay, by symbol. */
async function storedOpenTimes(tableName: string, symbols: string[], timeframe: Timeframe, ticks: number[]) {
  const store = new DynamoStore(tableName);
  const step = timeframeMs(timeframe);
  const range = { since: (ticks[0] ?? 0) - step, until: ticks.at(-1) ?? 0 };
  const entries = await Promise.all(
    symbols.map(async (symbol) => {
      const signals = await store.history(symbol, timeframe, range);
      return [symbol, new Set(signals.map((signal) => Date.parse(signal.candleTime)))] as const;
    }),
  );
  return new Map(entries);
}

async function runLive(options: StartOptions, config: Config, log: (line: string) => void) {
  const started = performance.now();
  const runConfig = localConfig(config, options.symbols);
  const pipeline = await startOnStore(liveStoreDir(options.dataDir), options, runConfig, undefined, log);
  log(
    `Live: ${runConfig.watchlist.map((item) => item.symbol).join(", ")} on ${runConfig.timeframe} candles from the real exchanges. Ctrl-C stops.`,
  );
  const step = timeframeMs(runConfig.timeframe);
  // Fire a few seconds after each close, as the deployed schedule does.
  const nextFiring = () => Math.floor(Date.now() / step) * step + step + 3_000;
  let ticks = 0;
  const runOne = async (at: number) => {
    const result = await pipeline.tick(at);
    ticks += 1;
    for (const line of describeLiveTick(result, at, nextFiring())) log(line);
  };
  await runOne(Date.now());
  let timer: NodeJS.Timeout | undefined;
  const scheduleNext = () => {
    const next = nextFiring();
    timer = setTimeout(async () => {
      await runOne(next);
      scheduleNext();
    }, next - Date.now());
  };
  scheduleNext();
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  clearTimeout(timer);
  return { pipeline, runConfig, ticks, seconds: (performance.now() - started) / 1000 };
}

async function start(options: StartOptions): Promise<void> {
  checkCombination(options);
  await checkPreconditions(options);
  const loaded = loadConfig();
  const config = options.timeframe ? { ...loaded, timeframe: options.timeframe } : loaded;
  const log = (line: string) => console.log(line);
  let pipeline: LocalPipeline | undefined;
  try {
    // Live runs until Ctrl-C, then sums up like a replay.
    const run = options.live ? await runLive(options, config, log) : await runReplay(options, config, log);
    pipeline = run.pipeline;
    const summary = await printSummary({
      ...run,
      log,
      historyOptions: {
        ...(run.runConfig.timeframe !== loaded.timeframe ? { timeframe: run.runConfig.timeframe } : {}),
        ...(options.dataDir !== DEFAULT_DATA_DIR ? { dataDir: options.dataDir } : {}),
      },
    });
    if (summary.lost.length > 0)
      throw new Error(`${summary.lost.length} candle closes ended with no signal (listed above)`);
    if (options.serve || options.poll) await serveBot(pipeline, options, log);
  } finally {
    await pipeline?.close();
  }
}

export function registerStartCommand(program: Command): void {
  program
    .command("start")
    .description("run the whole pipeline on this machine, on embedded emulators (no AWS account needed)")
    .option("--replay <file>", "replay a CSV of candles (header time,open,high,low,close,volume[,symbol])")
    .option("--symbol <symbol>", "the symbol of a --replay file that has no symbol column")
    .option(
      "--symbols <list>",
      "comma-separated symbols to run (default: the config's watchlist)",
      parseSymbolList,
    )
    .option("--live", "fetch from the real exchanges, in real time, until Ctrl-C")
    .addOption(
      new Option("--timeframe <tf>", "candle timeframe for this run (default: the config's)").choices(
        TIMEFRAMES,
      ),
    )
    .option(
      "--data-dir <dir>",
      "where the local stores live (live/ and one replay-<hash>/ per replay)",
      DEFAULT_DATA_DIR,
    )
    .option("--fresh", "delete this run's store first (otherwise a run resumes on it)")
    .option(
      "--dynamodb-endpoint <url>",
      "use this DynamoDB-compatible server (DynamoDB Local, a proxy) instead of the embedded dynalite",
      parseEndpoint,
    )
    .option(
      "--ticks <n>",
      "candle closes to replay from the sample series",
      parsePositiveInt("ticks"),
      SAMPLE_TICKS,
    )
    .addOption(
      new Option(
        "--log-format <format>",
        "the handlers' log lines: text (default on a terminal) or json (as on Lambda; default when piped)",
      ).choices(["text", "json"]),
    )
    .option("--serve", "afterwards, keep serving the bot webhook at http://127.0.0.1:<port>/telegram")
    .addOption(
      new Option("--port <n>", `port for --serve (default ${DEFAULT_SERVE_PORT})`).argParser(
        parsePositiveInt("port"),
      ),
    )
    .option("--poll", "afterwards, answer your bot over long polling (needs TELEGRAM_BOT_TOKEN)")
    .addHelpText(
      "after",
      `
Environment:
  OPENAI_API_KEY, OPENAI_BASE_URL       GPT (or a compatible server) instead of the rules analyst
  TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID  alerts to Telegram instead of the terminal
  TELEGRAM_WEBHOOK_SECRET               the secret token --serve checks`,
    )
    .action(start);
}

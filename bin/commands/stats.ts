import { type Command, Option } from "commander";
import { parseDuration, TIMEFRAMES, type Timeframe } from "../../functions/core/timeframes";
import { DEFAULT_STATS_WINDOW, readTrackRecord } from "../../functions/core/track-record/stats";
import { statsTable } from "../../functions/core/track-record/stats-table";
import { loadConfig } from "../../functions/runtime/config";
import { DEFAULT_DATA_DIR, parseSince, parseSymbolArgument } from "./arguments";
import { openStore } from "./history";

interface Window {
  text: string;
  ms: number;
}

interface StatsCommandOptions {
  since: Window;
  timeframe?: Timeframe;
  json?: boolean;
  aws?: boolean;
  dataDir: string;
}

const parseWindow = (text: string): Window => ({ text, ms: parseSince(text) });

export function registerStatsCommand(program: Command): void {
  program
    .command("stats")
    .description("the track record of the stored signals: hit rates, returns and buy-and-hold, per analyst")
    .argument(
      "[symbol]",
      "canonical symbol, e.g. BTC-USD (default: every watchlist symbol)",
      parseSymbolArgument,
    )
    .addOption(
      new Option("--since <duration>", "signals of this window, e.g. 7d, 2w")
        .argParser(parseWindow)
        .default(
          { text: DEFAULT_STATS_WINDOW, ms: parseDuration(DEFAULT_STATS_WINDOW) } satisfies Window,
          DEFAULT_STATS_WINDOW,
        ),
    )
    .addOption(new Option("--timeframe <tf>", "timeframe (default: the config's)").choices(TIMEFRAMES))
    .option("--json", "print one JSON object with every figure, and nothing else")
    .option("--aws", "read the deployed table (resolved from the stack outputs) instead of the local store")
    .option("--data-dir <dir>", "where `npm start` keeps its local store", DEFAULT_DATA_DIR)
    .action(async (symbol: string | undefined, options: StatsCommandOptions) => {
      const config = loadConfig();
      const timeframe = options.timeframe ?? config.timeframe;
      const symbols = symbol ? [symbol] : config.watchlist.map((entry) => entry.symbol);
      const since = Date.now() - options.since.ms;
      const opened = await openStore(options, config);
      try {
        const record = await readTrackRecord(opened.store, {
          symbols,
          timeframe,
          since,
          horizons: config.outcomes.horizons,
        });
        const scope = { symbols, timeframe, window: options.since.text };
        if (options.json) {
          const json = { ...scope, since: new Date(since).toISOString(), ...record };
          process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
          return;
        }
        if (record.signals === 0) {
          console.log(
            `no ${timeframe} signals for ${symbols.join(", ")} in the last ${scope.window} in ${opened.where}`,
          );
          return;
        }
        console.log(statsTable(record, scope));
        console.log(`From ${opened.where}.`);
      } finally {
        await opened.close();
      }
    });
}

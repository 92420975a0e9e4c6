import { type Command, Option } from "commander";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { localDay } from "../../functions/core/calendar";
import type { Config } from "../../functions/core/config";
import { plural } from "../../functions/core/plural";
import type { SignalReader, SpendLedger } from "../../functions/core/ports";
import { TIMEFRAMES, type Timeframe } from "../../functions/core/timeframes";
import { loadConfig } from "../../functions/runtime/config";
import { STACK_OUTPUTS } from "../../functions/shared/resource-definitions";
import { openLocalStore } from "../../local/local-store";
import { requireStackOutput } from "../../local/stack-outputs";
import { DEFAULT_DATA_DIR, parsePositiveInt, parseSince, parseSymbolArgument } from "./arguments";
import { historyCsv, historyReport, readHistoryWindow, selectRows, TABLE_LIMIT } from "./history-view";

interface HistoryOptions {
  since?: number;
  limit?: number;
  timeframe?: Timeframe;
  alerts?: boolean;
  json?: boolean;
  csv?: boolean;
  aws?: boolean;
  dataDir: string;
}

/** The local store `npm start` wrote, or with --aws the deployed table named by the stack outputs. */
export async function openStore(
  options: { aws?: boolean; dataDir: string },
  config: Config,
): Promise<{ store: SignalReader & SpendLedger; where: string; close(): Promise<void> }> {
  if (options.aws) {
    const tableName = await requireStackOutput(config.stackName, STACK_OUTPUTS.tableName);
    return { store: new DynamoStore(tableName), where: `DynamoDB table ${tableName}`, close: async () => {} };
  }
  return openLocalStore(options.dataDir);
}

export function registerHistoryCommand(program: Command): void {
  program
    .command("history")
    .description("print the stored signals of one symbol, newest first")
    .argument("<symbol>", "canonical symbol, e.g. BTC-USD", parseSymbolArgument)
    .option("--since <duration>", "only signals newer than this, e.g. 12h, 7d, 2w", parseSince)
    .option(
      "--limit <n>",
      `at most this many rows (default: ${TABLE_LIMIT} in the table, all with --json or --csv)`,
      parsePositiveInt("limit"),
    )
    .addOption(new Option("--timeframe <tf>", "timeframe (default: the config's)").choices(TIMEFRAMES))
    .option("--alerts", "only the alerts")
    .addOption(
      new Option("--json", "print a JSON array of the stored signals, and nothing else").conflicts("csv"),
    )
    .option("--csv", "print the signals as CSV (a header, then one row each), and nothing else")
    .option("--aws", "read the deployed table (resolved from the stack outputs) instead of the local store")
    .option("--data-dir <dir>", "where `npm start` keeps its local store", DEFAULT_DATA_DIR)
    .action(async (symbol: string, options: HistoryOptions) => {
      const config = loadConfig();
      const timeframe = options.timeframe ?? config.timeframe;
      const opened = await openStore(options, config);
      try {
        const now = Date.now();
        const window = await readHistoryWindow(opened.store, {
          symbol,
          timeframe,
          since: options.since === undefined ? undefined : now - options.since,
          where: opened.where,
        });
        const machine = options.json || options.csv;
        const view = {
          alertsOnly: options.alerts,
          limit: options.limit ?? (machine ? undefined : TABLE_LIMIT),
        };
        if (machine) {
          const { shown } = selectRows(window, view);
          process.stdout.write(options.json ? `${JSON.stringify(shown, null, 2)}\n` : historyCsv(shown));
          return;
        }
        console.log(historyReport(window, { ...view, timezone: config.timezone, now }));
        const spend = await opened.store.spend(localDay(now, config.timezone));
        console.log(
          `LLM spend today (${spend.day}, ${config.timezone}): $${spend.costUsd.toFixed(4)} of $${config.analyst.dailyBudgetUsd.toFixed(2)} in ${plural(spend.calls, "call")}`,
        );
      } finally {
        await opened.close();
      }
    });
}

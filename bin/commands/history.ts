import { type Command, InvalidArgumentError, Option } from "commander";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import { STACK_OUTPUTS } from "../../functions/adapters/resource-definitions";
import { localDay } from "../../functions/core/calendar";
import type { Config } from "../../functions/core/config";
import type { SignalReader, SpendLedger } from "../../functions/core/ports";
import type { Signal } from "../../functions/core/signal";
import { resolveSymbol } from "../../functions/core/symbols";
import { parseDuration, TIMEFRAMES, type Timeframe } from "../../functions/core/timeframes";
import { loadConfig } from "../../functions/runtime/config";
import { openLocalStore } from "../../local/local-store";
import { requireStackOutput } from "../../local/stack-outputs";
import { DEFAULT_DATA_DIR } from "./start";

/** Rows the table shows unless --limit says otherwise; --json prints the whole window. */
const TABLE_LIMIT = 50;

interface HistoryOptions {
  since?: number;
  limit?: number;
  timeframe?: Timeframe;
  json?: boolean;
  aws?: boolean;
  dataDir: string;
}

/**
 * A symbol argument or option: `btc` gives BTC-USD. A SymbolError is no Commander error, so the CLI
 * prints its message as the one line `error: unknown symbol "…"; similar: …`.
 */
export const parseSymbolArgument = (symbol: string): string => resolveSymbol(symbol);

export const parseSince = (text: string) => {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};

const parseLimit = (text: string) => {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1)
    throw new InvalidArgumentError(`limit "${text}" is not a positive integer`);
  return limit;
};

function formatTime(iso: string, timezone: string): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

/** The history as an aligned text table, newest first. */
export function historyTable(signals: Signal[], timezone: string): string {
  const header = [`time (${timezone})`, "action", "conf", "price", "analyst", "alert", "provider", "reasons"];
  const rows = signals.map((s) => [
    formatTime(s.candleTime, timezone),
    s.action,
    s.confidence === undefined ? "" : s.confidence.toFixed(2),
    s.price.toLocaleString("en-US", { maximumFractionDigits: 8 }),
    s.analyst === "llm" && s.model ? `llm:${s.model}` : s.analyst,
    s.alert ? (s.notifiedAt ? "sent" : "yes") : "",
    s.provider,
    s.reasons.join("; ").slice(0, 70),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 3 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
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
      `at most this many signals (default: ${TABLE_LIMIT} in the table, all with --json)`,
      parseLimit,
    )
    .addOption(new Option("--timeframe <tf>", "timeframe (default: the config's)").choices(TIMEFRAMES))
    .option("--json", "print a JSON array of the stored signals, and nothing else")
    .option("--aws", "read the deployed table (resolved from the stack outputs) instead of the local store")
    .option("--data-dir <dir>", "where `npm start` keeps its local store", DEFAULT_DATA_DIR)
    .action(async (symbol: string, options: HistoryOptions) => {
      const config = loadConfig();
      const timeframe = options.timeframe ?? config.timeframe;
      const opened = await openStore(options, config);
      try {
        const now = Date.now();
        const signals = await opened.store.history(symbol, timeframe, {
          since: options.since === undefined ? undefined : now - options.since,
          limit: options.limit ?? (options.json ? undefined : TABLE_LIMIT),
        });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(signals, null, 2)}\n`);
          return;
        }
        if (signals.length === 0) {
          console.log(
            `no ${timeframe} signals for ${symbol}${options.since ? " in that window" : ""} in ${opened.where}`,
          );
        } else {
          console.log(historyTable(signals, config.timezone));
          const alerts = signals.filter((s) => s.alert).length;
          console.log(`\n${signals.length} signals, ${alerts} alerts (${timeframe}) from ${opened.where}`);
        }
        const spend = await opened.store.spend(localDay(now, config.timezone));
        console.log(
          `LLM spend today (${spend.day}, ${config.timezone}): $${spend.costUsd.toFixed(4)} of $${config.analyst.dailyBudgetUsd.toFixed(2)} in ${spend.calls} calls`,
        );
      } finally {
        await opened.close();
      }
    });
}

import { relative } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoStore } from "../functions/adapters/dynamo-store";
import { approximateQueueDepth } from "../functions/adapters/queue-depth";
import { hasTelegramToken } from "../functions/adapters/telegram-env";
import type { Config } from "../functions/core/config";
import { lostCloses } from "../functions/core/dead-letters";
import { plural } from "../functions/core/plural";
import type { Signal, SignalKey } from "../functions/core/signal";
import { timeframeMs } from "../functions/core/timeframes";
import { optionalEnv } from "../functions/runtime/env";
import { OPENAI_KEY } from "../functions/runtime/secrets";
import type { LocalPipeline } from "./runtime";

export interface RunSummary {
  symbols: Array<{
    symbol: string;
    signals: number;
    byAction: Record<string, number>;
    byAnalyst: Record<string, number>;
    alerts: number;
    providers: string[];
  }>;
  signals: number;
  alerts: number;
  notified: number;
  /** LLM calls answered: stored LLM signals with tokens. */
  llmCalls: number;
  /**
   * Closes the LLM API failed (an ABSTAIN with the API's `error`: unavailable, quota, auth), by error,
   * most first. Read from the stored signals, one per close, so redeliveries do not count twice.
   */
  llmFailures: Array<{ error: string; closes: number }>;
  /** What the LLM calls cost, from the daily spend ledger the budget keeps. */
  llmCostUsd: number;
  /** Budget days with LLM calls: a replay's are its candles' days. */
  spendDays: number;
  /** The sum of costUsd over the stored signals; less than llmCostUsd when a call was billed twice. */
  signalsCostUsd: number;
  dlqDepth: number;
  /** Closes the run queued that ended with no stored signal. */
  lost: SignalKey[];
}

const count = (values: string[]) =>
  values.reduce<Record<string, number>>((counts, value) => {
    counts[value] = (counts[value] ?? 0) + 1;
    return counts;
  }, {});

/** What the run stored, read back from the table through the same store the CLI uses. */
export async function summarise(
  pipeline: Pick<LocalPipeline, "tableName" | "dlqUrl" | "totals">,
  config: Config,
): Promise<RunSummary> {
  // It reads the whole run back, and reads are safe to repeat: more attempts than a handler's three,
  // so a throttled table slows the summary down instead of ending the run without one.
  const store = new DynamoStore(
    pipeline.tableName,
    DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 10 }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );
  const perSymbol: RunSummary["symbols"] = [];
  const all: Signal[] = [];
  for (const { symbol } of config.watchlist) {
    const signals = await store.history(symbol, config.timeframe);
    all.push(...signals);
    perSymbol.push({
      symbol,
      signals: signals.length,
      byAction: count(signals.map((s) => s.action)),
      byAnalyst: count(signals.map((s) => s.analyst)),
      alerts: signals.filter((s) => s.alert).length,
      providers: [...new Set(signals.map((s) => s.provider))],
    });
  }
  const dlqDepth = await approximateQueueDepth(pipeline.dlqUrl);
  const spend = await store.spendByDay();
  const llm = all.filter((s) => s.analyst === "llm");
  return {
    symbols: perSymbol,
    signals: all.length,
    alerts: all.filter((s) => s.alert).length,
    notified: all.filter((s) => s.notifiedAt).length,
    llmCalls: llm.filter((s) => s.tokens).length,
    llmFailures: Object.entries(
      count(llm.flatMap((s) => (s.action === "ABSTAIN" && s.error ? [s.error] : []))),
    )
      .map(([error, closes]) => ({ error, closes }))
      .sort((a, b) => b.closes - a.closes),
    llmCostUsd: spend.reduce((sum, day) => sum + day.costUsd, 0),
    spendDays: spend.filter((day) => day.calls > 0).length,
    signalsCostUsd: llm.reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
    dlqDepth,
    lost: lostCloses(
      [
        ...pipeline.totals.queuedCloses,
        // A tick whose fetcher failed queued nothing: each symbol's close of it is owed a signal
        // (a later tick's catch-up queues it; the run's last tick has none after it).
        ...pipeline.totals.failedTicks.flatMap(({ scheduledTime }) =>
          config.watchlist.map(({ symbol }) => ({
            symbol,
            candleTime: new Date(Date.parse(scheduledTime) - timeframeMs(config.timeframe)).toISOString(),
          })),
        ),
      ].map((close) => ({ ...close, timeframe: config.timeframe })),
      all,
    ),
  };
}

/** Half a millionth of a dollar: below it, the ledger and the signals agree up to rounding. */
const COST_TOLERANCE_USD = 5e-7;

const billedBeyondSignals = (summary: RunSummary) =>
  summary.llmCostUsd - summary.signalsCostUsd > COST_TOLERANCE_USD
    ? ` (only $${summary.signalsCostUsd.toFixed(4)} of it on stored signals: a call was billed twice)`
    : "";
const shortPath = (path: string) => {
  const near = relative(process.cwd(), path);
  return near && !near.startsWith("..") ? near : path;
};

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([name, n]) => `${n} ${name}`)
    .join(", ");

/** ", 12 failed (LLM endpoint http://127.0.0.1:9/v1 unreachable (ECONNREFUSED))", or nothing. */
function describeFailures(failures: RunSummary["llmFailures"]): string {
  const [most, ...others] = failures;
  if (!most) return "";
  const failed = failures.reduce((sum, failure) => sum + failure.closes, 0);
  const rest = others.length > 0 ? `; ${plural(others.length, "other error")}, see history` : "";
  return `, ${failed} failed (${most.error}${rest})`;
}

export async function printSummary(run: {
  pipeline: LocalPipeline;
  runConfig: Config;
  seconds: number;
  ticks: number;
  /** What `history` must be told to find this run: a timeframe or data dir other than its defaults. */
  historyOptions?: { timeframe?: string; dataDir?: string };
  log: (line: string) => void;
}): Promise<RunSummary> {
  const { pipeline, runConfig: config, log } = run;
  const summary = await summarise(pipeline, config);
  const destination = hasTelegramToken() ? "sent to Telegram" : "printed above";
  const analyst = optionalEnv(OPENAI_KEY.envVar)
    ? `${plural(summary.llmCalls, "LLM call")} answered by ${config.analyst.model}${describeFailures(summary.llmFailures)}, $${summary.llmCostUsd.toFixed(4)}${billedBeyondSignals(summary)} over ${plural(summary.spendDays, "budget day")} (${config.timezone}; a replay spends on its candles' days)`
    : "no LLM calls: the rules analyst decided (set OPENAI_API_KEY to ask GPT)";
  const { totals } = pipeline;
  log("");
  log(`Done: ${plural(run.ticks, "candle close")} in ${run.seconds.toFixed(1)} s.`);
  log(`Signals stored: ${summary.signals}`);
  for (const row of summary.symbols) {
    log(
      `  ${row.symbol.padEnd(9)} ${plural(row.signals, "signal").padStart(12)}: ${describeCounts(row.byAction)}; by ${describeCounts(row.byAnalyst)}; ${plural(row.alerts, "alert")}; provider ${row.providers.join(", ")}`,
    );
  }
  log(
    summary.alerts === 0
      ? "Alerts: none"
      : `Alerts: ${summary.alerts}, ${summary.notified} delivered (${destination})`,
  );
  log(`Analyst: ${analyst}`);
  log(
    `Queue: ${totals.messagesReceived} deliveries, ${totals.messageFailures} failed, DLQ depth ${summary.dlqDepth}; stream: ${totals.streamRecords} records, ${totals.notifierInvocations} notifier invocations`,
  );
  if (summary.lost.length > 0) {
    log(`Lost: ${summary.lost.length} candle closes ended with no signal (npm run signals -- dlq list):`);
    for (const close of summary.lost) log(`  ${close.symbol.padEnd(9)} ${close.candleTime}`);
  }
  if (totals.sweptAlerts > 0)
    log(
      `Outbox sweep: ${totals.sweptAlerts} stored alerts delivered after their stream record was not (an interrupted earlier run, or a failed send)`,
    );
  for (const failed of totals.failedTicks)
    log(`Failed tick ${failed.scheduledTime}: the fetcher failed every attempt (${failed.error})`);
  if (totals.failedSweeps.length > 0)
    log(
      `Outbox sweeps failed: ${totals.failedSweeps.length} (the next sweep delivers what they would have; last: ${totals.failedSweeps.at(-1)?.error})`,
    );
  if (totals.discardedStreamRecords.length > 0) {
    log(`Undelivered alerts (on AWS: the notifier's failure queue): ${totals.discardedStreamRecords.length}`);
  }
  log(`Data: ${pipeline.dataDir} (dynalite, table ${pipeline.tableName}). Query it:`);
  const first = config.watchlist[0]?.symbol ?? "BTC-USD";
  const timeframe = run.historyOptions?.timeframe ? ` --timeframe ${run.historyOptions.timeframe}` : "";
  const dataDir = run.historyOptions?.dataDir ? ` --data-dir ${run.historyOptions.dataDir}` : "";
  log(`  npm run history -- ${first}${timeframe}${dataDir}`);
  log(`  npm run -s history -- ${first}${timeframe}${dataDir} --json`);
  log(
    `  npm run history -- ${first}${timeframe} --data-dir ${shortPath(pipeline.dataDir)}   (after other runs)`,
  );
  return summary;
}

import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { LiveProvider } from "../../functions/adapters/prices/chain";
import { formatReplayCsv } from "../../functions/adapters/prices/replay-csv";
import type { Config } from "../../functions/core/config";
import { fetchThroughChain, noProviderServed } from "../../functions/core/fetch-tick";
import type { PriceSource } from "../../functions/core/ports";
import { ProviderName, timeframePlan } from "../../functions/core/providers";
import { isoTime } from "../../functions/core/signal";
import { chainFor, providerSymbol, resolveSymbol } from "../../functions/core/symbols";
import { TIMEFRAMES, Timeframe, timeframeMs } from "../../functions/core/timeframes";
import { priceSourcesFromEnv } from "../../functions/fetcher/wiring";
import { loadConfig } from "../../functions/runtime/config";

export interface CandlesOptions {
  timeframe: string;
  days: string;
  provider?: string;
  out?: string;
}

export interface CandlesDeps {
  sources: Record<LiveProvider, PriceSource>;
  providers: Config["providers"];
  now: number;
  /** Where the CSV goes when there is no --out. */
  stdout: (text: string) => void;
  /** Progress and notes, kept off stdout so the CSV can be piped. */
  stderr: (text: string) => void;
}

const MAX_DAYS = 3650;

/** Fetches closed candles and writes them in the replay format; any bad input throws a clear Error. */
export async function runCandles(
  symbolArg: string,
  options: CandlesOptions,
  deps: CandlesDeps,
): Promise<void> {
  const symbol = resolveSymbol(symbolArg);
  const timeframe = Timeframe.safeParse(options.timeframe).data;
  if (!timeframe)
    throw new Error(`--timeframe "${options.timeframe}" is not one of ${TIMEFRAMES.join(", ")}`);
  const days = Number(options.days);
  if (!Number.isFinite(days) || days <= 0 || days > MAX_DAYS)
    throw new Error(`--days "${options.days}" is not a number of days between 0 and ${MAX_DAYS}`);
  const limit = Math.floor((days * 86_400_000) / timeframeMs(timeframe));
  if (limit < 1) throw new Error(`--days ${options.days} is shorter than one ${timeframe} candle`);

  let chain: LiveProvider[];
  if (options.provider !== undefined) {
    const provider = ProviderName.exclude(["replay"]).safeParse(options.provider).data;
    if (!provider)
      throw new Error(
        `--provider "${options.provider}" is not one of ${Object.keys(deps.sources).join(", ")}`,
      );
    if (!providerSymbol(symbol, provider)) throw new Error(`${provider} does not list ${symbol}`);
    chain = [provider];
  } else {
    chain = chainFor({ symbol }, deps.providers).filter((p): p is LiveProvider => p !== "replay");
  }
  const refusals = chain
    .map((provider) => timeframePlan(provider, timeframe))
    .filter((p) => typeof p === "string");
  if (refusals.length === chain.length) throw new Error(refusals[0] ?? `no provider in ${symbol}'s chain`);

  const { series, attempts } = await fetchThroughChain(
    chain.map((provider) => deps.sources[provider]),
    { symbol, timeframe, limit, now: deps.now },
  );
  if (!series)
    throw new Error(
      noProviderServed(symbol, timeframe, attempts, "--provider, or the providers in signals.config.ts"),
    );
  for (const attempt of attempts) deps.stderr(`${attempt.provider} ${attempt.outcome}: ${attempt.reason}\n`);

  const first = series.candles[0];
  const last = series.candles.at(-1);
  deps.stderr(
    `${symbol} ${timeframe}: ${series.candles.length} closed candles from ${series.provider}` +
      `${first && last ? `, ${isoTime(first.time)} to ${isoTime(last.time)}` : ""}, ${series.gaps} gaps` +
      `${series.candles.length + series.gaps < limit ? ` (the provider served less than the ${days} days asked for)` : ""}\n`,
  );
  const csv = formatReplayCsv(symbol, series.candles);
  if (options.out) {
    await writeFile(options.out, csv);
    deps.stderr(`wrote ${options.out}; replay it with: npm start -- --replay ${options.out}\n`);
  } else {
    deps.stdout(csv);
  }
}

export function registerCandlesCommand(program: Command): void {
  program
    .command("candles")
    .description("fetch closed candles from the providers and write them in the replay CSV format")
    .argument("<symbol>", "canonical symbol, e.g. BTC-USD or AAPL")
    .option("--timeframe <timeframe>", `candle length: ${TIMEFRAMES.join(", ")}`, "1h")
    .option("--days <days>", "how many days back from now", "30")
    .option("--provider <provider>", "ask only this provider (default: the symbol's chain from the config)")
    .option("--out <file>", "write the CSV to this file instead of stdout")
    .action(async (symbol: string, options: CandlesOptions) => {
      const config = loadConfig();
      await runCandles(symbol, options, {
        sources: priceSourcesFromEnv(config),
        providers: config.providers,
        now: Date.now(),
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
      });
    });
}

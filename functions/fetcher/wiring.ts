import { DynamoStore } from "../adapters/dynamo-store";
import { createPriceSources, PRICE_API_URL_ENV, sourceChains } from "../adapters/prices/chain";
import { SqsAnalysisQueue } from "../adapters/sqs-queue";
import type { Config } from "../core/config";
import type { PriceSource } from "../core/ports";
import { systemClock } from "../core/ports";
import { loadConfig } from "../runtime/config";
import { optionalEnv, requireEnv } from "../runtime/env";
import { ENV_NAMES } from "../shared/resource-definitions";
import type { FetcherDeps } from "./handler";

/** The live providers, with base URLs from COINBASE_API_URL, KRAKEN_API_URL, BINANCE_API_URL, YAHOO_API_URL. */
export function priceSourcesFromEnv(config: Config) {
  return createPriceSources(
    {
      coinbase: optionalEnv(PRICE_API_URL_ENV.coinbase),
      kraken: optionalEnv(PRICE_API_URL_ENV.kraken),
      binance: optionalEnv(PRICE_API_URL_ENV.binance),
      yahoo: optionalEnv(PRICE_API_URL_ENV.yahoo),
    },
    { timeoutMs: config.providers.requestTimeoutMs },
  );
}

/** The provider chain of each watched symbol over the live providers. */
export const liveSourceChains = (config: Config): ((symbol: string) => PriceSource[]) =>
  sourceChains(config, priceSourcesFromEnv(config));

/**
 * Real adapters from env and config; anything in `overrides` is used as given (the local runtime
 * passes replay `sources`), and what it replaces is never built, so its env is not required.
 */
export function fetcherDepsFromEnv(
  config: Config = loadConfig(),
  overrides: Partial<FetcherDeps> = {},
): FetcherDeps {
  return {
    config: overrides.config ?? config,
    clock: overrides.clock ?? systemClock,
    sources: overrides.sources ?? liveSourceChains(overrides.config ?? config),
    queue: overrides.queue ?? new SqsAnalysisQueue(requireEnv(ENV_NAMES.queueUrl)),
    latest: overrides.latest ?? new DynamoStore(requireEnv(ENV_NAMES.tableName)),
  };
}

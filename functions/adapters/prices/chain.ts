import type { Config } from "../../core/config";
import type { PriceSource } from "../../core/ports";
import type { ProviderName } from "../../core/providers";
import { chainFor } from "../../core/symbols";
import { binanceSource } from "./binance";
import { coinbaseSource } from "./coinbase";
import type { HttpDeps } from "./http";
import { krakenSource } from "./kraken";
import { yahooSource } from "./yahoo";

export type LiveProvider = Exclude<ProviderName, "replay">;
export type PriceSources = Partial<Record<ProviderName, PriceSource>>;

/** Base URL overrides, for tests and users behind a proxy; unset means the provider's public API. */
export interface PriceApiUrls {
  coinbase?: string;
  kraken?: string;
  binance?: string;
  yahoo?: string;
}

/** The env variable that overrides each provider's base URL. */
export const PRICE_API_URL_ENV: Record<LiveProvider, string> = {
  coinbase: "COINBASE_API_URL",
  kraken: "KRAKEN_API_URL",
  binance: "BINANCE_API_URL",
  yahoo: "YAHOO_API_URL",
};

/** One live source per provider; each holds its own rate gate, so build them once per container. */
export function createPriceSources(
  urls: PriceApiUrls,
  options: HttpDeps & { timeoutMs: number },
): Record<LiveProvider, PriceSource> {
  return {
    coinbase: coinbaseSource({ ...options, baseUrl: urls.coinbase }),
    kraken: krakenSource({ ...options, baseUrl: urls.kraken }),
    binance: binanceSource({ ...options, baseUrls: urls.binance ? [urls.binance] : undefined }),
    yahoo: yahooSource({ ...options, baseUrl: urls.yahoo }),
  };
}

/**
 * The chain of sources for a symbol: its watchlist entry's providers, else the default chain of its
 * asset class (providers.crypto / providers.equity) among those that list it.
 */
export function sourceChains(config: Pick<Config, "watchlist" | "providers">, sources: PriceSources) {
  const items = new Map(config.watchlist.map((item) => [item.symbol, item]));
  return (symbol: string): PriceSource[] =>
    chainFor(items.get(symbol) ?? { symbol }, config.providers).flatMap((name) => {
      const source = sources[name];
      return source ? [source] : [];
    });
}

import { z } from "zod";

/** Market-data providers, each an adapter behind the PriceSource port. */
export const PROVIDER_NAMES = ["coinbase", "kraken", "binance", "yahoo", "replay"] as const;
export const ProviderName = z.enum(PROVIDER_NAMES);
export type ProviderName = z.infer<typeof ProviderName>;

import type { ProviderName } from "./providers";

export type AssetClass = "crypto" | "equity";

export interface SymbolEntry {
  symbol: string;
  assetClass: AssetClass;
  /** Each provider's own name for the symbol; a provider that does not list it cannot serve it. */
  names: Partial<Record<ProviderName, string>>;
}

const crypto = (symbol: string, kraken: string, binance: string): SymbolEntry => ({
  symbol,
  assetClass: "crypto",
  names: { coinbase: symbol, kraken, binance },
});
const equity = (symbol: string): SymbolEntry => ({ symbol, assetClass: "equity", names: { yahoo: symbol } });

/** Canonical symbols and the names each provider knows them by. Binance quotes USD pairs in USDT. */
export const SYMBOLS: readonly SymbolEntry[] = [
  crypto("BTC-USD", "XBTUSD", "BTCUSDT"),
  crypto("ETH-USD", "ETHUSD", "ETHUSDT"),
  crypto("SOL-USD", "SOLUSD", "SOLUSDT"),
  equity("AAPL"),
  equity("MSFT"),
  equity("SPY"),
];

const bySymbol = new Map(SYMBOLS.map((entry) => [entry.symbol, entry]));

export const isKnownSymbol = (symbol: string): boolean => bySymbol.has(symbol);
export const symbolEntry = (symbol: string): SymbolEntry | undefined => bySymbol.get(symbol);

/** Known symbols that look like `symbol` (same base asset, or a provider name that matches). */
export function similarSymbols(symbol: string): string[] {
  const wanted = symbol.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return SYMBOLS.filter((entry) => {
    const names = [entry.symbol, ...Object.values(entry.names)].map((n) =>
      n.toUpperCase().replace(/[^A-Z0-9]/g, ""),
    );
    return names.some((name) => name.includes(wanted) || wanted.includes(name.slice(0, 3)));
  })
    .map((entry) => entry.symbol)
    .slice(0, 5);
}

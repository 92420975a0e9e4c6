import type { ProviderName } from "./providers";

export type AssetClass = "crypto" | "equity";

export interface SymbolEntry {
  symbol: string;
  assetClass: AssetClass;
  /** Each provider's own name for the symbol; a provider that does not list it cannot serve it. */
  names: Partial<Record<ProviderName, string>>;
}

/**
 * Crypto bases quoted in USD, as `BASE` or `BASE:KRAKENBASE`, with `!kraken` / `!binance` when that
 * exchange does not list the pair. Coinbase names it `BASE-USD`, Kraken `BASEUSD` (answering under its
 * own key, XBTUSD as XXBTZUSD), Binance `BASEUSDT` (Binance quotes dollars in USDT).
 */
const CRYPTO = `
  BTC:XBT ETH SOL XRP DOGE:XDG ADA AVAX LINK DOT LTC BCH XLM UNI AAVE ATOM ETC FIL ALGO NEAR ICP
  APT ARB OP POL SHIB HBAR SUI SEI INJ TIA RENDER GRT SNX CRV COMP LDO SAND MANA AXS APE
  CHZ XTZ ZEC DASH BAT ENS IMX QNT STX FET 1INCH SUSHI YFI BAL UMA KSM FLOW EGLD MINA ANKR
  STORJ SKL LRC ZRX BNT CVX JASMY GALA BLUR ONDO JTO PYTH WIF BONK SUPER AUDIO API3 GLM KNC BAND
  NMR OGN REQ LPT MASK COTI PEPE FLR!binance TRB ACH KAVA RLC ARPA CTSI POWR AXL STRK
  AERO!binance EIGEN ETHFI`;

/** US equities and ETFs, served by Yahoo Finance under the same ticker. */
const EQUITIES = `
  AAPL MSFT NVDA AMZN GOOGL GOOG META TSLA BRK-B AVGO JPM LLY V UNH XOM MA JNJ PG HD COST ABBV MRK
  ORCL CVX BAC KO PEP ADBE CRM NFLX AMD WMT TMO ACN MCD CSCO ABT LIN DHR INTC DIS WFC TXN VZ PM
  CMCSA NEE AMGN IBM QCOM HON UNP CAT GS RTX INTU SPGI LOW BA AMAT ISRG MS BLK GE NKE SBUX PLD T
  DE MDT BKNG ELV GILD ADP LMT SYK C MDLZ CB MMC ADI REGN VRTX PFE SCHW TJX PANW UBER MU
  NOW ETN ABNB MO CI SHW SNPS SPY QQQ IWM DIA`;

const words = (text: string) => text.trim().split(/\s+/);

function cryptoEntry(word: string): SymbolEntry {
  const [spec = "", ...missing] = word.split("!");
  const [base = "", krakenBase = base] = spec.split(":");
  const names: SymbolEntry["names"] = { coinbase: `${base}-USD` };
  if (!missing.includes("kraken")) names.kraken = `${krakenBase}USD`;
  if (!missing.includes("binance")) names.binance = `${base}USDT`;
  return { symbol: `${base}-USD`, assetClass: "crypto", names };
}

/** Canonical symbols and the names each provider knows them by. */
export const SYMBOLS: readonly SymbolEntry[] = [
  ...words(CRYPTO).map(cryptoEntry),
  ...words(EQUITIES).map(
    (ticker): SymbolEntry => ({
      symbol: ticker,
      assetClass: "equity",
      names: { yahoo: ticker },
    }),
  ),
];

const bySymbol = new Map(SYMBOLS.map((entry) => [entry.symbol, entry]));

export const isKnownSymbol = (symbol: string): boolean => bySymbol.has(symbol);
export const symbolEntry = (symbol: string): SymbolEntry | undefined => bySymbol.get(symbol);

/** The provider's own name for `symbol`; the replay source uses canonical names. */
export function providerSymbol(symbol: string, provider: ProviderName): string | undefined {
  if (provider === "replay") return symbol;
  return bySymbol.get(symbol)?.names[provider];
}

/** Crypto trades around the clock, so a missing interval is a gap; equities pause outside sessions. */
export const tradesContinuously = (symbol: string): boolean => symbolEntry(symbol)?.assetClass !== "equity";

/**
 * The provider chain of a watched symbol: its own list when set, else the default chain of its
 * asset class without the providers that do not list it.
 */
export function chainFor(
  item: { symbol: string; providers?: readonly ProviderName[] },
  defaults: Record<AssetClass, readonly ProviderName[]>,
): ProviderName[] {
  if (item.providers) return [...item.providers];
  const entry = symbolEntry(item.symbol);
  if (!entry) return [];
  return defaults[entry.assetClass].filter((provider) => providerSymbol(item.symbol, provider));
}

const normalise = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, "");
/** The base asset of a pair name: BTC-USD, XBTUSD and BTCUSDT all give BTC or XBT. */
const baseOf = (name: string) => normalise(name).replace(/(USDT|USDC|ZUSD|USD)$/, "") || normalise(name);

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Known symbols whose canonical or provider names look like `symbol` (same base first, then one typo off). */
export function similarSymbols(symbol: string): string[] {
  const wanted = baseOf(symbol);
  if (!wanted) return [];
  const distance = (entry: SymbolEntry) =>
    Math.min(
      ...[entry.symbol, ...Object.values(entry.names)].map((name) => editDistance(baseOf(name), wanted)),
    );
  return SYMBOLS.map((entry) => ({ symbol: entry.symbol, distance: distance(entry) }))
    .filter(({ distance }) => distance === 0 || (wanted.length >= 3 && distance <= 1))
    .sort((a, b) => a.distance - b.distance)
    .map((match) => match.symbol)
    .slice(0, 5);
}

/** `BTC-USD (coinbase BTC-USD, kraken XBTUSD, binance BTCUSDT)`: who knows a symbol, by which name. */
export function describeProviderNames(symbol: string): string {
  const names = Object.entries(symbolEntry(symbol)?.names ?? {}).map(([p, name]) => `${p} ${name}`);
  return `${symbol} (${names.join(", ")})`;
}

/** The error for a symbol nobody lists, naming the providers that know similar names. */
export function unknownSymbolMessage(symbol: string): string {
  const near = similarSymbols(symbol).map(describeProviderNames);
  return near.length
    ? `unknown symbol; providers know similar names: ${near.join("; ")}`
    : "unknown symbol, and no provider knows a similar name (see functions/core/symbols.ts)";
}

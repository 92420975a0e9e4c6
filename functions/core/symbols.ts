import { editDistance } from "./closest-name";
import type { ProviderName } from "./providers";
import { quoteInput } from "./validation";

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

/** Canonical names of the registry: what resolveSymbol accepts unless told otherwise. */
export const KNOWN_SYMBOLS: readonly string[] = SYMBOLS.map((entry) => entry.symbol);

/** Longer input is no symbol (the longest known is 10 characters) and is never compared letter by letter. */
const MAX_SYMBOL_INPUT = 32;
/** Characters compared when looking for similar names; edit distance is quadratic in them. */
const MAX_COMPARED = 16;
const MAX_SUGGESTIONS = 3;

/** Re-exported where symbol errors are built, for the readers that quote their own cells. */
export { quoteInput };

/** What a user typed that names no known symbol, with up to three known names that look like it. */
export class SymbolError extends Error {
  constructor(
    readonly input: string,
    readonly similar: readonly string[],
    examples: readonly string[] = [],
  ) {
    const hint = similar.length > 0 ? `similar: ${similar.join(", ")}` : "no known symbol is similar";
    super(
      `unknown symbol ${quoteInput(input)}; ${hint}${similar.length === 0 && examples.length > 0 ? ` (e.g. ${examples.join(", ")})` : ""}`,
    );
    this.name = "SymbolError";
  }
}

/** Letters and digits only, upper case: BTC/usd, btc-usd and BTCUSD all give BTCUSD. */
const keyOf = (text: string) => text.toUpperCase().replace(/[^A-Z0-9]/g, "");

/** Canonical symbol by key; a bare crypto base (BTC) stands for its USD pair. */
function buildIndex(known: readonly string[]): Map<string, string> {
  const byKey = new Map(known.map((symbol) => [keyOf(symbol), symbol]));
  for (const symbol of known) {
    const base = /^([A-Z0-9]+)-USD$/.exec(symbol)?.[1];
    // A ticker keeps its own name: CVX is Chevron, CVX-USD is Convex.
    if (base && !byKey.has(base)) byKey.set(base, symbol);
  }
  return byKey;
}

const indexes = new WeakMap<readonly string[], Map<string, string>>();
function indexFor(known: readonly string[]): Map<string, string> {
  const cached = indexes.get(known);
  if (cached) return cached;
  const index = buildIndex(known);
  indexes.set(known, index);
  return index;
}

/**
 * The canonical symbol for what a user typed: `btc`, `btc-usd`, `BTCUSD`, `BTC/USD` and ` BTC-usd `
 * all give `BTC-USD`, `aapl` gives `AAPL`. Anything else throws a SymbolError suggesting similar names.
 */
export function resolveSymbol(input: string, known: readonly string[] = KNOWN_SYMBOLS): string {
  const text = input.trim();
  const symbol = text.length <= MAX_SYMBOL_INPUT ? indexFor(known).get(keyOf(text)) : undefined;
  if (symbol) return symbol;
  throw new SymbolError(input, similarSymbols(text, known), known.slice(0, 2));
}

/** The base asset of a pair name: BTC-USD, XBTUSD and BTCUSDT all give BTC or XBT. */
const baseOf = (name: string) => keyOf(name).replace(/(USDT|USDC|USD)$/, "") || keyOf(name);

const bases = new Map<string, string[]>();
/** The bases a known symbol goes by: its own and each provider's (XBT for BTC-USD at Kraken). */
function basesOf(symbol: string): string[] {
  let found = bases.get(symbol);
  if (!found) {
    found = [...new Set([symbol, ...Object.values(symbolEntry(symbol)?.names ?? {})].map(baseOf))];
    bases.set(symbol, found);
  }
  return found;
}

/**
 * Up to three known symbols that look like `input`: those with the same base (XBTUSD, BTCUSDT and
 * DOGE-XYZ name BTC and DOGE), else those one typo off (APPL). Only the first characters are
 * compared, so any input length costs the same.
 */
export function similarSymbols(input: string, known: readonly string[] = KNOWN_SYMBOLS): string[] {
  const head = input.trim().slice(0, 4 * MAX_COMPARED);
  const firstWord = head.split(/[^A-Za-z0-9]+/).find(Boolean) ?? "";
  const wanted = [...new Set([baseOf(head), keyOf(firstWord)])]
    .map((word) => word.slice(0, MAX_COMPARED))
    .filter(Boolean);
  const distance = (symbol: string, words: string[]) =>
    Math.min(...basesOf(symbol).flatMap((base) => words.map((word) => editDistance(base, word))));
  const sameBase = known.filter((symbol) => distance(symbol, wanted) === 0);
  // A typo in a two-letter name would match half the registry.
  const typoWords = wanted.filter((word) => word.length >= 3);
  const oneTypo = () => known.filter((symbol) => distance(symbol, typoWords) === 1);
  return (sameBase.length > 0 ? sameBase : oneTypo()).slice(0, MAX_SUGGESTIONS);
}

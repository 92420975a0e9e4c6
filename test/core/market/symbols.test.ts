import { describe, expect, it } from "vitest";
import { AnalysisRequestSchema } from "../../../functions/core/analysis-request";
import { timeframePlan } from "../../../functions/core/providers";
import {
  chainFor,
  providerSymbol,
  resolveSymbol,
  SYMBOLS,
  SymbolError,
  similarSymbols,
  tradesContinuously,
} from "../../../functions/core/symbols";
import { parseDuration } from "../../../functions/core/timeframes";

const defaults = { crypto: ["coinbase", "kraken", "binance"], equity: ["yahoo"] } as const;

describe("symbol registry", () => {
  it("holds 200 distinct canonical symbols that an AnalysisRequest accepts", () => {
    expect(SYMBOLS).toHaveLength(200);
    expect(new Set(SYMBOLS.map((s) => s.symbol)).size).toBe(200);
    const symbolField = AnalysisRequestSchema.shape.symbol;
    for (const { symbol } of SYMBOLS) expect(symbolField.safeParse(symbol).success, symbol).toBe(true);
  });

  it("maps canonical symbols to each provider's own name", () => {
    expect(providerSymbol("BTC-USD", "coinbase")).toBe("BTC-USD");
    expect(providerSymbol("BTC-USD", "kraken")).toBe("XBTUSD");
    expect(providerSymbol("BTC-USD", "binance")).toBe("BTCUSDT");
    expect(providerSymbol("DOGE-USD", "kraken")).toBe("XDGUSD");
    expect(providerSymbol("AAPL", "yahoo")).toBe("AAPL");
    expect(providerSymbol("AAPL", "coinbase")).toBeUndefined();
    expect(providerSymbol("FLR-USD", "binance")).toBeUndefined();
    expect(providerSymbol("ANYTHING", "replay")).toBe("ANYTHING");
  });

  it("finds known symbols by other providers' names and near misses", () => {
    expect(similarSymbols("XBTUSD")[0]).toBe("BTC-USD");
    expect(similarSymbols("BTCUSDT")[0]).toBe("BTC-USD");
    expect(similarSymbols("eth/usd")[0]).toBe("ETH-USD");
    expect(similarSymbols("APPL")).toEqual(["AAPL"]);
    expect(similarSymbols("DOGE-XYZ")).toEqual(["DOGE-USD"]);
    expect(similarSymbols("ZZZZZZZZ")).toEqual([]);
  });

  it("builds a chain from the asset class default, leaving out providers that do not list the symbol", () => {
    expect(chainFor({ symbol: "BTC-USD" }, defaults)).toEqual(["coinbase", "kraken", "binance"]);
    expect(chainFor({ symbol: "FLR-USD" }, defaults)).toEqual(["coinbase", "kraken"]);
    expect(chainFor({ symbol: "AAPL" }, defaults)).toEqual(["yahoo"]);
    expect(chainFor({ symbol: "BTC-USD", providers: ["binance", "kraken"] }, defaults)).toEqual([
      "binance",
      "kraken",
    ]);
    expect(tradesContinuously("BTC-USD")).toBe(true);
    expect(tradesContinuously("AAPL")).toBe(false);
  });
});

const refusal = (input: string, known?: readonly string[]): SymbolError => {
  try {
    resolveSymbol(input, known);
  } catch (error) {
    if (error instanceof SymbolError) return error;
    throw error;
  }
  throw new Error(`expected ${input} to be refused`);
};

describe("resolveSymbol", () => {
  it.each([
    ["btc", "BTC-USD"],
    ["btc-usd", "BTC-USD"],
    ["BTCUSD", "BTC-USD"],
    ["BTC/USD", "BTC-USD"],
    [" BTC-usd ", "BTC-USD"],
    ["eth_usd", "ETH-USD"],
    ["1inch", "1INCH-USD"],
    ["aapl", "AAPL"],
    ["brk.b", "BRK-B"],
    // A ticker keeps its own name: CVX is Chevron; Convex is CVX-USD.
    ["cvx", "CVX"],
    ["CVX-USD", "CVX-USD"],
  ])("reads %j as %s", (input, symbol) => {
    expect(resolveSymbol(input)).toBe(symbol);
  });

  it("refuses an unknown name, quoting it and suggesting up to three similar known ones", () => {
    expect(refusal("XBTUSD").message).toBe('unknown symbol "XBTUSD"; similar: BTC-USD');
    expect(refusal("BTCUSDT").similar).toEqual(["BTC-USD"]);
    expect(refusal("BTCX").message).toBe('unknown symbol "BTCX"; similar: BTC-USD');
    expect(refusal("NOPE-XYZ").message).toBe(
      'unknown symbol "NOPE-XYZ"; no known symbol is similar (e.g. BTC-USD, ETH-USD)',
    );
    expect(refusal("").message).toMatch(/^unknown symbol ""; /);
    // BTC, ETC, LTC and XTZ are all one letter off; three are named.
    expect(refusal("XTC").similar).toEqual(["BTC-USD", "LTC-USD", "ETC-USD"]);
  });

  it("cuts a long input to 40 characters in the message and stays fast at any length", () => {
    const huge = `BTC${"x".repeat(100_000)}`;
    const error = refusal(huge);
    expect(error.message).toBe(
      `unknown symbol "BTC${"x".repeat(37)}…"; no known symbol is similar (e.g. BTC-USD, ETH-USD)`,
    );
    expect(error.message.length).toBeLessThan(120);
    expect(refusal(`${"BTC-USD ".repeat(20_000)}`).message.length).toBeLessThan(120);
  });

  it("resolves against the names it is given", () => {
    const inReplay = ["BTC-USD", "ETH-USD"];
    expect(resolveSymbol("eth", inReplay)).toBe("ETH-USD");
    expect(refusal("SOL-USD", ["ETH-USD", "AAPL"]).message).toBe(
      'unknown symbol "SOL-USD"; no known symbol is similar (e.g. ETH-USD, AAPL)',
    );
  });
});

describe("durations", () => {
  it("reads 30m, 12h, 7d and 2w, and quotes at most 40 characters of anything else", () => {
    expect(parseDuration("90min")).toBe(90 * 60_000);
    expect(parseDuration("2w")).toBe(14 * 86_400_000);
    expect(() => parseDuration(`soon${"!".repeat(5_000)}`)).toThrow(
      `duration "soon${"!".repeat(36)}…" is not like 30m, 12h, 7d or 2w`,
    );
  });
});

describe("timeframe plans", () => {
  it("serves native timeframes as they are and builds the others from the largest divisor", () => {
    expect(timeframePlan("coinbase", "1h")).toEqual({ source: "1h", factor: 1 });
    expect(timeframePlan("coinbase", "4h")).toEqual({ source: "1h", factor: 4 });
    expect(timeframePlan("kraken", "4h")).toEqual({ source: "4h", factor: 1 });
  });

  it("names the provider when it refuses a timeframe", () => {
    expect(timeframePlan("yahoo", "4h")).toMatch(/^yahoo cannot serve 4h: /);
  });
});

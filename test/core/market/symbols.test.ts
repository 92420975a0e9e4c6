import { describe, expect, it } from "vitest";
import { AnalysisRequestSchema } from "../../../functions/core/analysis-request";
import { timeframePlan } from "../../../functions/core/providers";
import {
  chainFor,
  providerSymbol,
  SYMBOLS,
  similarSymbols,
  tradesContinuously,
} from "../../../functions/core/symbols";

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

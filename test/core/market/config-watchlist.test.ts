import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../functions/core/config";

const problems = (input: unknown): string => {
  try {
    parseConfig(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the config to be refused");
};

describe("config: watchlist against the providers", () => {
  it("accepts the default chains at every timeframe crypto providers serve or build", () => {
    for (const timeframe of ["1m", "5m", "15m", "1h", "4h", "1d"]) {
      expect(
        parseConfig({ watchlist: ["BTC-USD", "AAPL"].slice(0, timeframe === "4h" ? 1 : 2), timeframe }),
      ).toBeTruthy();
    }
    expect(parseConfig({}).providers).toMatchObject({
      crypto: ["coinbase", "kraken", "binance"],
      equity: ["yahoo"],
    });
  });

  it("refuses an unknown symbol, naming the entry and similar known symbols", () => {
    const message = problems({ watchlist: ["ETH-USD", "XBTUSD"] });
    expect(message).toBe(
      'invalid config: watchlist[1].symbol = "XBTUSD": unknown symbol "XBTUSD"; similar: BTC-USD',
    );
  });

  it.each([
    ["btc", "BTC-USD"],
    ["BTCUSD", "BTC-USD"],
    ["btc-usd", "BTC-USD"],
    ["aapl", "AAPL"],
  ])("refuses the non-canonical entry %j, naming the canonical form", (entry, canonical) => {
    expect(problems({ watchlist: ["ETH-USD", { symbol: entry }] })).toBe(
      `invalid config: watchlist[1].symbol = "${entry}": not canonical; use ${canonical}`,
    );
  });

  it("refuses a timeframe a provider in the chain can neither serve nor build, naming the provider", () => {
    const message = problems({ watchlist: ["BTC-USD", "MSFT"], timeframe: "4h" });
    expect(message).toMatch(/watchlist\[1\] = "MSFT": yahoo cannot serve 4h/);
    expect(message).not.toContain("watchlist[0]");
  });

  it("refuses a chain naming a provider that does not list the symbol", () => {
    const message = problems({ watchlist: [{ symbol: "AAPL", providers: ["yahoo", "coinbase"] }] });
    expect(message).toContain('watchlist[0] = "AAPL": coinbase does not list AAPL');
  });
});

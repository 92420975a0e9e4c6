import type { Candle } from "../functions/core/candles";
import { seededRandom } from "../functions/core/seeded-random";
import { lastClosedOpenTime, type Timeframe, timeframeMs } from "../functions/core/timeframes";

const seedOf = (text: string) =>
  [...text].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16_777_619), 2_166_136_261);

const START_PRICE: Record<string, number> = { "BTC-USD": 62_000, "ETH-USD": 3_100, "SOL-USD": 140 };

/**
 * The default replay: a synthetic but market-like series per symbol (trending and ranging regimes,
 * occasional shocks with volume spikes), ending with the last candle closed before `now`, so stored
 * signals carry recent times. Not real data: `--replay FILE` or `--live` give real prices.
 */
export function sampleSeries(symbol: string, timeframe: Timeframe, count: number, now: number): Candle[] {
  const random = seededRandom(seedOf(symbol));
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const step = timeframeMs(timeframe);
  const firstOpen = lastClosedOpenTime(timeframe, now) - (count - 1) * step;
  const volatility = 0.006 * Math.sqrt(step / 3_600_000);
  let price = START_PRICE[symbol] ?? 100;
  let drift = 0;
  let regimeLeft = 0;
  const candles: Candle[] = [];
  for (let index = 0; index < count; index += 1) {
    if (regimeLeft <= 0) {
      drift = (random() - 0.5) * 0.6 * volatility;
      regimeLeft = 30 + Math.floor(random() * 60);
    }
    regimeLeft -= 1;
    const shock = random() < 0.015 ? gaussian() * 5 : 0;
    const move = drift + volatility * (gaussian() + shock);
    const open = price;
    const close = Math.max(open * Math.exp(move), 0.01);
    const high = Math.max(open, close) * (1 + Math.abs(gaussian()) * volatility * 0.5);
    const low = Math.min(open, close) * (1 - Math.abs(gaussian()) * volatility * 0.5);
    const volume =
      (START_PRICE[symbol] ? 1_000_000 / (START_PRICE[symbol] ?? 1) : 1000) *
      Math.exp(0.4 * gaussian()) *
      (1 + Math.abs(shock) * 2);
    const round = (value: number) => Math.round(value * 100) / 100;
    candles.push({
      time: firstOpen + index * step,
      open: round(open),
      high: round(high),
      low: round(low),
      close: round(close),
      volume: Math.round(volume * 1000) / 1000,
    });
    price = close;
  }
  return candles;
}

import * as z from "zod";

/** One OHLCV candle. `time` is its open time in epoch milliseconds (UTC). */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Compact wire form used in queue messages: [time, open, high, low, close, volume]. */
export type CandleTuple = [number, number, number, number, number, number];

const price = z.number().finite().positive();
export const CandleTupleSchema = z.tuple([
  z.number().int().nonnegative(),
  price,
  price,
  price,
  price,
  z.number().finite().nonnegative(),
]);

export const toTuple = (c: Candle): CandleTuple => [c.time, c.open, c.high, c.low, c.close, c.volume];
export const fromTuple = ([time, open, high, low, close, volume]: CandleTuple): Candle => ({
  time,
  open,
  high,
  low,
  close,
  volume,
});

import type { Candle } from "../candles";

export type PositionSide = "long" | "short";

/** One round trip, filled at candle opens, fees included in `return`. */
export interface Trade {
  side: PositionSide;
  entryTime: number;
  entryPrice: number;
  exitTime: number;
  exitPrice: number;
  /** Equity after the exit fee over equity before the entry fee, minus 1. */
  return: number;
  /** Still open at the end of the data: marked at the last close, exit fee charged. */
  openAtEnd: boolean;
}

export interface Order {
  /** Index of the candle whose close produced the alert; it fills at the next candle's open. */
  index: number;
  action: "BUY" | "SELL";
}

export interface SimulationOptions {
  /** Fee per side in basis points (10 = 0.1%). */
  feeBps: number;
  /** Also take the short side: a SELL opens a short, a BUY covers it. */
  short: boolean;
  /** First candle of the equity curve: the first analysed close. */
  startIndex: number;
}

export interface Simulation {
  trades: Trade[];
  /** Equity at each close from `startIndex` to the last candle, starting from 1. */
  equity: number[];
  /** Share of those closes spent in a position. */
  exposure: number;
  /** Orders on the last candle: there is no next open to fill them at. */
  unfilled: number;
}

interface Position {
  side: PositionSide;
  entryIndex: number;
  entryPrice: number;
  /** Equity just after the entry fee. */
  base: number;
  /** Equity just before the entry fee. */
  before: number;
}

const valueAt = (position: Position, price: number): number =>
  position.side === "long"
    ? position.base * (price / position.entryPrice)
    : Math.max(0, position.base * (2 - price / position.entryPrice));

/**
 * Trades alerts the way a person following them could: an alert on candle i fills at candle i+1's
 * open, never at the close that produced it. Long/flat by default (BUY enters, SELL exits); with
 * `short`, SELL also opens a short and BUY covers it. Each side pays `feeBps`.
 */
export function simulateTrades(
  candles: readonly Candle[],
  orders: readonly Order[],
  options: SimulationOptions,
): Simulation {
  const fee = options.feeBps / 10_000;
  // Indexed by candle, not a Map: the random baseline simulates 200 draws over every candle.
  const byFillIndex: Array<Order["action"] | undefined> = new Array(candles.length);
  let unfilled = 0;
  for (const order of orders) {
    if (order.index < options.startIndex) continue;
    if (order.index + 1 >= candles.length) unfilled += 1;
    else byFillIndex[order.index + 1] = order.action;
  }

  const trades: Trade[] = [];
  const equity = new Array<number>(Math.max(0, candles.length - options.startIndex));
  let cash = 1;
  let position: Position | undefined;
  let held = 0;
  const close = (index: number, price: number, openAtEnd: boolean) => {
    if (!position) return;
    cash = valueAt(position, price) * (1 - fee);
    trades.push({
      side: position.side,
      entryTime: candles[position.entryIndex]?.time ?? 0,
      entryPrice: position.entryPrice,
      exitTime: candles[index]?.time ?? 0,
      exitPrice: price,
      return: cash / position.before - 1,
      openAtEnd,
    });
    position = undefined;
  };
  const open = (index: number, side: PositionSide, price: number) => {
    position = { side, entryIndex: index, entryPrice: price, before: cash, base: cash * (1 - fee) };
  };

  for (let j = options.startIndex; j < candles.length; j++) {
    const candle = candles[j] as Candle;
    const action = byFillIndex[j];
    if (action === "BUY" && position?.side !== "long") {
      close(j, candle.open, false);
      open(j, "long", candle.open);
    } else if (action === "SELL" && position?.side !== "short") {
      close(j, candle.open, false);
      if (options.short) open(j, "short", candle.open);
    }
    if (position) held += 1;
    equity[j - options.startIndex] = position
      ? valueAt(position, candle.close) * (j === candles.length - 1 ? 1 - fee : 1)
      : cash;
  }
  const lastIndex = candles.length - 1;
  if (position) close(lastIndex, (candles[lastIndex] as Candle).close, true);
  return { trades, equity, exposure: equity.length ? held / equity.length : 0, unfilled };
}

/** Buy at the first analysed close, hold to the last close; the same fee on entry and exit. */
export function buyAndHoldEquity(candles: readonly Candle[], startIndex: number, feeBps: number): number[] {
  const fee = feeBps / 10_000;
  const entry = candles[startIndex]?.close ?? 1;
  const out: number[] = [];
  for (let j = startIndex; j < candles.length; j++) {
    const exitFee = j === candles.length - 1 ? 1 - fee : 1;
    out.push((1 - fee) * ((candles[j] as Candle).close / entry) * exitFee);
  }
  return out;
}

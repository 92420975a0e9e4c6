import * as z from "zod";
import { quoteInput } from "./validation";

export const TIMEFRAMES = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
export const Timeframe = z.enum(TIMEFRAMES);
export type Timeframe = z.infer<typeof Timeframe>;

const MINUTE = 60_000;
const TIMEFRAME_MS: Record<Timeframe, number> = {
  "1m": MINUTE,
  "5m": 5 * MINUTE,
  "15m": 15 * MINUTE,
  "1h": 60 * MINUTE,
  "4h": 240 * MINUTE,
  "1d": 1440 * MINUTE,
};

export function timeframeMs(timeframe: Timeframe): number {
  return TIMEFRAME_MS[timeframe];
}

/** Open time of the most recent candle that has fully closed at `now` (candles align to UTC epoch). */
export function lastClosedOpenTime(timeframe: Timeframe, now: number): number {
  const step = timeframeMs(timeframe);
  return Math.floor(now / step) * step - step;
}

/** EventBridge Scheduler expression that fires at every candle close (UTC). */
export function scheduleExpression(timeframe: Timeframe): string {
  switch (timeframe) {
    case "1m":
      return "rate(1 minute)";
    case "5m":
      return "cron(0/5 * * * ? *)";
    case "15m":
      return "cron(0/15 * * * ? *)";
    case "1h":
      return "cron(0 * * * ? *)";
    case "4h":
      return "cron(0 0/4 * * ? *)";
    case "1d":
      return "cron(0 0 * * ? *)";
  }
}

/** Parses a lookback such as `7d`, `12h`, `30m` or `2w` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/i.exec(text.trim());
  if (!match) throw new Error(`duration ${quoteInput(text)} is not like 30m, 12h, 7d or 2w`);
  const amount = Number(match[1]);
  const unit = (match[2] ?? "").toLowerCase();
  const unitMs =
    unit === "w" ? 7 * 86_400_000 : unit === "d" ? 86_400_000 : unit === "h" ? 3_600_000 : MINUTE;
  return amount * unitMs;
}

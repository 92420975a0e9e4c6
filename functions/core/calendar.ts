import type { Signal } from "./signal";
import { timeframeMs } from "./timeframes";

/** The calendar day (YYYY-MM-DD) of `epochMs` in `timezone`: the key of the daily LLM budget. */
export function localDay(epochMs: number, timezone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(epochMs));
}

const yearIn = (epochMs: number, timezone: string): string =>
  new Intl.DateTimeFormat("en-GB", { timeZone: timezone, year: "numeric" }).format(new Date(epochMs));

/**
 * "Tue 5 Mar 15:00 CET": a time in the configured zone with the zone's short name. The year is added
 * ("Mon 28 Mar 2016 13:00 CEST") when it is not the year of `now`, the reader's present: a replayed
 * 2016 close must not read as this March.
 */
export function formatLocalTime(epochMs: number, timezone: string, now: number): string {
  const withYear = yearIn(epochMs, timezone) !== yearIn(now, timezone);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    ...(withYear ? { year: "numeric" as const } : {}),
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const date = [part("weekday"), part("day"), part("month"), ...(withYear ? [part("year")] : [])];
  return `${date.join(" ")} ${part("hour")}:${part("minute")} ${part("timeZoneName")}`;
}

/**
 * When a signal's candle closed (epoch ms): the moment the signal could exist, so the time a trader
 * reads as the signal's. Every human view shows this; `history --json` keeps `candleTime`, the open.
 */
export const candleCloseMs = (signal: Pick<Signal, "candleTime" | "timeframe">): number =>
  Date.parse(signal.candleTime) + timeframeMs(signal.timeframe);

/** "close Sun 29 Nov 13:00 UTC": a signal's time, labelled, as every human view shows it. */
export const formatSignalTime = (
  signal: Pick<Signal, "candleTime" | "timeframe">,
  timezone: string,
  now: number,
): string => `close ${formatLocalTime(candleCloseMs(signal), timezone, now)}`;

/** The wall clock of an instant in a zone: what a chart's time axis labels. */
export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** "Tue" */
  weekday: string;
  /** "Mar" */
  monthName: string;
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

export function wallClock(epochMs: number, timezone: string): WallClock {
  let format = wallClockFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone: timezone,
      weekday: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    wallClockFormats.set(timezone, format);
  }
  const parts = format.formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const month = Number(part("month"));
  return {
    year: Number(part("year")),
    month,
    day: Number(part("day")),
    hour: Number(part("hour")),
    minute: Number(part("minute")),
    weekday: part("weekday"),
    monthName: MONTH_NAMES[month - 1] ?? "",
  };
}

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

import { type WallClock, wallClock } from "./calendar";

/** Round steps of 1, 2, 2.5 or 5 × 10^k covering [low, high] with about `count` ticks. */
export function priceTicks(low: number, high: number, count: number): { ticks: number[]; step: number } {
  const raw = (high - low) / count || Math.abs(high) * 0.01 || 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return { ticks, step };
}

/** A tick label with the decimals its step needs: "63,400", "3,412.5", "0.0425". */
export function formatTick(value: number, step: number): string {
  let decimals = 0;
  while (decimals < 8 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6)
    decimals++;
  return new Intl.NumberFormat("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
}

const MINUTE = 60_000;

/**
 * Time-axis units, finest first: a candle starts a unit when its key differs from the previous
 * candle's, read on the wall clock of the configured zone (so ticks fall on local round hours and
 * local midnights, through daylight-saving changes too).
 */
const UNITS: Array<{ minutes: number; key: (c: WallClock) => string }> = [
  ...[5, 15, 30, 60, 120, 180, 240, 360, 720].map((minutes) => ({
    minutes,
    key: (c: WallClock) => `${c.year}-${c.month}-${c.day} ${Math.floor((c.hour * 60 + c.minute) / minutes)}`,
  })),
  { minutes: 1440, key: (c) => `${c.year}-${c.month}-${c.day}` },
  { minutes: 2 * 1440, key: (c) => `${c.year}-${c.month}-${Math.floor((c.day - 1) / 2)}` },
  { minutes: 7 * 1440, key: (c) => `${c.year}-${c.month}-${Math.floor((c.day - 1) / 7)}` },
  { minutes: 30 * 1440, key: (c) => `${c.year}-${c.month}` },
  { minutes: 91 * 1440, key: (c) => `${c.year}-${Math.floor((c.month - 1) / 3)}` },
  { minutes: 365 * 1440, key: (c) => `${c.year}` },
];

export interface TimeTick {
  /** Index of the candle the tick is on. */
  index: number;
  label: string;
  /** A new day (or month, or year) starts here: drawn stronger. */
  major: boolean;
}

/**
 * At most `maxTicks` ticks on the candles (open times, oldest first, `candleMs` apart), on the finest
 * round unit that is coarser than a candle: "14:00" within a day, "5 Mar" where a day starts,
 * "Mar" / "2024" for months and years.
 */
export function timeAxisTicks(
  times: readonly number[],
  candleMs: number,
  timezone: string,
  maxTicks: number,
): TimeTick[] {
  const clocks = times.map((t) => wallClock(t, timezone));
  for (const unit of UNITS) {
    if (unit.minutes * MINUTE <= candleMs) continue;
    const starts: number[] = [];
    for (let i = 1; i < clocks.length; i++)
      if (unit.key(clocks[i] as WallClock) !== unit.key(clocks[i - 1] as WallClock)) starts.push(i);
    if (starts.length > maxTicks) continue;
    return starts.map((index) => {
      const now = clocks[index] as WallClock;
      const before = clocks[index - 1] as WallClock;
      if (now.year !== before.year && unit.minutes >= 30 * 1440)
        return { index, label: String(now.year), major: true };
      if (unit.minutes >= 30 * 1440) return { index, label: now.monthName, major: false };
      if (now.day !== before.day || now.month !== before.month)
        return { index, label: `${now.day} ${now.monthName}`, major: true };
      const hh = String(now.hour).padStart(2, "0");
      const mm = String(now.minute).padStart(2, "0");
      return { index, label: `${hh}:${mm}`, major: false };
    });
  }
  return [];
}

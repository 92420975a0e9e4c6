/** Figures of one equity curve (growth of 1.0, one point per close). */
export interface EquityFigures {
  totalReturn: number;
  maxDrawdown: number;
  /** Annualised from the data's own candle rate; null when the curve never moves. */
  sharpe: number | null;
}

const YEAR_MS = 365.25 * 86_400_000;

/** Candles per year as the data itself has them: equities skip nights and weekends, crypto does not. */
export function periodsPerYear(times: readonly number[]): number {
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined || last <= first) return 0;
  return (times.length - 1) / ((last - first) / YEAR_MS);
}

export function maxDrawdown(equity: readonly number[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (const value of equity) {
    peak = Math.max(peak, value);
    if (peak > 0) worst = Math.max(worst, 1 - value / peak);
  }
  return worst;
}

/** Mean over standard deviation of the per-close returns, times √(periods per year); no risk-free rate. */
export function sharpeRatio(equity: readonly number[], perYear: number): number | null {
  const returns: number[] = [];
  for (let i = 1; i < equity.length; i++) {
    const before = equity[i - 1] as number;
    if (before > 0) returns.push((equity[i] as number) / before - 1);
  }
  if (returns.length < 2 || perYear <= 0) return null;
  const average = returns.reduce((s, r) => s + r, 0) / returns.length;
  const variance = returns.reduce((s, r) => s + (r - average) ** 2, 0) / (returns.length - 1);
  const deviation = Math.sqrt(variance);
  return deviation > 1e-12 ? (average / deviation) * Math.sqrt(perYear) : null;
}

export function equityFigures(equity: readonly number[], perYear: number): EquityFigures {
  return {
    totalReturn: (equity.at(-1) ?? 1) - 1,
    maxDrawdown: maxDrawdown(equity),
    sharpe: sharpeRatio(equity, perYear),
  };
}

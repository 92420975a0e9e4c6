// Features and gate per close on the BTC 5m series (../shared/data/ohlcv): computeFeatures and
// evaluateGate over each lookback window the backtest analyses, against the trading-signals
// implementation they replaced (test/core/indicator-series-reference.ts), on the same windows.
// Node here, not Lambda: the ratio is the figure, the microseconds are relative.
import { performance } from "node:perf_hooks";
import type { Candle } from "../functions/core/candles";
import { parseConfig } from "../functions/core/config";
import { evaluateGate } from "../functions/core/gate";
import { computeFeatures, type Features } from "../functions/core/indicators";
import { referenceFeatures } from "../test/core/indicator-series-reference";
import { hasShared, sharedMissing } from "../test/support/shared";
import { OHLCV, SERIES } from "./shared-series";

/** Every `EVERY`th window: the reference takes over a millisecond per close. */
const EVERY = 4;
const ROUNDS = 3;

/** Median microseconds per window of `features` then the gate, over `ROUNDS` rounds. */
function microsPerClose(
  windows: Candle[][],
  features: (candles: readonly Candle[]) => Features,
  gate: Parameters<typeof evaluateGate>[1],
): { micros: number; passes: number } {
  const micros: number[] = [];
  let passes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    passes = 0;
    const started = performance.now();
    for (const window of windows) if (evaluateGate(features(window), gate).length > 0) passes++;
    micros.push(((performance.now() - started) * 1000) / windows.length);
  }
  micros.sort((a, b) => a - b);
  return { micros: micros[Math.floor(ROUNDS / 2)] ?? 0, passes };
}

export async function run(): Promise<void> {
  if (!hasShared(...OHLCV)) {
    console.log(`skipped: ${sharedMissing(...OHLCV)}`);
    return;
  }
  const { file, timeframe, load } = SERIES.btc5m;
  const candles = load(file);
  const config = parseConfig({ timeframe });
  const lookback = config.lookbackCandles;
  const gate = config.analyst.gate;
  const windows: Candle[][] = [];
  for (let i = lookback - 1; i < candles.length; i += EVERY)
    windows.push(candles.slice(i + 1 - lookback, i + 1));

  const now = microsPerClose(windows, (window) => computeFeatures(window, gate), gate);
  const before = microsPerClose(windows, (window) => referenceFeatures(window, gate), gate);
  console.log(
    `features + gate on ${file}, ${windows.length} windows of ${lookback}: ${now.micros.toFixed(1)} µs per close, ` +
      `trading-signals reference ${before.micros.toFixed(0)} µs (${(before.micros / now.micros).toFixed(1)}x); ` +
      `gate passes ${now.passes} vs ${before.passes}, median of ${ROUNDS} rounds`,
  );
}

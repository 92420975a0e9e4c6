import type { Candle } from "../candles";
import type { Config } from "../config";
import { estimateCallCost, priceFor } from "../cost";
import { computeFeatures } from "../indicators";
import { buildPrompt } from "../prompt";
import { isoTime } from "../signal";
import type { Timeframe } from "../timeframes";
import type { WalkStep } from "./walk";

export interface LlmEstimate {
  calls: number;
  /** Upper bound: every gate pass asks the model at most once; cached answers cost nothing. */
  usd: number;
}

/**
 * What an LLM backtest would cost before it runs: one call per gate pass (from a walk with the rules
 * analyst, whose gate is the same), each priced as the budget guard prices it, prompt by prompt.
 */
export function estimateLlmRun(
  symbol: string,
  timeframe: Timeframe,
  candles: readonly Candle[],
  gateSteps: readonly WalkStep[],
  config: Config,
): LlmEstimate {
  const analyst = config.analyst;
  const price = priceFor(analyst.model, analyst.prices) ?? { inputPerMillion: 0, outputPerMillion: 0 };
  let usd = 0;
  for (const step of gateSteps) {
    const window = candles.slice(Math.max(0, step.index + 1 - config.lookbackCandles), step.index + 1);
    const features = computeFeatures(window, analyst.gate);
    const prompt = buildPrompt({
      symbol,
      timeframe,
      candleTime: isoTime(candles[step.index]?.time ?? 0),
      triggers: step.signal.triggers,
      rsiPeriod: analyst.gate.rsiPeriod,
      maPeriods: [analyst.gate.maCross.fast, analyst.gate.maCross.slow],
      gaps: 0,
      // The recent signals the live prompt carries add a few tokens each: priced as if all were there.
      recent: Array.from({ length: analyst.recentSignals }, () => ({
        candleTime: isoTime(0),
        action: "HOLD" as const,
        confidence: 0.55,
      })),
      now: features.now,
      previous: features.previous,
    });
    usd += estimateCallCost([prompt.system, prompt.user], analyst.maxOutputTokens, price).usd;
  }
  return { calls: gateSteps.length, usd };
}

import type { GateConfig } from "./config";
import type { Trigger } from "./gate";
import type { FeatureSnapshot } from "./indicators";
import type { Timeframe } from "./timeframes";
import type { Verdict } from "./verdict";

/**
 * The analyst used when no OpenAI key is configured: a deterministic verdict from the same features
 * and triggers the LLM would see, stored with analyst "rules". Each factor votes up or down with a
 * weight; the sum decides the action and its size the confidence.
 */
interface Vote {
  weight: number;
  reason: string;
}

/** |score| at or above this is a BUY or SELL; with the default alert threshold of 0.7, it alerts. */
export const RULES_ACTION_SCORE = 3;

const fixed = (value: number, digits = 1) => value.toFixed(digits);

function trendVotes(f: FeatureSnapshot): Vote[] {
  const votes: Vote[] = [];
  if (f.close !== null && f.smaSlow !== null)
    votes.push(
      f.close > f.smaSlow
        ? { weight: 1, reason: "close above the slow SMA (uptrend)" }
        : { weight: -1, reason: "close below the slow SMA (downtrend)" },
    );
  if (f.macdHist !== null && f.macdHist !== 0)
    votes.push(
      f.macdHist > 0
        ? { weight: 1, reason: `MACD above signal (hist ${fixed(f.macdHist, 2)})` }
        : { weight: -1, reason: `MACD below signal (hist ${fixed(f.macdHist, 2)})` },
    );
  return votes;
}

function rsiVote(f: FeatureSnapshot, gate: GateConfig): Vote | undefined {
  if (f.rsi === null) return undefined;
  // Mean reversion at the extremes: oversold leans up, overbought leans down.
  if (f.rsi < gate.rsiLower) return { weight: 1, reason: `RSI ${fixed(f.rsi)} oversold` };
  if (f.rsi > gate.rsiUpper) return { weight: -1, reason: `RSI ${fixed(f.rsi)} overbought` };
  return undefined;
}

const TRIGGER_WEIGHTS: Record<string, number> = {
  "sma-golden-cross": 2,
  "sma-death-cross": -2,
  "ema-golden-cross": 2,
  "ema-death-cross": -2,
  "macd-bullish-cross": 1,
  "macd-bearish-cross": -1,
  "band-break-upper": 1,
  "band-break-lower": -1,
  "large-move-up": 1,
  "large-move-down": -1,
};

function triggerVotes(triggers: readonly Trigger[], f: FeatureSnapshot): Vote[] {
  const votes: Vote[] = [];
  for (const trigger of triggers) {
    const weight = TRIGGER_WEIGHTS[trigger.id];
    if (weight !== undefined) votes.push({ weight, reason: trigger.id.replaceAll("-", " ") });
  }
  // Volume confirms whichever way the candle moved.
  if (triggers.some((t) => t.id === "volume-spike") && f.volumeZ !== null) {
    const up = (f.return1 ?? 0) >= 0;
    votes.push({
      weight: up ? 1 : -1,
      reason: `volume spike (z ${fixed(f.volumeZ)}) on a ${up ? "rise" : "fall"}`,
    });
  }
  return votes;
}

const horizonFor = (timeframe: Timeframe): Verdict["horizon"] =>
  timeframe === "1d" ? "weeks" : timeframe === "1h" || timeframe === "4h" ? "days" : "hours";

export function rulesVerdict(
  features: FeatureSnapshot,
  triggers: readonly Trigger[],
  gate: GateConfig,
  timeframe: Timeframe,
): Verdict {
  const votes = [
    ...triggerVotes(triggers, features),
    rsiVote(features, gate),
    ...trendVotes(features),
  ].filter((vote): vote is Vote => vote !== undefined);
  const score = votes.reduce((sum, vote) => sum + vote.weight, 0);
  const action = score >= RULES_ACTION_SCORE ? "BUY" : score <= -RULES_ACTION_SCORE ? "SELL" : "HOLD";
  const side = Math.sign(score);
  // Reasons: the strongest votes on the winning side, or the strongest either way for a HOLD.
  const ranked = [...votes]
    .filter((vote) => action === "HOLD" || Math.sign(vote.weight) === side)
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const reasons = ranked.slice(0, 3).map((vote) => vote.reason);
  while (reasons.length < 2) reasons.push(reasons.length === 0 ? "no clear signal" : `rules score ${score}`);
  return {
    action,
    confidence: action === "HOLD" ? 0.5 : Math.min(0.9, Number((0.4 + 0.1 * Math.abs(score)).toFixed(2))),
    reasons,
    horizon: horizonFor(timeframe),
  };
}

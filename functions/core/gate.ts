import type { GateConfig } from "./config";
import type { FeatureName, FeatureSnapshot, Features } from "./indicators";

/**
 * The cheap gate before the LLM: deterministic triggers on the feature snapshot. The LLM is asked
 * only when at least one fires; otherwise the candle is stored as a HOLD from the gate, with the
 * trigger state, so the history stays complete.
 */
export type Direction = "up" | "down";

export interface Trigger {
  /** Stable id stored in Signal.triggers, e.g. `rsi-crossed-below-30`. */
  id: string;
  direction: Direction;
}

type Step = { before: FeatureSnapshot; now: FeatureSnapshot };
type Pair = { before: number; now: number };

function pair(step: Step, name: FeatureName): Pair | undefined {
  const before = step.before[name];
  const now = step.now[name];
  return before === null || now === null ? undefined : { before, now };
}

/** `a` crossed `b` between the two candles ("up": from at-or-below to above). */
function crossing(a: Pair | undefined, b: Pair | undefined): Direction | undefined {
  if (!a || !b) return undefined;
  if (a.before <= b.before && a.now > b.now) return "up";
  if (a.before >= b.before && a.now < b.now) return "down";
  return undefined;
}

const level = (value: number): Pair => ({ before: value, now: value });

function rsiTriggers(step: Step, gate: GateConfig): Trigger[] {
  const rsi = pair(step, "rsi");
  const lower = crossing(rsi, level(gate.rsiLower));
  const upper = crossing(rsi, level(gate.rsiUpper));
  const out: Trigger[] = [];
  const add = (direction: Direction | undefined, threshold: number, entering: Direction) => {
    // Entering oversold or overbought is the event; leaving it is one too when so configured.
    if (direction === entering || (direction && gate.rsiExits))
      out.push({ id: `rsi-crossed-${direction === "up" ? "above" : "below"}-${threshold}`, direction });
  };
  add(lower, gate.rsiLower, "down");
  add(upper, gate.rsiUpper, "up");
  return out;
}

function macdTrigger(step: Step, gate: GateConfig): Trigger | undefined {
  if (!gate.macdCross) return undefined;
  const direction = crossing(pair(step, "macd"), pair(step, "macdSignal"));
  const { macd, atr } = step.now;
  if (!direction || macd === null || atr === null) return undefined;
  // A cross near the zero line is noise; a bullish one well below it (or bearish above) is an event.
  const stretch = direction === "up" ? -macd : macd;
  if (gate.macdMinAtr > 0 && stretch < gate.macdMinAtr * atr) return undefined;
  return { id: direction === "up" ? "macd-bullish-cross" : "macd-bearish-cross", direction };
}

function bandTrigger(step: Step, gate: GateConfig): Trigger | undefined {
  const margin = gate.bandBreakMargin;
  const percentB = pair(step, "bbPercentB");
  if (margin === null || !percentB) return undefined;
  if (percentB.now > 1 + margin && percentB.before <= 1 + margin)
    return { id: "band-break-upper", direction: "up" };
  if (percentB.now < -margin && percentB.before >= -margin)
    return { id: "band-break-lower", direction: "down" };
  return undefined;
}

function maTriggers(step: Step, gate: GateConfig): Trigger[] {
  if (!gate.maCross.enabled) return [];
  const out: Trigger[] = [];
  const sma = crossing(pair(step, "smaFast"), pair(step, "smaSlow"));
  if (sma) out.push({ id: sma === "up" ? "sma-golden-cross" : "sma-death-cross", direction: sma });
  const ema = crossing(pair(step, "emaFast"), pair(step, "emaSlow"));
  if (ema) out.push({ id: ema === "up" ? "ema-golden-cross" : "ema-death-cross", direction: ema });
  return out;
}

function volumeTrigger(step: Step, gate: GateConfig): Trigger | undefined {
  const { volumeZ, return1 } = step.now;
  if (gate.volumeSpikeZ === null || volumeZ === null || return1 === null) return undefined;
  if (volumeZ < gate.volumeSpikeZ) return undefined;
  return { id: "volume-spike", direction: return1 >= 0 ? "up" : "down" };
}

function largeMoveTrigger(step: Step, gate: GateConfig): Trigger | undefined {
  const move = step.now.moveAtr;
  if (gate.largeMoveAtr === null || move === null || Math.abs(move) < gate.largeMoveAtr) return undefined;
  return move > 0 ? { id: "large-move-up", direction: "up" } : { id: "large-move-down", direction: "down" };
}

/** Triggers of one candle against the one before it, before re-arming is applied. */
function rawTriggers(step: Step, gate: GateConfig): Trigger[] {
  return [
    ...rsiTriggers(step, gate),
    macdTrigger(step, gate),
    bandTrigger(step, gate),
    ...maTriggers(step, gate),
    volumeTrigger(step, gate),
    largeMoveTrigger(step, gate),
  ].filter((trigger): trigger is Trigger => trigger !== undefined);
}

/**
 * Every trigger that fires on the analysed candle, unless a trigger in the same direction already
 * fired in the `rearmCandles` candles before it: one move sets off a band break, a volume spike and
 * an RSI cross on successive candles, and that is one event for the LLM, not three. A reversal
 * (the other direction) is always fresh. Empty means a HOLD from the gate.
 */
export function evaluateGate(features: Features, gate: GateConfig): Trigger[] {
  const current = rawTriggers({ before: features.previous, now: features.now }, gate);
  // Most candles trigger nothing: the recent snapshots are read (and computed) only when one does.
  if (current.length === 0) return current;
  const steps: Step[] = [];
  const { recent } = features;
  for (let i = 1; i < recent.length; i++) {
    const before = recent[i - 1];
    const now = recent[i];
    if (before && now) steps.push({ before, now });
  }
  const earlier = steps.slice(-1 - gate.rearmCandles, -1);
  const armed = new Set<Direction>(["up", "down"]);
  for (const step of earlier) for (const trigger of rawTriggers(step, gate)) armed.delete(trigger.direction);
  return current.filter((trigger) => armed.has(trigger.direction));
}

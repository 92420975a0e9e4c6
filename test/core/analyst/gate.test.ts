import { describe, expect, it } from "vitest";
import { type GateConfig, parseConfig } from "../../../functions/core/config";
import { evaluateGate } from "../../../functions/core/gate";
import {
  computeFeatures,
  FEATURE_NAMES,
  type FeatureSnapshot,
  type Features,
} from "../../../functions/core/indicators";
import { jumpCandles, quietCandles } from "./series";

const gateWith = (gate: Record<string, unknown> = {}): GateConfig =>
  parseConfig({ analyst: { gate } }).analyst.gate;
const defaults = gateWith();

/** A neutral snapshot: every feature present and far from any threshold. */
const neutral: FeatureSnapshot = {
  ...(Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as FeatureSnapshot),
  close: 100,
  rsi: 50,
  macd: 0,
  macdSignal: 0,
  bbPercentB: 0.5,
  smaFast: 101,
  smaSlow: 100,
  emaFast: 101,
  emaSlow: 100,
  atr: 1,
};
const snap = (values: Partial<FeatureSnapshot> = {}): FeatureSnapshot => ({ ...neutral, ...values });

/** Features whose last step is `before` → `now`, after `history` (oldest first) of earlier candles. */
function features(
  before: Partial<FeatureSnapshot>,
  now: Partial<FeatureSnapshot>,
  history: Partial<FeatureSnapshot>[] = [],
): Features {
  const recent = [...history.map(snap), snap(before), snap(now)];
  return { previous: snap(before), now: snap(now), recent };
}
const ids = (f: Features, gate = defaults) => evaluateGate(f, gate).map((t) => t.id);

describe("evaluateGate triggers", () => {
  it("fires nothing on a neutral candle", () => {
    expect(ids(features({}, {}))).toEqual([]);
  });

  it("fires when RSI enters oversold or overbought, and on leaving only when configured", () => {
    expect(ids(features({ rsi: 31 }, { rsi: 29 }))).toEqual(["rsi-crossed-below-30"]);
    expect(ids(features({ rsi: 69 }, { rsi: 71 }))).toEqual(["rsi-crossed-above-70"]);
    expect(ids(features({ rsi: 29 }, { rsi: 31 }))).toEqual([]);
    expect(ids(features({ rsi: 29 }, { rsi: 31 }), gateWith({ rsiExits: true }))).toEqual([
      "rsi-crossed-above-30",
    ]);
    expect(ids(features({ rsi: 74 }, { rsi: 76 }), gateWith({ rsiUpper: 75 }))).toEqual([
      "rsi-crossed-above-75",
    ]);
  });

  it("fires on a MACD cross only far enough from the zero line", () => {
    const bullishFar = features({ macd: -2, macdSignal: -1.9 }, { macd: -1.5, macdSignal: -1.6 });
    const bullishNearZero = features({ macd: -0.2, macdSignal: -0.1 }, { macd: 0.1, macdSignal: 0 });
    const bearishFar = features({ macd: 2, macdSignal: 1.9 }, { macd: 1.5, macdSignal: 1.6 });
    expect(ids(bullishFar)).toEqual(["macd-bullish-cross"]);
    expect(ids(bearishFar)).toEqual(["macd-bearish-cross"]);
    expect(ids(bullishNearZero)).toEqual([]);
    expect(ids(bullishNearZero, gateWith({ macdMinAtr: 0 }))).toEqual(["macd-bullish-cross"]);
    expect(ids(bullishFar, gateWith({ macdCross: false }))).toEqual([]);
  });

  it("fires on the candle that closes beyond a band by the margin, not on the ones after", () => {
    expect(ids(features({ bbPercentB: 0.9 }, { bbPercentB: 1.3 }))).toEqual(["band-break-upper"]);
    expect(ids(features({ bbPercentB: 0.1 }, { bbPercentB: -0.3 }))).toEqual(["band-break-lower"]);
    expect(ids(features({ bbPercentB: 1.3 }, { bbPercentB: 1.4 }))).toEqual([]);
    expect(ids(features({ bbPercentB: 0.9 }, { bbPercentB: 1.1 }))).toEqual([]);
    expect(
      ids(features({ bbPercentB: 0.9 }, { bbPercentB: 1.3 }), gateWith({ bandBreakMargin: null })),
    ).toEqual([]);
  });

  it("fires on SMA and EMA crosses unless moving-average crosses are off", () => {
    const golden = features(
      { smaFast: 99, smaSlow: 100, emaFast: 99, emaSlow: 100 },
      { smaFast: 101, smaSlow: 100, emaFast: 101, emaSlow: 100 },
    );
    expect(ids(golden)).toEqual(["sma-golden-cross", "ema-golden-cross"]);
    const death = features({}, { smaFast: 99, emaFast: 99 });
    expect(ids(death)).toEqual(["sma-death-cross", "ema-death-cross"]);
    expect(ids(golden, gateWith({ maCross: { enabled: false, fast: 50, slow: 200 } }))).toEqual([]);
  });

  it("fires on a volume spike in the direction of the candle, and on a large move", () => {
    expect(evaluateGate(features({}, { volumeZ: 5, return1: -0.4 }), defaults)).toEqual([
      { id: "volume-spike", direction: "down" },
    ]);
    expect(ids(features({}, { volumeZ: 3.9 }))).toEqual([]);
    expect(ids(features({}, { moveAtr: 3.5 }))).toEqual(["large-move-up"]);
    expect(ids(features({}, { moveAtr: -3.5 }))).toEqual(["large-move-down"]);
    expect(ids(features({}, { moveAtr: 3.5 }), gateWith({ largeMoveAtr: null }))).toEqual([]);
  });

  it("ignores a trigger whose inputs are missing (short window)", () => {
    expect(ids(features({ rsi: null }, { rsi: 20 }))).toEqual([]);
    expect(ids(features({}, { smaFast: null, smaSlow: null, volumeZ: null, moveAtr: null }))).toEqual([]);
  });
});

describe("evaluateGate re-arming", () => {
  const spikeUp = { volumeZ: 6, return1: 1 };
  const oneCandleAgo = (values: Partial<FeatureSnapshot>) => [{}, values];

  it("drops a trigger when one in the same direction fired within rearmCandles", () => {
    // The candle before last spiked up; now RSI enters overbought: the same upward event.
    const f = features({ ...spikeUp, rsi: 69 }, { rsi: 71 }, [{}]);
    expect(ids(f)).toEqual([]);
    expect(ids(f, gateWith({ rearmCandles: 0 }))).toEqual(["rsi-crossed-above-70"]);
  });

  it("keeps a reversal: a trigger in the other direction is always fresh", () => {
    const f = features({ ...spikeUp }, { moveAtr: -4 }, oneCandleAgo({}));
    expect(ids(f)).toEqual(["large-move-down"]);
  });

  it("looks back exactly rearmCandles candles", () => {
    const history = [{}, { moveAtr: 4 }, {}, {}];
    const f = features({}, { moveAtr: 4 }, history);
    // The earlier move was 4 candles before this one.
    expect(ids(f, gateWith({ rearmCandles: 4 }))).toEqual([]);
    expect(ids(f, gateWith({ rearmCandles: 3 }))).toEqual(["large-move-up"]);
  });
});

describe("gate on computed features", () => {
  it("lets a quiet drift through as no trigger, and stops a jump on high volume", () => {
    expect(evaluateGate(computeFeatures(quietCandles(), defaults), defaults)).toEqual([]);
    expect(ids(computeFeatures(jumpCandles(), defaults))).toEqual(
      expect.arrayContaining(["band-break-upper", "volume-spike", "large-move-up"]),
    );
  });
});

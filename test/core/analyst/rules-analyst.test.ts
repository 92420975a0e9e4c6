import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../functions/core/config";
import { evaluateGate } from "../../../functions/core/gate";
import { computeFeatures, FEATURE_NAMES, type FeatureSnapshot } from "../../../functions/core/indicators";
import { rulesVerdict } from "../../../functions/core/rules-analyst";
import { VerdictSchema } from "../../../functions/core/verdict";
import { jumpCandles } from "./series";

const gate = parseConfig({}).analyst.gate;
const neutral = Object.fromEntries(FEATURE_NAMES.map((name) => [name, null])) as FeatureSnapshot;
const snap = (values: Partial<FeatureSnapshot>): FeatureSnapshot => ({ ...neutral, ...values });

describe("rulesVerdict", () => {
  it("buys a golden cross in an uptrend with momentum, confidently enough to alert", () => {
    const verdict = rulesVerdict(
      snap({ close: 110, smaSlow: 100, macdHist: 0.4 }),
      [{ id: "sma-golden-cross", direction: "up" }],
      gate,
      "1h",
    );
    expect(verdict).toMatchObject({ action: "BUY", horizon: "days" });
    expect(verdict.confidence).toBeGreaterThanOrEqual(0.7);
    expect(verdict.reasons[0]).toBe("sma golden cross");
  });

  it("sells a break down on volume in a downtrend", () => {
    const verdict = rulesVerdict(
      snap({ close: 90, smaSlow: 100, macdHist: -0.3, volumeZ: 5, return1: -2 }),
      [
        { id: "band-break-lower", direction: "down" },
        { id: "volume-spike", direction: "down" },
      ],
      gate,
      "5m",
    );
    expect(verdict).toMatchObject({ action: "SELL", horizon: "hours" });
    expect(verdict.reasons).toHaveLength(3);
  });

  it("holds when the votes disagree", () => {
    const verdict = rulesVerdict(
      snap({ close: 110, smaSlow: 100, macdHist: -0.3, rsi: 75 }),
      [{ id: "band-break-upper", direction: "up" }],
      gate,
      "1d",
    );
    expect(verdict).toMatchObject({ action: "HOLD", confidence: 0.5, horizon: "weeks" });
  });

  it("always answers within the LLM's schema, also on computed features", () => {
    const features = computeFeatures(jumpCandles(), gate);
    const verdict = rulesVerdict(features.now, evaluateGate(features, gate), gate, "1h");
    expect(VerdictSchema.parse(verdict)).toEqual(verdict);
    expect(rulesVerdict(neutral, [], gate, "1h").reasons).toHaveLength(2);
  });
});

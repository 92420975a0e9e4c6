import { countTokens } from "gpt-tokenizer/model/gpt-4o";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../functions/core/config";
import { costUsd, estimateCallCost, priceFor } from "../../../functions/core/cost";
import { computeFeatures } from "../../../functions/core/indicators";
import { buildPrompt } from "../../../functions/core/prompt";
import { ValidationError } from "../../../functions/core/validation";
import { jumpCandles } from "./series";

const { prices } = parseConfig({}).analyst;

describe("prices", () => {
  it("finds a model's price, or the price of the model a dated snapshot belongs to", () => {
    expect(priceFor("gpt-4o-mini", prices)).toEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6 });
    expect(priceFor("gpt-4o-mini-2024-07-18", prices)).toEqual(priceFor("gpt-4o-mini", prices));
    expect(priceFor("gpt-4o-2024-08-06", prices)).toEqual({ inputPerMillion: 2.5, outputPerMillion: 10 });
    expect(priceFor("llama3.1", prices)).toBeUndefined();
  });

  it("prices tokens per million", () => {
    expect(
      costUsd({ prompt: 1_000_000, completion: 0 }, { inputPerMillion: 0.15, outputPerMillion: 0.6 }),
    ).toBeCloseTo(0.15);
    expect(
      costUsd({ prompt: 500, completion: 60 }, { inputPerMillion: 0.15, outputPerMillion: 0.6 }),
    ).toBeCloseTo(0.000111, 9);
  });

  it("refuses a config whose model has no price, naming the field", () => {
    expect(() => parseConfig({ analyst: { model: "llama3.1" } })).toThrow(ValidationError);
    expect(() => parseConfig({ analyst: { model: "llama3.1" } })).toThrow(
      /analyst\.model = "llama3\.1": no entry in analyst\.prices/,
    );
    const local = parseConfig({
      analyst: { model: "llama3.1", prices: { "llama3.1": { inputPerMillion: 0, outputPerMillion: 0 } } },
    });
    expect(local.analyst.model).toBe("llama3.1");
  });
});

describe("estimateCallCost", () => {
  it("reserves at least what a real prompt costs, counted with the gpt-4o tokenizer", () => {
    const config = parseConfig({});
    const candles = jumpCandles();
    const features = computeFeatures(candles, config.analyst.gate);
    const prompt = buildPrompt({
      symbol: "BTC-USD",
      timeframe: "1h",
      candleTime: new Date((candles.at(-1) as { time: number }).time).toISOString(),
      triggers: ["band-break-upper", "volume-spike", "large-move-up"],
      rsiPeriod: 14,
      maPeriods: [50, 200],
      gaps: 0,
      recent: [],
      now: features.now,
      previous: features.previous,
    });
    const price = priceFor(config.analyst.model, prices) as {
      inputPerMillion: number;
      outputPerMillion: number;
    };
    const estimate = estimateCallCost([prompt.system, prompt.user], 300, price);
    const realPrompt = countTokens([
      { role: "system", content: prompt.system },
      { role: "user", content: prompt.user },
    ]);
    expect(estimate.usage.prompt).toBeGreaterThanOrEqual(realPrompt);
    expect(estimate.usage.completion).toBe(300);
    expect(estimate.usd).toBeGreaterThanOrEqual(costUsd({ prompt: realPrompt, completion: 300 }, price));
  });
});

import { describe, expect, it } from "vitest";
import { classifyApiFailure, type ModelCompletion, readVerdict } from "../../../functions/core/verdict";

const answer = (overrides: Partial<ModelCompletion>): ModelCompletion => ({
  model: "gpt-4o-mini-2024-07-18",
  content: null,
  refusal: null,
  finishReason: "stop",
  usage: { prompt: 400, completion: 40 },
  ...overrides,
});
const valid = {
  action: "BUY",
  confidence: 0.74,
  reasons: ["RSI 28 oversold after a band break", "volume z 4.2 confirms the move"],
  horizon: "days",
};

describe("readVerdict", () => {
  it("accepts an answer that matches the schema", () => {
    expect(readVerdict(answer({ content: JSON.stringify(valid) }))).toEqual({
      kind: "verdict",
      verdict: valid,
    });
  });

  it("trims reasons and caps their length for storage", () => {
    const long = { ...valid, reasons: [`  ${"x".repeat(400)}  `, " short "] };
    const outcome = readVerdict(answer({ content: JSON.stringify(long) }));
    expect(outcome.kind === "verdict" && outcome.verdict.reasons.map((r) => r.length)).toEqual([160, 5]);
  });

  it.each([
    ["a refusal", { content: null, refusal: "I'm very sorry, but I can't assist with that." }, "refusal"],
    ["finish_reason length", { content: '{"', finishReason: "length" }, "truncated"],
    ["finish_reason content_filter", { content: null, finishReason: "content_filter" }, "content-filter"],
    ["empty content", { content: "" }, "invalid-output"],
    ["plain text", { content: "I'm unable to provide real-time data." }, "invalid-output"],
    [
      "a HOLD without confidence",
      { content: JSON.stringify({ ...valid, action: "HOLD", confidence: undefined }) },
      "schema-mismatch",
    ],
    ["an unknown action", { content: JSON.stringify({ ...valid, action: "STRONG_BUY" }) }, "schema-mismatch"],
    ["confidence above 1", { content: JSON.stringify({ ...valid, confidence: 1.5 }) }, "schema-mismatch"],
    ["one reason", { content: JSON.stringify({ ...valid, reasons: ["only one"] }) }, "schema-mismatch"],
    [
      "four reasons",
      { content: JSON.stringify({ ...valid, reasons: ["a", "b", "c", "d"] }) },
      "schema-mismatch",
    ],
    [
      "another schema's answer",
      { content: '{"city":"San Francisco","temperature":65,"units":"f"}' },
      "schema-mismatch",
    ],
  ])("turns %s into ABSTAIN, never a HOLD", (_, overrides, reason) => {
    const outcome = readVerdict(answer(overrides as Partial<ModelCompletion>));
    expect(outcome).toMatchObject({ kind: "abstain", reason });
  });

  it("names the mismatched field in the detail", () => {
    const outcome = readVerdict(answer({ content: JSON.stringify({ ...valid, confidence: 1.5 }) }));
    expect(outcome.kind === "abstain" && outcome.detail).toMatch(/confidence = 1\.5/);
  });
});

describe("classifyApiFailure", () => {
  it.each([
    [429, "rate_limit_exceeded", "retry"],
    [429, "insufficient_quota", "quota"],
    [401, "invalid_api_key", "auth"],
    [403, null, "auth"],
    [500, null, "retry"],
    [503, null, "retry"],
    [408, null, "retry"],
    [undefined, null, "retry"],
    [400, "invalid_request_error", "rejected"],
    [404, "model_not_found", "rejected"],
  ])("status %s code %s → %s", (status, code, expected) => {
    expect(classifyApiFailure(status, code)).toBe(expected);
  });
});

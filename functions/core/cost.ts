import * as z from "zod";
import { type TokenUsage, VerdictSchema } from "./verdict";

/** USD per million tokens, as in config `analyst.prices`. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}
export type PriceTable = Record<string, ModelPrice>;

/**
 * The price of `model`: its own entry, else the entry it is a dated snapshot of
 * (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`), the longest such match winning.
 */
export function priceFor(model: string, prices: PriceTable): ModelPrice | undefined {
  const exact = prices[model];
  if (exact) return exact;
  const base = Object.keys(prices)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base === undefined ? undefined : prices[base];
}

export function costUsd(usage: TokenUsage, price: ModelPrice): number {
  return (usage.prompt * price.inputPerMillion + usage.completion * price.outputPerMillion) / 1_000_000;
}

/**
 * Characters per token assumed before a call, for the budget reservation. Real JSON-heavy prompts
 * run at about 3.5 to 4 on the GPT tokenizers; 3 keeps the estimate on the high side.
 */
export const CHARS_PER_TOKEN_ESTIMATE = 3;
/** Chat framing per message, plus the response_format schema the API adds to the prompt. */
const FRAMING_TOKENS = 12;
const SCHEMA_TOKENS = Math.ceil(
  JSON.stringify(z.toJSONSchema(VerdictSchema)).length / CHARS_PER_TOKEN_ESTIMATE,
);

export function estimatePromptTokens(messages: readonly string[]): number {
  const chars = messages.reduce((sum, text) => sum + text.length, 0);
  return Math.ceil(chars / CHARS_PER_TOKEN_ESTIMATE) + FRAMING_TOKENS * messages.length + SCHEMA_TOKENS;
}

/**
 * The most a call can cost: the prompt estimated on the high side and the full output allowance.
 * Reserved against the daily budget before the call and corrected to the real cost after it.
 */
export function estimateCallCost(messages: readonly string[], maxOutputTokens: number, price: ModelPrice) {
  const usage = { prompt: estimatePromptTokens(messages), completion: maxOutputTokens };
  return { usage, usd: costUsd(usage, price) };
}

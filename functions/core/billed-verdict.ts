import * as z from "zod";
import { SignalSchema } from "./signal";

/**
 * What one billed LLM call decided for one close, stored before the signal: if the signal write
 * fails, the redelivery reuses it instead of calling (and paying) again, and stores the same verdict.
 */
export const BilledVerdictSchema = SignalSchema.pick({
  action: true,
  confidence: true,
  reasons: true,
  horizon: true,
  model: true,
  promptVersion: true,
}).extend({
  analyst: z.literal("llm"),
  tokens: SignalSchema.shape.tokens.unwrap(),
  costUsd: SignalSchema.shape.costUsd.unwrap(),
});
export type BilledVerdict = z.infer<typeof BilledVerdictSchema>;

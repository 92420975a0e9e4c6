import * as z from "zod";
import { errorMessage } from "./errors";
import { parseJson, parseOrThrow } from "./validation";

/**
 * What the LLM must answer, as a zod schema that the OpenAI adapter turns into a strict JSON schema
 * (structured outputs). The same schema validates the answer here, because an OpenAI-compatible
 * server may ignore `response_format`.
 */
export const HORIZONS = ["hours", "days", "weeks"] as const;
export const MAX_REASON_CHARS = 160;

export const VerdictSchema = z.object({
  action: z.enum(["BUY", "SELL", "HOLD"]),
  confidence: z.number().min(0).max(1).describe("0 = no conviction, 1 = certain"),
  reasons: z.array(z.string().describe("one short clause citing the numbers, under 15 words")).min(2).max(3),
  horizon: z.enum(HORIZONS).describe("how long the call is meant to hold"),
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** Why an analysis ended as ABSTAIN; stored as the signal's only reason. */
export const ABSTAIN_REASONS = [
  "invalid-output",
  "schema-mismatch",
  "refusal",
  "truncated",
  "content-filter",
  "budget",
  "quota",
  "auth",
  "rejected",
  /** The LLM failed transiently on every delivery the queue allows (the error is on the signal). */
  "unavailable",
] as const;
export type AbstainReason = (typeof ABSTAIN_REASONS)[number];

export interface TokenUsage {
  prompt: number;
  completion: number;
}

/** One Chat Completions answer, as the port hands it over (first choice only). */
export interface ModelCompletion {
  /** The model id the server reports (may be a dated snapshot of the one requested). */
  model: string;
  content: string | null;
  refusal: string | null;
  finishReason: string | null;
  usage?: TokenUsage;
}

export interface ModelRequest {
  model: string;
  system: string;
  user: string;
  maxOutputTokens: number;
}

/**
 * The LLM port. `complete` resolves with the answer, throws ModelUnavailableError for failures
 * that retrying cannot fix (quota, auth, a rejected request), and throws anything else for
 * failures SQS should retry (429 rate limit, 5xx, timeouts, connection errors).
 */
export interface AnalystModel {
  complete(request: ModelRequest): Promise<ModelCompletion>;
}

export type UnavailableReason = Extract<AbstainReason, "quota" | "auth" | "rejected" | "unavailable">;

export class ModelUnavailableError extends Error {
  constructor(
    readonly reason: UnavailableReason,
    message: string,
  ) {
    super(message);
    this.name = "ModelUnavailableError";
  }
}

/**
 * The endpoint gave no answer to read: no connection, a timeout, or a 5xx. Retried like any transient
 * failure, and counted by the circuit breaker (llm-circuit.ts). The message names the endpoint and the
 * cause, e.g. `LLM endpoint http://127.0.0.1:9/v1 unreachable (ECONNREFUSED)`.
 */
export class ModelUnreachableError extends Error {
  constructor(
    readonly endpoint: string,
    message: string,
  ) {
    super(message);
    this.name = "ModelUnreachableError";
  }
}

/**
 * Sorts an HTTP failure of the LLM API: `retry` lets the message fail so SQS redelivers it (bounded
 * by the DLQ); the others end as ABSTAIN at once, since a retry would fail the same way.
 */
export function classifyApiFailure(
  status: number | undefined,
  code?: string | null,
): "retry" | UnavailableReason {
  if (status === undefined || status === 408 || status === 409 || status >= 500) return "retry";
  if (status === 429) return code === "insufficient_quota" ? "quota" : "retry";
  if (status === 401 || status === 403) return "auth";
  return "rejected";
}

export type VerdictOutcome =
  | { kind: "verdict"; verdict: Verdict }
  | { kind: "abstain"; reason: AbstainReason; detail: string };

const abstain = (reason: AbstainReason, detail: string): VerdictOutcome => ({
  kind: "abstain",
  reason,
  detail,
});

/**
 * Reads a completion strictly: a refusal, a truncated or filtered answer, content that is not JSON
 * or does not match the schema all become ABSTAIN with the reason, never a made-up HOLD.
 */
export function readVerdict(completion: ModelCompletion): VerdictOutcome {
  if (completion.refusal) return abstain("refusal", completion.refusal);
  if (completion.finishReason === "length") return abstain("truncated", "finish_reason length");
  if (completion.finishReason === "content_filter")
    return abstain("content-filter", "finish_reason content_filter");
  if (!completion.content) return abstain("invalid-output", "empty content");
  let json: unknown;
  try {
    json = parseJson(completion.content, "model output");
  } catch (error) {
    return abstain("invalid-output", errorMessage(error));
  }
  let verdict: Verdict;
  try {
    verdict = parseOrThrow(VerdictSchema, json, "model verdict");
  } catch (error) {
    return abstain("schema-mismatch", errorMessage(error));
  }
  return {
    kind: "verdict",
    verdict: {
      ...verdict,
      reasons: verdict.reasons.map((reason) => reason.trim().slice(0, MAX_REASON_CHARS)),
    },
  };
}

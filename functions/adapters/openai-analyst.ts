import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { toStrictJsonSchema } from "openai/lib/transform";
import type { ResponseFormatJSONSchema } from "openai/resources/shared";
import * as z from "zod";
import {
  type AnalystModel,
  classifyApiFailure,
  type ModelCompletion,
  type ModelRequest,
  ModelUnavailableError,
  ModelUnreachableError,
  VerdictSchema,
} from "../core/verdict";

/**
 * The verdict schema as a strict JSON schema (structured outputs); built once per container. What
 * openai/helpers/zod's zodResponseFormat sends for a zod 4 schema (draft-7, made strict by the SDK's
 * own toStrictJsonSchema), without the helper: it also loads a zod 3 converter (~60 KB).
 */
export const VERDICT_RESPONSE_FORMAT: ResponseFormatJSONSchema = {
  type: "json_schema",
  json_schema: {
    name: "verdict",
    strict: true,
    schema: toStrictJsonSchema(
      z.toJSONSchema(VerdictSchema, { target: "draft-7" }) as Parameters<typeof toStrictJsonSchema>[0],
    ) as Record<string, unknown>,
  },
};

export interface OpenAiAnalystOptions {
  apiKey: string;
  /** An OpenAI-compatible server (Ollama, vLLM, OpenRouter); undefined lets the SDK read OPENAI_BASE_URL. */
  baseURL?: string;
  /** Per request, below the function timeout, so a hung call fails the message instead of the batch. */
  timeoutMs: number;
}

/**
 * The LLM port over Chat Completions with structured output. The SDK does not retry (maxRetries 0):
 * a failed message goes back to SQS, which retries it a bounded number of times before the DLQ.
 */
export class OpenAiAnalyst implements AnalystModel {
  private readonly client: OpenAI;
  private readonly timeoutMs: number;

  constructor(options: OpenAiAnalystOptions) {
    this.timeoutMs = options.timeoutMs;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 0,
    });
  }

  async complete(request: ModelRequest): Promise<ModelCompletion> {
    try {
      const completion = await this.client.chat.completions.create({
        model: request.model,
        messages: [
          { role: "system", content: request.system },
          { role: "user", content: request.user },
        ],
        response_format: VERDICT_RESPONSE_FORMAT,
        max_completion_tokens: request.maxOutputTokens,
      });
      const choice = completion.choices[0];
      return {
        model: completion.model,
        content: choice?.message.content ?? null,
        refusal: choice?.message.refusal ?? null,
        finishReason: choice?.finish_reason ?? null,
        usage: completion.usage && {
          prompt: completion.usage.prompt_tokens,
          completion: completion.usage.completion_tokens,
        },
      };
    } catch (error) {
      // No connection, a timeout or a 5xx: retried, and counted by the circuit breaker, under a
      // message that names the endpoint (the SDK's own says only "Connection error.").
      if (error instanceof APIConnectionError)
        throw new ModelUnreachableError(
          this.client.baseURL,
          error instanceof APIConnectionTimeoutError
            ? `LLM endpoint ${this.client.baseURL} timed out after ${this.timeoutMs / 1000} s`
            : `LLM endpoint ${this.client.baseURL} unreachable (${connectionCause(error)})`,
        );
      if (error instanceof APIError && error.status !== undefined && error.status >= 500)
        throw new ModelUnreachableError(
          this.client.baseURL,
          `LLM endpoint ${this.client.baseURL} answered HTTP ${error.status} (${error.message})`,
        );
      if (error instanceof APIError) {
        const kind = classifyApiFailure(error.status, error.code);
        if (kind !== "retry")
          throw new ModelUnavailableError(
            kind,
            `OpenAI ${error.code ?? error.type ?? "error"}: ${error.message}`,
          );
      }
      throw error;
    }
  }
}

/**
 * The innermost cause of a connection failure: a system code (ECONNREFUSED, ENOTFOUND, ECONNRESET)
 * when there is one, else its message (undici's "other side closed", "bad port").
 */
export function connectionCause(error: Error): string {
  let deepest: unknown = error;
  while ((deepest as { cause?: unknown }).cause instanceof Error) deepest = (deepest as Error).cause;
  const { code, message } = deepest as { code?: unknown; message?: string };
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? code : (message ?? "connection failed");
}

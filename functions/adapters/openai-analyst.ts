import OpenAI, { APIConnectionError, APIError } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import {
  type AnalystModel,
  classifyApiFailure,
  type ModelCompletion,
  type ModelRequest,
  ModelUnavailableError,
  VerdictSchema,
} from "../core/verdict";

/** The verdict schema as a strict JSON schema (structured outputs); built once per container. */
export const VERDICT_RESPONSE_FORMAT = zodResponseFormat(VerdictSchema, "verdict");

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

  constructor(options: OpenAiAnalystOptions) {
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
      // Connection errors and timeouts carry no status: they are retried like 5xx.
      if (error instanceof APIError && !(error instanceof APIConnectionError)) {
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

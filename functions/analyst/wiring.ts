import { DynamoStore } from "../adapters/dynamo-store";
import { OpenAiAnalyst } from "../adapters/openai-analyst";
import { ENV_NAMES, FUNCTION_TIMEOUT_SECONDS } from "../adapters/resource-definitions";
import type { Config } from "../core/config";
import { systemClock } from "../core/ports";
import type { AnalystModel } from "../core/verdict";
import { loadConfig } from "../runtime/config";
import { optionalEnv, requireEnv } from "../runtime/env";
import { logger } from "../runtime/logger";
import { OPENAI_KEY, readSecret } from "../runtime/secrets";
import type { AnalystDeps } from "./handler";

/** Time left in the invocation after the slowest LLM request, for the DynamoDB writes around it. */
const WRITE_MARGIN_MS = 10_000;

/** The request timeout: the configured one, capped below the analyst's function timeout. */
export const llmTimeoutMs = (config: Config): number =>
  Math.min(config.analyst.requestTimeoutMs, FUNCTION_TIMEOUT_SECONDS.analyst * 1000 - WRITE_MARGIN_MS);

const isMissingParameter = (error: unknown): boolean => {
  const { name, cause, message } = error as { name?: string; cause?: { name?: string }; message?: string };
  return (
    name === "ParameterNotFoundError" ||
    cause?.name === "ParameterNotFound" ||
    /empty or missing/.test(message ?? "")
  );
};

/**
 * The OpenAI analyst when a key is configured (OPENAI_API_KEY locally, else the SSM parameter named
 * by OPENAI_API_KEY_PARAMETER), otherwise undefined: the rules analyst. Logged once either way.
 */
export async function openAiModelFromEnv(config: Config): Promise<AnalystModel | undefined> {
  let apiKey: string | undefined;
  try {
    apiKey = await readSecret(OPENAI_KEY);
  } catch (error) {
    if (!isMissingParameter(error)) throw error;
    logger.warn("OpenAI key parameter not found: using the rules analyst", {
      parameter: optionalEnv(OPENAI_KEY.parameterNameVar),
    });
    return undefined;
  }
  if (!apiKey) {
    logger.info("no OpenAI key configured: using the rules analyst");
    return undefined;
  }
  const baseURL = optionalEnv("OPENAI_BASE_URL") ?? config.openai.baseUrl;
  logger.info("using the OpenAI analyst", {
    model: config.analyst.model,
    baseURL: baseURL ?? "api.openai.com",
  });
  return new OpenAiAnalyst({ apiKey, baseURL, timeoutMs: llmTimeoutMs(config) });
}

/**
 * Real adapters from env and config; anything in `overrides` is used as given, and what it replaces
 * is never built (so `store` spares TABLE_NAME, and `model: undefined` forces the rules analyst).
 */
export function analystDepsFromEnv(
  config: Config = loadConfig(),
  overrides: Partial<AnalystDeps> = {},
): AnalystDeps {
  const chosen = overrides.config ?? config;
  return {
    config: chosen,
    clock: overrides.clock ?? systemClock,
    store: overrides.store ?? new DynamoStore(requireEnv(ENV_NAMES.tableName)),
    model: "model" in overrides ? overrides.model : () => openAiModelFromEnv(chosen),
    leaseMs: overrides.leaseMs,
  };
}

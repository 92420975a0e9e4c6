import { DynamoStore } from "../adapters/dynamo-store";
import type { Config } from "../core/config";
import { CircuitBreakerModel } from "../core/llm-circuit";
import { plural } from "../core/plural";
import { type Clock, systemClock } from "../core/ports";
import type { AnalystModel } from "../core/verdict";
import { loadConfig } from "../runtime/config";
import { optionalEnv, requireEnv } from "../runtime/env";
import { logger } from "../runtime/logger";
import { onceUntilFailure } from "../runtime/once";
import { OPENAI_KEY, readSecret } from "../runtime/secrets";
import { ENV_NAMES, FUNCTION_TIMEOUT_SECONDS } from "../shared/resource-definitions";
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
export async function openAiModelFromEnv(
  config: Config,
  clock: Clock = systemClock,
): Promise<AnalystModel | undefined> {
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
  // Loaded only with a key: without one, the OpenAI SDK is never evaluated in this container.
  const { OpenAiAnalyst } = await import("../adapters/openai-analyst");
  const baseURL = optionalEnv("OPENAI_BASE_URL") ?? config.openai.baseUrl;
  logger.info("using the OpenAI analyst", {
    model: config.analyst.model,
    baseURL: baseURL ?? "api.openai.com",
  });
  return guardedModel(new OpenAiAnalyst({ apiKey, baseURL, timeoutMs: llmTimeoutMs(config) }), config, clock);
}

/**
 * The model behind this container's circuit breaker. Its outage is logged once: a WARN naming the
 * endpoint and the cause at the first failure, one when calls pause, and the counts when it answers
 * again; the closes in between are counted, not logged one by one.
 */
export function guardedModel(model: AnalystModel, config: Config, clock: Clock): CircuitBreakerModel {
  const { failuresToPause, pauseSeconds } = config.analyst.circuitBreaker;
  return new CircuitBreakerModel(model, { failuresToPause, pauseMs: pauseSeconds * 1000 }, clock, (event) => {
    if (event.kind === "unreachable")
      logger.warn(
        `${event.error}; after ${plural(event.options.failuresToPause, "failure")} in a row, calls pause for ${event.options.pauseMs / 1000} s and closes are stored as ABSTAIN unavailable`,
      );
    else if (event.kind === "paused")
      logger.warn(
        `LLM calls paused for ${event.pauseMs / 1000} s after ${plural(event.failuresInRow, "failure")} in a row: closes until then are stored as ABSTAIN unavailable`,
      );
    else
      logger.info(
        `LLM endpoint answers again, after ${plural(event.failedCalls, "failed call")} and ${plural(event.refusedCalls, "close")} not sent while paused`,
      );
  });
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
    model:
      "model" in overrides
        ? overrides.model
        : onceUntilFailure(() => openAiModelFromEnv(chosen, overrides.clock ?? systemClock)),
    leaseMs: overrides.leaseMs,
  };
}

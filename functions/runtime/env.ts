import { getStringFromEnv } from "@aws-lambda-powertools/commons/utils/env";

/** Reads a required env var, failing fast at cold start with the variable's name. */
export const requireEnv = (key: string): string =>
  getStringFromEnv({ key, errorMessage: `environment variable ${key} is required` });

/** Reads an optional env var; empty counts as unset. */
export const optionalEnv = (key: string): string | undefined => {
  const value = process.env[key]?.trim();
  return value ? value : undefined;
};

import { getParameter } from "@aws-lambda-powertools/parameters/ssm";
import { ENV_NAMES } from "../shared/resource-definitions";
import { optionalEnv } from "./env";

/** Seconds a decrypted parameter stays cached in the container before SSM is asked again. */
const SECRET_CACHE_SECONDS = 300;

export interface SecretSource {
  /** A plain env var that serves locally (never set on deployed functions). */
  envVar: string;
  /** Env var holding the SSM SecureString parameter's *name* (deployed functions). */
  parameterNameVar: string;
}

export const OPENAI_KEY: SecretSource = {
  envVar: "OPENAI_API_KEY",
  parameterNameVar: ENV_NAMES.openaiKeyParameter,
};
export const TELEGRAM_TOKEN: SecretSource = {
  envVar: "TELEGRAM_BOT_TOKEN",
  parameterNameVar: ENV_NAMES.botTokenParameter,
};

/**
 * Resolves a secret by name: the local env var when present, otherwise the SSM parameter read with
 * Powertools Parameters (decrypted, cached). Undefined when neither is configured.
 */
export async function readSecret(source: SecretSource): Promise<string | undefined> {
  const local = optionalEnv(source.envVar);
  if (local) return local;
  const name = optionalEnv(source.parameterNameVar);
  if (!name) return undefined;
  const value = await getParameter(name, { decrypt: true, maxAge: SECRET_CACHE_SECONDS });
  if (!value) throw new Error(`SSM parameter ${name} is empty or missing`);
  return value;
}

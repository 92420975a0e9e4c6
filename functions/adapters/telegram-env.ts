import { webhookSecretFromToken } from "../core/bot/webhook-secret";
import type { Config } from "../core/config";
import { optionalEnv } from "../runtime/env";
import { readSecret, TELEGRAM_TOKEN } from "../runtime/secrets";

/** Local-only extras: one more allowed chat (comma-separated ids work too), and a fixed webhook secret. */
export const TELEGRAM_CHAT_ID_ENV = "TELEGRAM_CHAT_ID";
export const TELEGRAM_WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET";

/** config.telegram.chatIds plus TELEGRAM_CHAT_ID when set: where alerts go and who the bot answers. */
export function telegramChatIds(config: Pick<Config, "telegram">): string[] {
  const extra = (optionalEnv(TELEGRAM_CHAT_ID_ENV) ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);
  return [...new Set([...config.telegram.chatIds, ...extra])];
}

/** True when a bot token is reachable: TELEGRAM_BOT_TOKEN locally, or the SSM parameter's name deployed. */
export const hasTelegramToken = (): boolean =>
  Boolean(optionalEnv(TELEGRAM_TOKEN.envVar) ?? optionalEnv(TELEGRAM_TOKEN.parameterNameVar));

export async function requireBotToken(): Promise<string> {
  const token = await readSecret(TELEGRAM_TOKEN);
  if (!token)
    throw new Error(`no bot token: set ${TELEGRAM_TOKEN.envVar} or ${TELEGRAM_TOKEN.parameterNameVar}`);
  return token;
}

/** TELEGRAM_WEBHOOK_SECRET when set (local), otherwise derived from the bot token; undefined without either. */
export async function webhookSecretFromEnv(): Promise<string | undefined> {
  const fixed = optionalEnv(TELEGRAM_WEBHOOK_SECRET_ENV);
  if (fixed) return fixed;
  return hasTelegramToken() ? webhookSecretFromToken(await requireBotToken()) : undefined;
}

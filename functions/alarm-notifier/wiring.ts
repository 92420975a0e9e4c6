import { requireBotToken, telegramChatIds } from "../adapters/telegram-env";
import { TelegramMessenger } from "../adapters/telegram-messenger";
import type { Config } from "../core/config";
import { loadConfig } from "../runtime/config";
import type { AlarmNotifierDeps } from "./handler";

/** Telegram through grammY with the bot token from SSM, to the configured chats. */
export function alarmNotifierDepsFromEnv(config: Config = loadConfig()): AlarmNotifierDeps {
  return {
    messenger: new TelegramMessenger(requireBotToken, { timeoutSeconds: 10 }),
    chatIds: telegramChatIds(config),
  };
}

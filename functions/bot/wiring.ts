import { setTimeout as sleep } from "node:timers/promises";
import { fileDashboardAssets } from "../adapters/dashboard-assets";
import { DynamoStore } from "../adapters/dynamo-store";
import { pipelineHealthFromEnv } from "../adapters/pipeline-health";
import {
  hasTelegramToken,
  requireBotToken,
  telegramChatIds,
  webhookSecretFromEnv,
} from "../adapters/telegram-env";
import { TelegramMessenger } from "../adapters/telegram-messenger";
import { createTerminalMessenger } from "../adapters/terminal-messenger";
import type { Config } from "../core/config";
import { systemClock } from "../core/ports";
import { loadConfig } from "../runtime/config";
import { requireEnv } from "../runtime/env";
import { logger } from "../runtime/logger";
import { ENV_NAMES } from "../shared/resource-definitions";
import type { BotDeps } from "./handler";

/** Bot API calls from the bot Lambda must finish well inside its 15 s timeout. */
const BOT_API_TIMEOUT_SECONDS = 8;

/**
 * Real adapters from env: the table (TABLE_NAME), the DLQs and alarm prefix for /status, the bot
 * token (TELEGRAM_BOT_TOKEN or the SSM parameter), the webhook secret derived from it unless
 * TELEGRAM_WEBHOOK_SECRET is set, the allowlist from config plus TELEGRAM_CHAT_ID, and the dashboard's
 * files from `dashboard/` beside the bundle.
 */
export function botDepsFromEnv(config: Config = loadConfig(), overrides: Partial<BotDeps> = {}): BotDeps {
  return {
    config,
    store: overrides.store ?? new DynamoStore(requireEnv(ENV_NAMES.tableName)),
    telegram: hasTelegramToken()
      ? new TelegramMessenger(requireBotToken, { timeoutSeconds: BOT_API_TIMEOUT_SECONDS })
      : createTerminalMessenger(),
    webhookSecret: webhookSecretFromEnv,
    allowlist: telegramChatIds(config),
    health: pipelineHealthFromEnv(logger),
    clock: systemClock,
    sleep: (ms) => sleep(ms),
    dashboard: {
      assets: fileDashboardAssets(),
      botToken: async () => (hasTelegramToken() ? requireBotToken() : undefined),
    },
    ...overrides,
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import { DynamoStore } from "../adapters/dynamo-store";
import { hasTelegramToken, requireBotToken, telegramChatIds } from "../adapters/telegram-env";
import { TelegramMessenger } from "../adapters/telegram-messenger";
import { createTerminalMessenger, TERMINAL_CHAT_ID } from "../adapters/terminal-messenger";
import type { Config } from "../core/config";
import type { ChartRenderer } from "../core/notify";
import { systemClock } from "../core/ports";
import { loadConfig } from "../runtime/config";
import { optionalEnv, requireEnv } from "../runtime/env";
import { onceUntilFailure } from "../runtime/once";
import { ENV_NAMES } from "../shared/resource-definitions";
import type { NotifierDeps } from "./handler";

/** A hung Bot API call must end inside the time the handler keeps back after a 429 wait. */
const BOT_API_TIMEOUT_SECONDS = 10;

/**
 * A renderer whose code loads with the first chart it draws, so a batch with no alert to draw never
 * evaluates it. A failed load is not kept: the next chart tries again.
 */
export function chartRendererOnFirstUse(load: () => Promise<ChartRenderer>): ChartRenderer {
  const renderer = onceUntilFailure(load);
  return { render: async (svg) => (await renderer()).render(svg) };
}

/** The alert chart as PNG: resvg and its wasm, loaded on the first alert. */
const alertChartRenderer = () =>
  chartRendererOnFirstUse(
    async () => new (await import("../adapters/telegram-chart-png")).ResvgChartRenderer(),
  );

/**
 * Real adapters from env: the table (TABLE_NAME), and Telegram when a bot token is reachable
 * (TELEGRAM_BOT_TOKEN locally, the SSM parameter named by TELEGRAM_BOT_TOKEN_PARAMETER deployed).
 * Without a token, alerts print to the terminal: the local runtime's default.
 */
export function notifierDepsFromEnv(
  config: Config = loadConfig(),
  overrides: Partial<NotifierDeps> = {},
): NotifierDeps {
  const telegram = hasTelegramToken();
  return {
    config,
    store: overrides.store ?? new DynamoStore(requireEnv(ENV_NAMES.tableName)),
    messenger: telegram
      ? new TelegramMessenger(requireBotToken, { timeoutSeconds: BOT_API_TIMEOUT_SECONDS })
      : createTerminalMessenger(),
    chartRenderer: telegram ? alertChartRenderer() : undefined,
    clock: systemClock,
    sleep,
    chatIds: telegram ? telegramChatIds(config) : [TERMINAL_CHAT_ID],
    // Set by the stack only: locally the dashboard is http://127.0.0.1, which Telegram refuses for web_app.
    dashboardUrl: optionalEnv(ENV_NAMES.dashboardUrl),
    ...overrides,
  };
}

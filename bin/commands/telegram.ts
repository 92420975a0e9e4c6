import { getParameter } from "@aws-lambda-powertools/parameters/ssm";
import type { Command } from "commander";
import type { Api } from "grammy";
import { telegramApi } from "../../functions/adapters/telegram-api";
import { TELEGRAM_WEBHOOK_SECRET_ENV } from "../../functions/adapters/telegram-env";
import { DASHBOARD_PATH } from "../../functions/bot/dashboard-route";
import { BOT_COMMANDS } from "../../functions/core/bot/commands";
import { ALLOWED_UPDATES } from "../../functions/core/bot/update";
import { WEBHOOK_SECRET_PATTERN, webhookSecretFromToken } from "../../functions/core/bot/webhook-secret";
import { errorMessage } from "../../functions/core/errors";
import { loadConfig } from "../../functions/runtime/config";
import { optionalEnv } from "../../functions/runtime/env";
import { TELEGRAM_TOKEN } from "../../functions/runtime/secrets";
import { STACK_OUTPUTS } from "../../functions/shared/resource-definitions";
import { requireStackOutput } from "../../local/stack-outputs";

interface WebhookOptions {
  url?: string;
  token?: string;
  secret?: string;
  dropPending?: boolean;
  delete?: boolean;
}

/**
 * The dashboard's URL beside a webhook URL (the bot's Function URL serves both); undefined unless it is
 * https, the only scheme Telegram opens a Mini App from.
 */
export function dashboardUrlFor(webhookUrl: string): string | undefined {
  const url = new URL(DASHBOARD_PATH, webhookUrl);
  return url.protocol === "https:" ? url.toString() : undefined;
}

/**
 * Points the bot at `url` with the secret token, registers the command menu, and makes the menu button
 * open the dashboard (the default for every private chat with the bot; others get 401 from it).
 */
export async function setUpWebhook(
  api: Api,
  options: { url: string; secret: string; dropPending?: boolean },
) {
  if (!WEBHOOK_SECRET_PATTERN.test(options.secret))
    throw new Error("the webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -");
  await api.setWebhook(options.url, {
    secret_token: options.secret,
    allowed_updates: [...ALLOWED_UPDATES],
    drop_pending_updates: options.dropPending === true,
  });
  await api.setMyCommands(BOT_COMMANDS.map(({ command, description }) => ({ command, description })));
  const dashboardUrl = dashboardUrlFor(options.url);
  if (dashboardUrl)
    await api.setChatMenuButton({
      menu_button: { type: "web_app", text: "Dashboard", web_app: { url: dashboardUrl } },
    });
  return { ...(await api.getWebhookInfo()), dashboardUrl };
}

async function botToken(explicit: string | undefined, parameterName: string): Promise<string> {
  const token = explicit ?? optionalEnv(TELEGRAM_TOKEN.envVar);
  if (token) return token;
  try {
    const stored = await getParameter(parameterName, { decrypt: true });
    if (stored) return stored;
  } catch (error) {
    throw new Error(
      `no bot token: pass --token, set ${TELEGRAM_TOKEN.envVar}, or create the SSM parameter ${parameterName} (${errorMessage(error)})`,
    );
  }
  throw new Error(`SSM parameter ${parameterName} is empty`);
}

async function webhookCommand(options: WebhookOptions): Promise<void> {
  const config = loadConfig();
  const token = await botToken(options.token, config.telegram.botTokenParameter);
  const api = telegramApi(token);
  if (options.delete) {
    await api.deleteWebhook({ drop_pending_updates: options.dropPending === true });
    console.log("Webhook removed: the bot can now be polled (npm start -- --poll).");
    return;
  }
  const url = options.url ?? (await requireStackOutput(config.stackName, STACK_OUTPUTS.webhookUrl));
  const secret = options.secret ?? optionalEnv(TELEGRAM_WEBHOOK_SECRET_ENV) ?? webhookSecretFromToken(token);
  const info = await setUpWebhook(api, { url, secret, dropPending: options.dropPending });
  console.log(`Webhook set: ${info.url} (${info.pending_update_count} pending updates)`);
  console.log(`Command menu registered: ${BOT_COMMANDS.map((c) => `/${c.command}`).join(" ")}`);
  console.log(
    info.dashboardUrl
      ? `Menu button: Dashboard, opening ${info.dashboardUrl}`
      : "Menu button unchanged: Telegram opens a dashboard (Mini App) only from an https URL",
  );
  if (info.last_error_message) console.log(`Telegram's last delivery error: ${info.last_error_message}`);
  console.log("Send /start to the bot to see your chat id, then add it to telegram.chatIds.");
}

export function registerTelegramCommand(program: Command): void {
  const telegram = program.command("telegram").description("set up the Telegram bot");
  telegram
    .command("webhook")
    .description(
      "point the bot's webhook at the deployed stack, register the command menu and the Dashboard menu button",
    )
    .option("--url <url>", `webhook URL (default: the stack's ${STACK_OUTPUTS.webhookUrl} output)`)
    .option(
      "--token <token>",
      `bot token (default: ${TELEGRAM_TOKEN.envVar}, else the SSM parameter in the config)`,
    )
    .option(
      "--secret <secret>",
      `secret token (default: ${TELEGRAM_WEBHOOK_SECRET_ENV}, else derived from the bot token as the bot Lambda does)`,
    )
    .option("--drop-pending", "discard updates that queued up while no webhook was set")
    .option("--delete", "remove the webhook instead (long polling with --poll needs that)")
    .action(webhookCommand);
}

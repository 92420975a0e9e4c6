import { TELEGRAM_CHAT_ID_ENV, TELEGRAM_WEBHOOK_SECRET_ENV } from "../functions/adapters/telegram-env";
import { optionalEnv } from "../functions/runtime/env";
import { TELEGRAM_TOKEN } from "../functions/runtime/secrets";
import { localDashboard } from "./dashboard-link";
import type { LocalPipeline } from "./runtime";
import { startBotPoller, startBotWebhookServer } from "./telegram-bot-server";

export const DEFAULT_SERVE_PORT = 8787;

/**
 * Keeps the local pipeline up for the bot after the replay: the webhook over HTTP (`--serve`), and/or
 * long polling against Telegram (`--poll`), until Ctrl-C, or until Telegram refuses polling for good.
 */
export async function serveBot(
  pipeline: { handlers: Pick<LocalPipeline["handlers"], "botDeps"> },
  options: { serve?: boolean; poll?: boolean; port?: number },
  log: (line: string) => void,
): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  // Settles only when polling ends on its own: a webhook set (409) or a wrong token (401).
  let pollingEnded: Promise<void> = new Promise<void>(() => undefined);
  let deps = pipeline.handlers.botDeps;
  if (options.serve) {
    const dashboard = await localDashboard(deps);
    deps = dashboard.deps;
    const server = await startBotWebhookServer({ deps, port: options.port ?? DEFAULT_SERVE_PORT });
    stops.push(server.stop);
    log(`\nBot webhook: ${server.url}`);
    // Only a secret generated for this run is shown; a configured or token-derived one stays private.
    const generated = !optionalEnv(TELEGRAM_WEBHOOK_SECRET_ENV) && !optionalEnv(TELEGRAM_TOKEN.envVar);
    log(
      `  secret token (X-Telegram-Bot-Api-Secret-Token): ${generated ? `${server.secret} (generated: set TELEGRAM_WEBHOOK_SECRET to fix it)` : "the one configured"}`,
    );
    log(
      `  allowlist: ${dashboard.standIn ? `none: set ${TELEGRAM_CHAT_ID_ENV} or telegram.chatIds` : deps.allowlist.join(", ")}`,
    );
    const hours = deps.config.dashboard.maxAuthAgeSeconds / 3600;
    log(`\nDashboard: ${server.appUrl}; this link signs in as Telegram would (for ${hours} h):`);
    log(`  ${dashboard.link(server.appUrl)}`);
    if (dashboard.standIn)
      log(
        `  (as a stand-in user allowed for this run only: set ${TELEGRAM_CHAT_ID_ENV} to sign in as yourself)`,
      );
  }
  if (options.poll) {
    const token = optionalEnv(TELEGRAM_TOKEN.envVar);
    if (!token) throw new Error("--poll needs TELEGRAM_BOT_TOKEN (a real bot token from @BotFather)");
    const poller = startBotPoller({ deps, token, onError: (error) => log(`poll: ${error.message}`) });
    stops.push(poller.stop);
    pollingEnded = poller.done;
    log("\nAnswering your bot over long polling (getUpdates): send it /history BTC-USD");
  }
  log("Ctrl-C stops.");
  let interrupted = () => {};
  const sigint = new Promise<void>((resolve) => {
    interrupted = resolve;
  });
  process.once("SIGINT", interrupted);
  try {
    await Promise.race([sigint, pollingEnded]);
  } finally {
    process.off("SIGINT", interrupted);
    for (const stop of stops) await stop();
  }
}

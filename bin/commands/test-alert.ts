import { setTimeout as sleep } from "node:timers/promises";
import { getParameter } from "@aws-lambda-powertools/parameters/ssm";
import type { Command } from "commander";
import { GrammyError } from "grammy";
import { telegramApi } from "../../functions/adapters/telegram-api";
import { ResvgChartRenderer } from "../../functions/adapters/telegram-chart-png";
import { TELEGRAM_CHAT_ID_ENV, telegramChatIds } from "../../functions/adapters/telegram-env";
import { TelegramMessenger } from "../../functions/adapters/telegram-messenger";
import type { Config } from "../../functions/core/config";
import { errorMessage } from "../../functions/core/errors";
import { TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT } from "../../functions/core/message";
import { deliver, renderChart } from "../../functions/core/notify";
import { sampleAlert, testAlertText } from "../../functions/core/test-alert";
import { loadConfig } from "../../functions/runtime/config";
import { optionalEnv } from "../../functions/runtime/env";
import { TELEGRAM_TOKEN } from "../../functions/runtime/secrets";
import { sampleSeries } from "../../local/sample-series";

const SAMPLE_SYMBOL = "BTC-USD";
/** Closes searched for a sample alert, beyond the window each close is analysed on. */
const SAMPLE_CLOSES = 500;

async function tokenFromSsm(name: string): Promise<string> {
  let value: string | undefined;
  try {
    value = await getParameter(name, { decrypt: true });
  } catch (error) {
    throw new Error(`could not read the bot token from SSM parameter ${name}: ${errorMessage(error)}`);
  }
  if (!value) throw new Error(`SSM parameter ${name} is empty: put the bot token from @BotFather in it`);
  return value;
}

async function botToken(config: Config, aws: boolean): Promise<string> {
  if (aws) return tokenFromSsm(config.telegram.botTokenParameter);
  const token = optionalEnv(TELEGRAM_TOKEN.envVar);
  if (!token)
    throw new Error(
      `no bot token: set ${TELEGRAM_TOKEN.envVar} (from @BotFather), or pass --aws to use the deployed one`,
    );
  return token;
}

/** A clear line for the token check; a 401 means Telegram does not know this token. */
async function checkToken(token: string): Promise<string> {
  try {
    const me = await telegramApi(token).getMe();
    return me.username;
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 401)
      throw new Error(
        "the bot token was refused by Telegram (401 Unauthorized): copy it again from @BotFather",
      );
    throw new Error(`could not reach Telegram to check the bot token: ${errorMessage(error)}`);
  }
}

async function testAlertCommand(options: { aws?: boolean }): Promise<void> {
  const config = loadConfig();
  const token = await botToken(config, options.aws === true);
  const chats = telegramChatIds(config);
  if (chats.length === 0)
    throw new Error(
      `no chat to send to: set ${TELEGRAM_CHAT_ID_ENV} or telegram.chatIds; send /start to your bot to learn the id`,
    );
  const bot = await checkToken(token);

  const now = Date.now();
  const candles = sampleSeries(SAMPLE_SYMBOL, config.timeframe, config.lookbackCandles + SAMPLE_CLOSES, now);
  const signal = sampleAlert(SAMPLE_SYMBOL, candles, config, now);
  if (!signal) throw new Error("the sample series gave no BUY or SELL to show");
  const view = { timezone: config.timezone, now };
  const chart = await renderChart(signal, new ResvgChartRenderer(), view);
  if (chart.chartError)
    console.log(`The chart did not render (${chart.chartError}): sending the text alone.`);
  const base = chart.png
    ? { photo: chart.png, text: testAlertText(signal, { ...view, limit: TELEGRAM_CAPTION_LIMIT }) }
    : { text: testAlertText(signal, { ...view, limit: TELEGRAM_TEXT_LIMIT }) };

  const messenger = new TelegramMessenger(async () => token, { timeoutSeconds: 20 });
  const budget = { remainingMs: 30_000 };
  const failed: string[] = [];
  for (const chatId of chats) {
    let { outcome, message } = await deliver(
      messenger,
      { ...base, chatId, format: "html" },
      { sleep, budget },
    );
    // A connection the server closed as it was reused fails at once; a second test message would be harmless.
    if (outcome.kind === "failed")
      ({ outcome, message } = await deliver(
        messenger,
        { ...base, chatId, format: "html" },
        { sleep, budget },
      ));
    if (outcome.kind === "sent") {
      console.log(`Test alert sent to chat ${chatId} by @${bot}${message.photo ? ", chart included" : ""}.`);
      continue;
    }
    const hint =
      outcome.kind === "undeliverable"
        ? `: send /start to @${bot} from that chat, and check the id`
        : outcome.kind === "failed"
          ? ": try again later"
          : "";
    failed.push(chatId);
    console.error(`chat ${chatId}: ${outcome.description}${hint}`);
  }
  if (failed.length > 0)
    throw new Error(`the test alert reached ${chats.length - failed.length} of ${chats.length} chats`);
}

export function registerTestAlertCommand(program: Command): void {
  program
    .command("test-alert")
    .description(
      `send one sample alert, chart included, to the configured chats (telegram.chatIds and ${TELEGRAM_CHAT_ID_ENV}) with ${TELEGRAM_TOKEN.envVar}`,
    )
    .option("--aws", "use the deployed bot token, from the SSM parameter named in the config")
    .action(testAlertCommand);
}

import { type Api, InputFile } from "grammy";
import type { BotReplier } from "../core/bot/bot";
import type { InlineKeyboard } from "../core/bot/callbacks";
import type { OutgoingMessage, SendOutcome } from "../core/notify";
import { onceUntilFailure } from "../runtime/once";
import { classifyBotApiError, telegramApi } from "./telegram-api";

const replyMarkup = (keyboard: InlineKeyboard | undefined) =>
  keyboard
    ? {
        inline_keyboard: keyboard.map((row) =>
          row.map((button) =>
            "webAppUrl" in button
              ? { text: button.text, web_app: { url: button.webAppUrl } }
              : { text: button.text, callback_data: button.callbackData },
          ),
        ),
      }
    : undefined;

/**
 * Sends alerts and bot replies through grammY's Api: sendMessage with HTML, sendPhoto for the chart.
 * The token is resolved on first use (SSM when deployed), so building the messenger reads nothing.
 */
export class TelegramMessenger implements BotReplier {
  private readonly client: () => Promise<Api>;

  constructor(token: () => Promise<string>, options: { timeoutSeconds?: number } = {}) {
    this.client = onceUntilFailure(async () => telegramApi(await token(), options));
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const other = {
      parse_mode: message.format === "html" ? ("HTML" as const) : undefined,
      reply_markup: replyMarkup(message.keyboard),
      disable_notification: message.silent ? true : undefined,
    };
    try {
      const api = await this.client();
      if (message.photo) {
        await api.sendPhoto(message.chatId, new InputFile(message.photo, "chart.png"), {
          ...other,
          caption: message.text,
        });
      } else {
        await api.sendMessage(message.chatId, message.text, {
          ...other,
          link_preview_options: { is_disabled: true },
        });
      }
      return { kind: "sent" };
    } catch (error) {
      return classifyBotApiError(error);
    }
  }

  async answerCallback(callbackQueryId: string, text?: string): Promise<void> {
    const api = await this.client();
    await api.answerCallbackQuery(callbackQueryId, text ? { text } : undefined);
  }
}

import type { BotReplier } from "../core/bot/bot";
import { htmlToPlain } from "../core/message";
import type { OutgoingMessage } from "../core/notify";

/** The recipient the local runtime uses when there is no bot token: the terminal itself. */
export const TERMINAL_CHAT_ID = "terminal";

export interface TerminalMessengerOptions {
  /** Where lines go; stdout by default. */
  write?: (text: string) => void;
}

/** What a Telegram chat would show, as terminal text: the message, its buttons, its chart. */
export function terminalText(message: OutgoingMessage): string {
  const to = message.chatId === TERMINAL_CHAT_ID ? "" : ` → chat ${message.chatId}`;
  const header = `──── telegram${to}${message.silent ? " (silent)" : ""} ────`;
  const body = message.format === "html" ? htmlToPlain(message.text) : message.text;
  const buttons = message.keyboard?.flat().map((button) => `[${button.text}]`);
  return [
    header,
    ...(message.photo ? [`[chart: ${message.photo.byteLength} byte PNG]`] : []),
    body,
    ...(buttons?.length ? [buttons.join(" ")] : []),
  ].join("\n");
}

/** Prints alerts and bot replies instead of sending them: the local runtime without a bot token. */
export function createTerminalMessenger(options: TerminalMessengerOptions = {}): BotReplier {
  const write = options.write ?? ((text: string) => process.stdout.write(`${text}\n`));
  return {
    async send(message) {
      write(terminalText(message));
      return { kind: "sent" };
    },
    async answerCallback(_callbackQueryId, text) {
      if (text) write(`──── telegram button answer ────\n${text}`);
    },
  };
}

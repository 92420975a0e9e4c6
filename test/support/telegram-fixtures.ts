import { type Signal, SignalSchema } from "../../functions/core/signal";

/** Real-shaped Bot API updates (the format of https://core.telegram.org/bots/api#update). */

export const ALLOWED_CHAT = 1111111;
export const STRANGER_CHAT = 9999999;
export const GROUP_CHAT = -1001234567890;

const user = (id: number) => ({
  id,
  is_bot: false,
  first_name: "Test",
  last_name: "Lastname",
  username: `user${id}`,
  language_code: "en",
});

const privateChat = (id: number) => ({
  id,
  first_name: "Test",
  last_name: "Lastname",
  username: `user${id}`,
  type: "private",
});

let nextUpdateId = 864_000_000;

/** A text message; a leading /command gets its bot_command entity as Telegram sends it. */
export function messageUpdate(text: string, chatId = ALLOWED_CHAT, options: { group?: boolean } = {}) {
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    update_id: ++nextUpdateId,
    message: {
      message_id: 1365,
      from: user(options.group ? ALLOWED_CHAT : chatId),
      chat: options.group ? { id: chatId, title: "Signals group", type: "supergroup" } : privateChat(chatId),
      date: 1709647200,
      text,
      ...(command ? { entities: [{ offset: 0, length: command.length, type: "bot_command" }] } : {}),
    },
  };
}

export function editedMessageUpdate(text: string, chatId = ALLOWED_CHAT) {
  const { message, update_id } = messageUpdate(text, chatId);
  return { update_id, edited_message: { ...message, edit_date: 1709647260 } };
}

/** A press on an inline button under one of the bot's alerts. */
export function callbackUpdate(data: string, chatId = ALLOWED_CHAT) {
  return {
    update_id: ++nextUpdateId,
    callback_query: {
      id: "4382bfdwdsb323b2d9",
      from: user(chatId),
      message: {
        message_id: 1366,
        from: { id: 7000000001, is_bot: true, first_name: "Signals", username: "signals_test_bot" },
        chat: privateChat(chatId),
        date: 1709647207,
        text: "🟢 BUY BTC-USD · confidence 82%",
        reply_markup: {
          inline_keyboard: [
            [
              { text: "Mute 1h", callback_data: "mute:BTC-USD:1h" },
              { text: "Mute 24h", callback_data: "mute:BTC-USD:24h" },
              { text: "History", callback_data: "history:BTC-USD" },
            ],
          ],
        },
      },
      chat_instance: "-8214638428127456383",
      data,
    },
  };
}

/** A stored signal as the analyst writes it; an LLM BUY alert unless overridden. */
export function sampleSignal(overrides: Partial<Signal> = {}): Signal {
  return SignalSchema.parse({
    symbol: "BTC-USD",
    timeframe: "1h",
    candleTime: "2024-03-05T13:00:00.000Z",
    price: 63412.5,
    action: "BUY",
    confidence: 0.82,
    reasons: [
      "RSI(14) back above 30 after an oversold dip",
      "MACD histogram turned positive",
      "Volume 2.1σ above average",
    ],
    analyst: "llm",
    model: "gpt-4o-mini",
    promptVersion: "v1",
    tokens: { prompt: 812, completion: 96 },
    costUsd: 0.00018,
    indicators: {
      rsi14: 31.2,
      macdHistogram: 12.37,
      bbPercentB: 0.04,
      atr14: 812.3,
      sma50: 62011.2,
      volumeZ: 2.1,
    },
    triggers: ["rsi-oversold-exit"],
    provider: "coinbase",
    recentCloses: [61000, 61500, 60800, 60200, 61900, 62500, 63412.5],
    alert: true,
    createdAt: "2024-03-05T14:00:07.000Z",
    ...overrides,
  });
}

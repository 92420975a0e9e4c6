import { isKnownSymbol } from "../symbols";

/**
 * The inline buttons under an alert and the callback_data they carry. Telegram caps callback_data at
 * 64 bytes, so the data is a short `verb:SYMBOL[:duration]` string rather than JSON.
 */
export type CallbackAction =
  | { kind: "mute"; symbol: string; duration: MuteButtonDuration }
  | { kind: "history"; symbol: string };

export const MUTE_BUTTON_DURATIONS = ["1h", "24h"] as const;
export type MuteButtonDuration = (typeof MUTE_BUTTON_DURATIONS)[number];

/** A button that calls back to the bot, or one that opens the dashboard (a Mini App) over https. */
export type InlineButton = { text: string; callbackData: string } | { text: string; webAppUrl: string };
export type InlineKeyboard = InlineButton[][];

export const callbackData = (action: CallbackAction): string =>
  action.kind === "mute" ? `mute:${action.symbol}:${action.duration}` : `history:${action.symbol}`;

/** Reads callback_data back; undefined for anything this bot did not put on a button. */
export function parseCallbackData(data: string | undefined): CallbackAction | undefined {
  const [verb, symbol, duration, ...rest] = (data ?? "").split(":");
  // Anyone in an allowed chat can forge callback_data: only a symbol we know may reach the store.
  if (!symbol || rest.length > 0 || !isKnownSymbol(symbol)) return undefined;
  if (verb === "history" && duration === undefined) return { kind: "history", symbol };
  const muteDuration = MUTE_BUTTON_DURATIONS.find((d) => d === duration);
  if (verb === "mute" && muteDuration) return { kind: "mute", symbol, duration: muteDuration };
  return undefined;
}

/**
 * The dashboard's URL when a `web_app` button may carry it to `chatId`: Telegram takes only https URLs
 * (so not the local runtime's http://127.0.0.1), and web_app buttons only in private chats (a user's
 * chat id is positive; groups' are negative).
 */
export function dashboardButtonUrl(dashboardUrl: string | undefined, chatId: string): string | undefined {
  if (!dashboardUrl?.startsWith("https://") || !/^\d+$/.test(chatId)) return undefined;
  return dashboardUrl;
}

/** "Mute 1h", "Mute 24h", "History" under every alert, and "Dashboard" below them when it can open. */
export const alertKeyboard = (symbol: string, dashboardUrl?: string): InlineKeyboard => [
  [
    ...MUTE_BUTTON_DURATIONS.map((duration) => ({
      text: `Mute ${duration}`,
      callbackData: callbackData({ kind: "mute", symbol, duration }),
    })),
    { text: "History", callbackData: callbackData({ kind: "history", symbol }) },
  ],
  ...(dashboardUrl ? [[{ text: "📊 Dashboard", webAppUrl: dashboardUrl }]] : []),
];

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

export interface InlineButton {
  text: string;
  callbackData: string;
}
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

/** "Mute 1h", "Mute 24h", "History" under every alert. */
export const alertKeyboard = (symbol: string): InlineKeyboard => [
  [
    ...MUTE_BUTTON_DURATIONS.map((duration) => ({
      text: `Mute ${duration}`,
      callbackData: callbackData({ kind: "mute", symbol, duration }),
    })),
    { text: "History", callbackData: callbackData({ kind: "history", symbol }) },
  ],
];

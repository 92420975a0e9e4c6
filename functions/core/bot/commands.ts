import { resolveSymbol, SymbolError } from "../symbols";
import { parseDuration } from "../timeframes";
import { DEFAULT_STATS_WINDOW } from "../track-record/stats";
import { quoteInput } from "../validation";

/** The command menu (setMyCommands) and /help, in one place. */
export const BOT_COMMANDS = [
  { command: "start", description: "This chat's id and how to allow it" },
  { command: "help", description: "What the bot can do" },
  { command: "last", description: "Latest alerts: /last [N]" },
  { command: "history", description: "Signals of a symbol: /history BTC-USD [N|7d]" },
  { command: "stats", description: "Track record: /stats [BTC-USD] [30d]" },
  { command: "status", description: "Last tick per symbol, DLQ depth, LLM spend today" },
  { command: "mute", description: "Pause a symbol's alerts: /mute BTC-USD 2h" },
  { command: "unmute", description: "Resume a symbol's alerts: /unmute BTC-USD" },
  { command: "watchlist", description: "Watched symbols and mutes" },
] as const;

export const LIMITS = {
  last: { default: 5, max: 20 },
  history: { default: 10, max: 25 },
  /** Longest /mute; longer means the symbol should leave the watchlist. */
  muteMaxMs: 30 * 86_400_000,
} as const;

export type BotCommand =
  | { name: "start" }
  | { name: "help" }
  | { name: "last"; count: number }
  | { name: "history"; symbol: string; count: number; sinceMs?: number; window?: string }
  | { name: "stats"; symbol?: string; sinceMs: number; window: string }
  | { name: "status" }
  | { name: "mute"; symbol: string; durationMs: number; duration: string }
  | { name: "unmute"; symbol: string }
  | { name: "watchlist" }
  /** A known command used wrongly: `problem` says how to use it. */
  | { name: "usage"; command: string; problem: string }
  | { name: "unknown"; command: string };

/** A command's symbol through the one resolver (btc is BTC-USD); otherwise its error, as the CLI words it. */
function symbolArgument(text: string | undefined): { symbol: string } | { problem: string } {
  if (!text) return { problem: "which symbol? e.g. BTC-USD" };
  try {
    return { symbol: resolveSymbol(text) };
  } catch (error) {
    if (error instanceof SymbolError) return { problem: error.message };
    throw error;
  }
}

const parseCount = (text: string, max: number): number | undefined => {
  if (!/^\d{1,4}$/.test(text)) return undefined;
  const count = Number(text);
  return count >= 1 ? Math.min(count, max) : undefined;
};

/**
 * Longest duration text taken ("9999999w", 190,000 years, is still a date); a window is echoed in the
 * reply as typed, so this also bounds what the reply repeats.
 */
const MAX_DURATION_CHARS = 8;

const tryDuration = (text: string): number | undefined => {
  if (text.length > MAX_DURATION_CHARS) return undefined;
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
};

const positiveDuration = (text: string): number | undefined => {
  const ms = tryDuration(text);
  return ms !== undefined && ms > 0 ? ms : undefined;
};

/**
 * Parses "/name[@bot] args…" into a command; undefined when the text is not a command at all.
 * Counts above a command's maximum are capped rather than refused.
 */
export function parseCommand(text: string | undefined): BotCommand | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text?.trim() ?? "");
  if (!match) return undefined;
  const command = (match[1] ?? "").toLowerCase();
  const args = (match[2] ?? "").trim().split(/\s+/).filter(Boolean);
  const usage = (problem: string): BotCommand => ({ name: "usage", command, problem });

  switch (command) {
    case "start":
    case "help":
    case "status":
    case "watchlist":
      return { name: command };
    case "last": {
      if (args.length === 0) return { name: "last", count: LIMITS.last.default };
      const count = parseCount(args[0] ?? "", LIMITS.last.max);
      return count && args.length === 1 ? { name: "last", count } : usage("/last [N], e.g. /last 5");
    }
    case "history": {
      const resolved = symbolArgument(args[0]);
      if ("problem" in resolved) return usage(`${resolved.problem}. Use /history BTC-USD [N|7d]`);
      const extent = args[1];
      if (args.length > 2) return usage("/history SYMBOL [N|7d]");
      if (extent === undefined) return { name: "history", ...resolved, count: LIMITS.history.default };
      const count = parseCount(extent, LIMITS.history.max);
      if (count) return { name: "history", ...resolved, count };
      const sinceMs = tryDuration(extent);
      if (sinceMs !== undefined && sinceMs > 0)
        return { name: "history", ...resolved, count: LIMITS.history.max, sinceMs, window: extent };
      return usage(
        `${quoteInput(extent)} is neither a count nor a window like 7d. Use /history SYMBOL [N|7d]`,
      );
    }
    case "stats": {
      const [first, second] = args;
      const firstIsWindow = first !== undefined && positiveDuration(first) !== undefined;
      const window = (firstIsWindow ? first : second) ?? DEFAULT_STATS_WINDOW;
      const sinceMs = positiveDuration(window);
      const symbolText = firstIsWindow ? undefined : first;
      const resolved = symbolText === undefined ? {} : symbolArgument(symbolText);
      if ("problem" in resolved) return usage(`${resolved.problem}. Use /stats [SYMBOL] [30d]`);
      if (sinceMs === undefined || args.length > (firstIsWindow ? 1 : 2))
        return usage("/stats [SYMBOL] [WINDOW], e.g. /stats BTC-USD 7d");
      return { name: "stats", ...resolved, sinceMs, window };
    }
    case "mute": {
      const resolved = symbolArgument(args[0]);
      if ("problem" in resolved) return usage(`${resolved.problem}. Use /mute BTC-USD 2h`);
      const duration = args[1];
      const durationMs = duration === undefined ? undefined : tryDuration(duration);
      if (!duration || durationMs === undefined || durationMs <= 0 || args.length > 2)
        return usage("/mute SYMBOL DURATION, e.g. /mute BTC-USD 2h (m, h, d or w)");
      if (durationMs > LIMITS.muteMaxMs) return usage("the longest mute is 30d");
      return { name: "mute", ...resolved, durationMs, duration };
    }
    case "unmute": {
      const resolved = symbolArgument(args[0]);
      if ("problem" in resolved || args.length > 1)
        return usage(`${"problem" in resolved ? `${resolved.problem}. ` : ""}Use /unmute BTC-USD`);
      return { name: "unmute", ...resolved };
    }
    default:
      return { name: "unknown", command };
  }
}

import { formatLocalTime, localDay } from "../calendar";
import type { Config } from "../config";
import { errorMessage } from "../errors";
import { deliver, type Messenger, type SendOutcome } from "../notify";
import type { Clock, Mutes, SignalReader, SpendLedger } from "../ports";
import { parseDuration } from "../timeframes";
import { readTrackRecord } from "../track-record/stats";
import { type CallbackAction, parseCallbackData } from "./callbacks";
import { type BotCommand, LIMITS, parseCommand } from "./commands";
import {
  failureReply,
  helpReply,
  historyReply,
  lastAlertsReply,
  mutedReply,
  startReply,
  statsReply,
  statusReply,
  unknownCommandReply,
  unmutedReply,
  usageReply,
  watchlistReply,
} from "./replies";
import type { TelegramCallbackQuery, TelegramMessage, TelegramUpdate } from "./update";

/** What /status reports beyond the table: each DLQ's depth, and the alarms in ALARM. */
export interface PipelineHealth {
  /** Undefined depth: the queue could not be read (the adapter logs why). */
  deadLetters: Array<{ queue: string; depth?: number }>;
  /** Alarm ids in ALARM; undefined when unknown (locally, or unreadable). */
  firingAlarms?: string[];
}

/** The bot's way back to Telegram: messages, and the answer that stops a button's spinner. */
export interface BotReplier extends Messenger {
  answerCallback(callbackQueryId: string, text?: string): Promise<void>;
}

export type BotStore = SignalReader & SpendLedger & Mutes;

export interface BotContext {
  config: Config;
  store: BotStore;
  telegram: BotReplier;
  /** Chat ids allowed to talk to the bot; everyone else is ignored. */
  allowlist: ReadonlySet<string>;
  /** The dead-letter queues' depths and the alarms in ALARM, for /status; never throws. */
  health: () => Promise<PipelineHealth>;
  clock: Clock;
  /**
   * The reader's clock, for the year shown in a time; defaults to `clock`. Locally `clock` follows a
   * replay's candles, so a 2016 close would read as this year's.
   */
  readerClock?: Clock;
  /** Waits out a short 429 while answering; absent means a 429 ends the reply. */
  sleep?: (ms: number) => Promise<void>;
}

export type BotOutcome =
  | {
      kind: "ignored";
      reason: "edited" | "stranger" | "not-a-command" | "unsupported-update" | "unknown-button";
      chatId?: string;
    }
  | {
      kind: "answered";
      chatId: string;
      /** The command or button handled, e.g. "history" or "button:mute". */
      command: string;
      delivery: SendOutcome["kind"] | "toast";
      /** Set when the command failed on our side (the user got an apology). */
      error?: string;
    };

/** A reply may wait out a 429 this long; the bot Lambda has seconds, not minutes. */
const REPLY_WAIT_BUDGET_MS = 3000;

async function reply(ctx: BotContext, chatId: string, html: string): Promise<SendOutcome["kind"]> {
  const { outcome } = await deliver(
    ctx.telegram,
    { chatId, text: html, format: "html" },
    {
      sleep: ctx.sleep ?? (() => Promise.resolve()),
      budget: { remainingMs: ctx.sleep ? REPLY_WAIT_BUDGET_MS : 0 },
    },
  );
  return outcome.kind;
}

/** Runs one command and returns the HTML answer. */
async function runCommand(command: BotCommand, chatId: string, ctx: BotContext): Promise<string> {
  const { config, store } = ctx;
  const now = ctx.clock.now();
  const view = { timezone: config.timezone, now: (ctx.readerClock ?? ctx.clock).now() };
  switch (command.name) {
    case "start":
      return startReply(chatId, ctx.allowlist.has(chatId));
    case "help":
      return helpReply();
    case "last":
      return lastAlertsReply(await store.latestAlerts(command.count), view);
    case "history": {
      const range =
        command.sinceMs === undefined
          ? { limit: command.count }
          : { limit: command.count, since: now - command.sinceMs };
      const signals = await store.history(command.symbol, config.timeframe, range);
      return historyReply(command.symbol, config.timeframe, signals, command, view);
    }
    case "stats": {
      const symbols = command.symbol ? [command.symbol] : config.watchlist.map((entry) => entry.symbol);
      const record = await readTrackRecord(store, {
        symbols,
        timeframe: config.timeframe,
        since: now - command.sinceMs,
        horizons: config.outcomes.horizons,
      });
      return statsReply(record, { symbols, timeframe: config.timeframe, window: command.window });
    }
    case "status": {
      const [spend, health, mutes, latest] = await Promise.all([
        store.spend(localDay(now, config.timezone)),
        ctx.health(),
        store.mutes(now),
        Promise.all(
          config.watchlist.map(async ({ symbol }) => ({
            symbol,
            signal: (await store.history(symbol, config.timeframe, { limit: 1 }))[0],
          })),
        ),
      ]);
      return statusReply(config, { now, readerNow: view.now, latest, health, spend, mutes });
    }
    case "mute": {
      const until = now + command.durationMs;
      await store.mute(command.symbol, until);
      return mutedReply(command.symbol, until, view);
    }
    case "unmute": {
      const wasMuted = (await store.mutes(now)).has(command.symbol);
      await store.unmute(command.symbol);
      return unmutedReply(command.symbol, wasMuted);
    }
    case "watchlist":
      return watchlistReply(config, await store.mutes(now), view.now);
    case "usage":
      return usageReply(command.problem);
    case "unknown":
      return unknownCommandReply(command.command);
  }
}

async function onMessage(message: TelegramMessage, ctx: BotContext): Promise<BotOutcome> {
  const chatId = String(message.chat.id);
  const command = parseCommand(message.text);
  const allowed = ctx.allowlist.has(chatId);
  // With an empty allowlist nobody can be answered yet, so /start tells the first user their id.
  const setup = ctx.allowlist.size === 0 && command?.name === "start";
  if (!allowed && !setup) return { kind: "ignored", reason: "stranger", chatId };
  if (!command) {
    if (message.chat.type !== "private") return { kind: "ignored", reason: "not-a-command", chatId };
    return { kind: "answered", chatId, command: "text", delivery: await reply(ctx, chatId, helpReply()) };
  }
  try {
    const html = await runCommand(command, chatId, ctx);
    return { kind: "answered", chatId, command: command.name, delivery: await reply(ctx, chatId, html) };
  } catch (error) {
    const delivery = await reply(ctx, chatId, failureReply()).catch(() => "failed" as const);
    return { kind: "answered", chatId, command: command.name, delivery, error: errorMessage(error) };
  }
}

async function runButton(action: CallbackAction, chatId: string, ctx: BotContext) {
  if (action.kind === "mute") {
    const until = ctx.clock.now() + parseDuration(action.duration);
    await ctx.store.mute(action.symbol, until);
    const readerNow = (ctx.readerClock ?? ctx.clock).now();
    return {
      toast: `${action.symbol} muted until ${formatLocalTime(until, ctx.config.timezone, readerNow)}`,
    };
  }
  const history: BotCommand = { name: "history", symbol: action.symbol, count: LIMITS.history.default };
  return { toast: undefined, html: await runCommand(history, chatId, ctx) };
}

async function onCallback(query: TelegramCallbackQuery, ctx: BotContext): Promise<BotOutcome> {
  const chatId = query.message ? String(query.message.chat.id) : undefined;
  if (!chatId || !ctx.allowlist.has(chatId)) return { kind: "ignored", reason: "stranger", chatId };
  const action = parseCallbackData(query.data);
  if (!action) {
    await ctx.telegram.answerCallback(query.id, "This button is no longer supported.");
    return { kind: "ignored", reason: "unknown-button", chatId };
  }
  const command = `button:${action.kind}`;
  try {
    const done = await runButton(action, chatId, ctx);
    await ctx.telegram.answerCallback(query.id, done.toast);
    if (!done.html) return { kind: "answered", chatId, command, delivery: "toast" };
    return { kind: "answered", chatId, command, delivery: await reply(ctx, chatId, done.html) };
  } catch (error) {
    await ctx.telegram.answerCallback(query.id, "That failed; try again in a minute.").catch(() => undefined);
    return { kind: "answered", chatId, command, delivery: "toast", error: errorMessage(error) };
  }
}

/**
 * Answers one update. Edits are ignored (re-running an edited /mute would surprise), and so is
 * anyone outside the allowlist: no reply, no error.
 */
export async function handleUpdate(update: TelegramUpdate, ctx: BotContext): Promise<BotOutcome> {
  if (update.callback_query) return onCallback(update.callback_query, ctx);
  if (update.message) return onMessage(update.message, ctx);
  const edited = update.edited_message ?? update.edited_channel_post;
  if (edited) return { kind: "ignored", reason: "edited", chatId: String(edited.chat.id) };
  return { kind: "ignored", reason: "unsupported-update" };
}

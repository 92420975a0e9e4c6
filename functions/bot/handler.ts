import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import {
  type BotContext,
  type BotOutcome,
  type BotReplier,
  type BotStore,
  handleUpdate,
} from "../core/bot/bot";
import { type TelegramUpdate, UpdateSchema } from "../core/bot/update";
import { secretMatches, WEBHOOK_SECRET_HEADER } from "../core/bot/webhook-secret";
import type { Config } from "../core/config";
import { errorMessage } from "../core/errors";
import type { Clock } from "../core/ports";
import { parseJson, parseOrThrow, ValidationError } from "../core/validation";
import { lazyHandler } from "../runtime/lazy-handler";
import { logger } from "../runtime/logger";
import { answerDashboardRoute, type DashboardDeps } from "./dashboard-route";
import { botDepsFromEnv } from "./wiring";

export interface BotDeps {
  config: Config;
  store: BotStore;
  /** Replies: Telegram, or the terminal locally without a token. */
  telegram: BotReplier;
  /** The expected X-Telegram-Bot-Api-Secret-Token; undefined refuses every request. */
  webhookSecret: () => Promise<string | undefined>;
  /** Chats the bot answers: config.telegram.chatIds plus TELEGRAM_CHAT_ID. */
  allowlist: readonly string[];
  /** The DLQs' depths and the alarms in ALARM, for /status. */
  health: BotContext["health"];
  clock: Clock;
  /** The reader's clock, for the year in a time; defaults to `clock` (see BotContext). */
  readerClock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  /** The Mini App at /app; absent, /app is not served. */
  dashboard?: DashboardDeps;
}

export const botContext = (deps: BotDeps): BotContext => ({ ...deps, allowlist: new Set(deps.allowlist) });

/** Telegram's updates are a few KB; anything past this is refused unread (a Function URL takes 6 MB). */
export const MAX_UPDATE_BYTES = 1024 * 1024;

/** The decoded size, without decoding: base64 carries 3 bytes in every 4 characters. */
const bodyBytes = (event: LambdaFunctionURLEvent): number =>
  event.isBase64Encoded
    ? Math.floor(((event.body ?? "").length * 3) / 4)
    : Buffer.byteLength(event.body ?? "");

const respond = (statusCode: number, body = ""): LambdaFunctionURLResult => ({
  statusCode,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body,
});

const header = (event: LambdaFunctionURLEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

export function updateFromBody(event: LambdaFunctionURLEvent): TelegramUpdate {
  const raw = event.body ?? "";
  const text = event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  return parseOrThrow(UpdateSchema, parseJson(text, "telegram update"), "telegram update");
}

function logOutcome(outcome: BotOutcome, updateId: number): void {
  if (outcome.kind === "ignored" && outcome.reason === "stranger") {
    // The chat id lets an admin add it to the allowlist; the message's text is not theirs to read.
    logger.info("message from a chat not on the allowlist ignored", { updateId, chatId: outcome.chatId });
  } else if (outcome.kind === "ignored") {
    logger.info("update ignored", { updateId, reason: outcome.reason, chatId: outcome.chatId });
  } else if (outcome.error) {
    logger.error("command failed", {
      updateId,
      chatId: outcome.chatId,
      command: outcome.command,
      error: outcome.error,
    });
  } else {
    logger.info("update answered", {
      updateId,
      chatId: outcome.chatId,
      command: outcome.command,
      delivery: outcome.delivery,
    });
  }
}

/**
 * Answers one update and logs what became of it, one line: the webhook and local long polling share
 * this. `context` names the function in the log lines (the logger is shared by every handler of a process).
 */
export async function answerUpdate(
  update: TelegramUpdate,
  ctx: BotContext,
  context?: Context,
): Promise<BotOutcome> {
  if (context) logger.addContext(context);
  const outcome = await handleUpdate(update, ctx);
  logOutcome(outcome, update.update_id);
  return outcome;
}

/**
 * The bot webhook behind the Function URL: checks Telegram's secret token (401 on a mismatch), parses
 * the update, answers it, and returns 200 so Telegram moves on, even when the update was ignored.
 */
export function createBotHandler(deps: BotDeps) {
  const ctx = botContext(deps);
  return async (event: LambdaFunctionURLEvent, context?: Context): Promise<LambdaFunctionURLResult> => {
    if (context) logger.addContext(context);
    if (deps.dashboard) {
      const page = await answerDashboardRoute(event, ctx, deps.dashboard);
      if (page) return page;
    }
    if (event.requestContext?.http?.method !== "POST") return respond(405, "POST only");
    if (bodyBytes(event) > MAX_UPDATE_BYTES) {
      logger.warn("oversized webhook body refused", { bytes: bodyBytes(event) });
      return respond(413, `updates are at most ${MAX_UPDATE_BYTES} bytes`);
    }
    const expected = await deps.webhookSecret();
    if (!expected)
      logger.error("no webhook secret configured: set the bot token (or TELEGRAM_WEBHOOK_SECRET)");
    if (!expected || !secretMatches(header(event, WEBHOOK_SECRET_HEADER), expected)) {
      logger.warn("webhook request with a wrong or missing secret token", {
        sourceIp: event.requestContext.http.sourceIp,
      });
      return respond(401, "unauthorized");
    }
    let update: TelegramUpdate;
    try {
      update = updateFromBody(event);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      logger.warn("malformed update rejected", { error: error.message });
      return respond(400, error.message);
    }
    try {
      await answerUpdate(update, ctx);
    } catch (error) {
      // Telegram redelivers on non-2xx; a failing reply must not make it repeat the command.
      logger.error("update handling failed", { updateId: update.update_id, error: errorMessage(error) });
    }
    return respond(200);
  };
}

export const handler = lazyHandler(() => createBotHandler(botDepsFromEnv()));

import { alertKeyboard, dashboardButtonUrl, type InlineKeyboard } from "./bot/callbacks";
import { alertChartSvg, type ChartView } from "./chart";
import type { Config } from "./config";
import { errorMessage } from "./errors";
import { alertMessage, htmlToPlain, TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT } from "./message";
import type { Clock, Deliveries } from "./ports";
import { isoTime, type Signal, signalKeyOf } from "./signal";

/** One message to one chat. With `photo`, `text` is the photo's caption. */
export interface OutgoingMessage {
  chatId: string;
  text: string;
  /** "html" normally; "plain" is the fallback when Telegram cannot parse the markup. */
  format: "html" | "plain";
  keyboard?: InlineKeyboard;
  /** Deliver without sound (quiet hours): Telegram's disable_notification. */
  silent?: boolean;
  /** PNG bytes. */
  photo?: Uint8Array;
}

/** What the chat service answered, mapped to what the caller should do about it. */
export type SendOutcome =
  | { kind: "sent" }
  /** 429: wait `retryAfterSeconds`, then try again. */
  | { kind: "rate-limited"; retryAfterSeconds: number; description: string }
  /** 400 "can't parse entities": send the same text without markup. */
  | { kind: "unparseable"; description: string }
  /** 403 blocked / kicked, or a chat that no longer exists: never retry this chat. */
  | { kind: "undeliverable"; description: string }
  /** Any other 4xx: this message will never be accepted, retrying is pointless. */
  | { kind: "rejected"; description: string }
  /** Network or server failure: worth retrying later. */
  | { kind: "failed"; description: string };

/** The port to the chat service (Telegram, or the terminal locally). */
export interface Messenger {
  send(message: OutgoingMessage): Promise<SendOutcome>;
}

/** Turns an SVG into PNG bytes; may throw, and then the alert goes as text. */
export interface ChartRenderer {
  render(svg: string): Promise<Uint8Array>;
}

/** Milliseconds an invocation may still spend waiting out rate limits; shared by all its sends. */
export interface WaitBudget {
  remainingMs: number;
}

export interface DeliverDeps {
  sleep(ms: number): Promise<void>;
  budget: WaitBudget;
}

export interface DeliverResult {
  outcome: SendOutcome;
  /** The message as it finally went (or was last tried): plain after a parse error, text after a photo was refused. */
  message: OutgoingMessage;
  waitedMs: number;
}

/**
 * Sends one message the way that gets it through: waits out 429s while the budget lasts, resends as
 * plain text when the HTML is refused, and as a text message when the photo is refused.
 */
export async function deliver(
  messenger: Messenger,
  first: OutgoingMessage,
  deps: DeliverDeps,
): Promise<DeliverResult> {
  let message = first;
  let waitedMs = 0;
  for (;;) {
    const outcome = await messenger.send(message);
    if (outcome.kind === "rate-limited") {
      const waitMs = Math.max(1, outcome.retryAfterSeconds) * 1000;
      if (waitMs > deps.budget.remainingMs) return { outcome, message, waitedMs };
      deps.budget.remainingMs -= waitMs;
      waitedMs += waitMs;
      await deps.sleep(waitMs);
      continue;
    }
    if (outcome.kind === "unparseable" && message.format === "html") {
      message = { ...message, format: "plain", text: htmlToPlain(message.text) };
      continue;
    }
    if (outcome.kind === "rejected" && message.photo) {
      message = { ...message, photo: undefined };
      continue;
    }
    return { outcome, message, waitedMs };
  }
}

export interface NotifyDeps {
  config: Pick<Config, "timezone">;
  deliveries: Deliveries;
  messenger: Messenger;
  chartRenderer?: ChartRenderer;
  clock: Clock;
  /**
   * The reader's clock, for the year shown in the alert's time; defaults to `clock`. Locally `clock`
   * follows a replay's candles, so a 2016 close would read as this year's.
   */
  readerClock?: Clock;
  sleep(ms: number): Promise<void>;
  /** The dashboard (the bot's /app) for the alert's "Dashboard" button; only an https URL is used. */
  dashboardUrl?: string;
}

export interface NotifyResult {
  /**
   * notified: every reachable chat has it and notifiedAt is set; already-notified: a retried record
   * found nothing left to send; retry: a chat could not be reached yet, so the record must fail;
   * undeliverable: no configured chat received it (blocked, gone or refused); no-recipients: no chat configured;
   * not-an-alert: the policy did not flag it.
   */
  status: "notified" | "already-notified" | "retry" | "undeliverable" | "no-recipients" | "not-an-alert";
  sentTo: string[];
  /** Chats skipped because an earlier delivery of this record reached them. */
  alreadyDeliveredTo: string[];
  /** Chats marked undeliverable now (403) or earlier. */
  undeliverable: { chatId: string; reason: string }[];
  /** Chats that got it as plain text after Telegram refused the HTML. */
  plainTextTo: string[];
  /** Chats whose message this chat service will never accept (logged, not retried). */
  rejected: { chatId: string; reason: string }[];
  chart: "attached" | "none" | "render-failed";
  chartError?: string;
  waitedMs: number;
  /** Why the record must be retried. */
  retryReason?: string;
}

/** The alert's chart as PNG, as every alert gets it; a failed render is reported, never thrown. */
export async function renderChart(signal: Signal, renderer: ChartRenderer | undefined, view: ChartView) {
  const svg = renderer ? alertChartSvg(signal, view) : undefined;
  if (!renderer || !svg) return { chart: "none" as const };
  try {
    return { chart: "attached" as const, png: await renderer.render(svg) };
  } catch (error) {
    return { chart: "render-failed" as const, chartError: errorMessage(error) };
  }
}

/**
 * Sends an alert to every configured chat that has not had it yet, recording each delivery, and sets
 * notifiedAt once all reachable chats have it. A retried record resends to nobody it already reached.
 */
export async function notifySignal(
  signal: Signal,
  chatIds: readonly string[],
  deps: NotifyDeps,
  budget: WaitBudget,
): Promise<NotifyResult> {
  const result: NotifyResult = {
    status: "notified",
    sentTo: [],
    alreadyDeliveredTo: [],
    undeliverable: [],
    plainTextTo: [],
    rejected: [],
    chart: "none",
    waitedMs: 0,
  };
  if (!signal.alert) return { ...result, status: "not-an-alert" };
  const chats = [...new Set(chatIds)];
  if (chats.length === 0) return { ...result, status: "no-recipients" };

  const key = signalKeyOf(signal);
  const [blocked, delivered] = await Promise.all([
    deps.deliveries.undeliverableChats(),
    deps.deliveries.deliveredTo(key),
  ]);
  result.alreadyDeliveredTo = chats.filter((chat) => delivered.has(chat));
  result.undeliverable = chats
    .filter((chat) => !delivered.has(chat) && blocked.has(chat))
    .map((chatId) => ({ chatId, reason: blocked.get(chatId) ?? "" }));
  const pending = chats.filter((chat) => !delivered.has(chat) && !blocked.has(chat));

  if (pending.length > 0) {
    const view = { timezone: deps.config.timezone, now: (deps.readerClock ?? deps.clock).now() };
    const rendered = await renderChart(signal, deps.chartRenderer, view);
    result.chart = rendered.chart;
    result.chartError = rendered.chartError;
    const base = {
      format: "html" as const,
      silent: signal.silent === true,
      ...(rendered.png
        ? {
            photo: rendered.png,
            text: alertMessage(signal, { ...view, limit: TELEGRAM_CAPTION_LIMIT }),
          }
        : { text: alertMessage(signal, { ...view, limit: TELEGRAM_TEXT_LIMIT }) }),
    };
    for (const chatId of pending) {
      const keyboard = alertKeyboard(signal.symbol, dashboardButtonUrl(deps.dashboardUrl, chatId));
      const sent = await deliver(
        deps.messenger,
        { ...base, keyboard, chatId },
        { sleep: deps.sleep, budget },
      );
      result.waitedMs += sent.waitedMs;
      const { outcome } = sent;
      if (outcome.kind === "sent") {
        await deps.deliveries.markDelivered(key, chatId);
        result.sentTo.push(chatId);
        if (sent.message.format === "plain") result.plainTextTo.push(chatId);
      } else if (outcome.kind === "undeliverable") {
        await deps.deliveries.markChatUndeliverable(chatId, outcome.description, isoTime(deps.clock.now()));
        result.undeliverable.push({ chatId, reason: outcome.description });
      } else if (outcome.kind === "rejected" || outcome.kind === "unparseable") {
        result.rejected.push({ chatId, reason: outcome.description });
      } else {
        // 429 past the budget, or a network/server failure: stop here, the stream retries the record
        // and the chats reached so far are skipped next time.
        return {
          ...result,
          status: "retry",
          retryReason: `${chatId}: ${outcome.kind}: ${outcome.description}`,
        };
      }
    }
  }

  const reached = result.sentTo.length + result.alreadyDeliveredTo.length;
  if (reached === 0) return { ...result, status: "undeliverable" };
  const first = await deps.deliveries.markNotified(key, isoTime(deps.clock.now()));
  return { ...result, status: first || result.sentTo.length > 0 ? "notified" : "already-notified" };
}

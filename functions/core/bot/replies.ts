import { candleCloseMs, formatLocalTime, formatSignalTime } from "../calendar";
import type { Config } from "../config";
import {
  ACTION_MARK,
  analystLabel,
  escapeHtml,
  fitLines,
  formatConfidence,
  formatPrice,
  truncate,
} from "../message";
import { plural } from "../plural";
import type { DailySpend } from "../ports";
import type { Signal } from "../signal";
import { timeframeMs } from "../timeframes";
import { statsPhone } from "../track-record/stats-phone";
import type { PipelineHealth } from "./bot";
import { BOT_COMMANDS } from "./commands";

/** The bot's answers as Telegram HTML; every value from outside is escaped, every answer fits 4096. */

/** How times are shown: in the configured zone, with the year when it is not the reader's (`now`). */
export interface TimeView {
  timezone: string;
  now: number;
}

/** One signal on one line: mark, action, symbol, price, confidence, candle close, analyst, first reason. */
export function signalLine(signal: Signal, view: TimeView, options: { showSymbol?: boolean } = {}): string {
  const parts = [
    `${ACTION_MARK[signal.action]} <b>${signal.action}</b>${options.showSymbol === false ? "" : ` ${escapeHtml(signal.symbol)}`}`,
    formatPrice(signal.price),
    ...(signal.confidence === undefined ? [] : [formatConfidence(signal.confidence)]),
    formatSignalTime(signal, view.timezone, view.now),
    escapeHtml(truncate(analystLabel(signal), 40)),
  ];
  const reason = signal.reasons[0];
  const bell = signal.alert ? " 🔔" : "";
  return `${parts.join(" · ")}${bell}${reason ? `\n    <i>${escapeHtml(truncate(reason, 80))}</i>` : ""}`;
}

export function startReply(chatId: string, allowed: boolean): string {
  const id = escapeHtml(chatId);
  return [
    "👋 <b>Signal Pipeline</b>",
    `This chat's id: <code>${id}</code>`,
    "",
    allowed
      ? "This chat is on the allowlist: alerts arrive here and the commands answer. /help lists them."
      : [
          "To receive alerts and use the commands here, add this id to the allowlist:",
          `• deployed: <code>telegram: { chatIds: ["${id}"] }</code> in signals.config.ts, then <code>npx cdk deploy</code>`,
          `• locally: <code>TELEGRAM_CHAT_ID=${id} npm start -- --serve</code>`,
        ].join("\n"),
  ].join("\n");
}

export function helpReply(): string {
  return [
    "<b>Commands</b>",
    ...BOT_COMMANDS.map(({ command, description }) => `/${command} · ${escapeHtml(description)}`),
    "",
    "Under each alert: Mute 1h, Mute 24h and History.",
  ].join("\n");
}

export function historyReply(
  symbol: string,
  timeframe: string,
  signals: Signal[],
  scope: { count: number; window?: string },
  view: TimeView,
): string {
  const what = scope.window ? `last ${escapeHtml(scope.window)}` : `last ${scope.count}`;
  if (signals.length === 0)
    return `No signals stored for <b>${escapeHtml(symbol)}</b> ${escapeHtml(timeframe)} (${what}).`;
  const header = `<b>${escapeHtml(symbol)} ${escapeHtml(timeframe)}</b> · ${what}, newest first (${escapeHtml(view.timezone)})`;
  return fitLines([header, ...signals.map((s) => signalLine(s, view, { showSymbol: false }))]);
}

export function lastAlertsReply(alerts: Signal[], view: TimeView): string {
  if (alerts.length === 0) return "No alerts yet.";
  return fitLines([
    `<b>Latest alerts</b>, newest first (${escapeHtml(view.timezone)})`,
    ...alerts.map((s) => signalLine(s, view)),
  ]);
}

const muteLines = (mutes: Map<string, number>, view: TimeView) =>
  [...mutes].map(
    ([symbol, until]) =>
      `🔕 ${escapeHtml(symbol)} muted until ${formatLocalTime(until, view.timezone, view.now)}`,
  );

export interface StatusFacts {
  now: number;
  /** The reader's present, for the year in a time (see BotContext.readerClock). */
  readerNow: number;
  latest: { symbol: string; signal?: Signal }[];
  health: PipelineHealth;
  spend: DailySpend;
  mutes: Map<string, number>;
}

const capitalise = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

const usd = (value: number) => `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;

export function statusReply(config: Config, facts: StatusFacts): string {
  const tz = config.timezone;
  const view = { timezone: tz, now: facts.readerNow };
  const staleAfterMs = 2 * timeframeMs(config.timeframe);
  const ticks = facts.latest.map(({ symbol, signal }) => {
    if (!signal) return `${escapeHtml(symbol)}: no signal stored yet`;
    const stale = facts.now - candleCloseMs(signal) > staleAfterMs ? " ⚠️ stale" : "";
    return `${escapeHtml(symbol)}: last ${formatSignalTime(signal, tz, view.now)} · ${signal.action} (${escapeHtml(truncate(analystLabel(signal), 40))})${stale}`;
  });
  const dlqs = facts.health.deadLetters.map(({ queue, depth }) =>
    depth === undefined
      ? `${capitalise(queue)} DLQ: unknown`
      : `${capitalise(queue)} DLQ: ${plural(depth, "message")}${depth > 0 ? " ⚠️" : ""}`,
  );
  const firing = facts.health.firingAlarms;
  const alarms =
    firing === undefined
      ? []
      : [firing.length ? `🚨 In ALARM: ${escapeHtml(firing.join(", "))}` : "Alarms: none firing"];
  const budget = config.analyst.dailyBudgetUsd;
  const share = budget > 0 ? ` (${Math.round((facts.spend.costUsd / budget) * 100)}%)` : "";
  return fitLines([
    `<b>Status</b> · ${formatLocalTime(facts.now, tz, view.now)}`,
    ...ticks,
    ...dlqs,
    ...alarms,
    `LLM spend today (${facts.spend.day}): ${usd(facts.spend.costUsd)} of ${usd(budget)}${share} · ${plural(facts.spend.calls, "call")}`,
    ...muteLines(facts.mutes, view),
  ]);
}

export function watchlistReply(config: Config, mutes: Map<string, number>, now: number): string {
  const { alerts } = config;
  const quiet = alerts.quietHours ? `${alerts.quietHours.from}–${alerts.quietHours.to}` : "none";
  return fitLines([
    `<b>Watchlist</b> · ${escapeHtml(config.timeframe)} candles`,
    ...config.watchlist.map(({ symbol }) => {
      const until = mutes.get(symbol);
      return `• ${escapeHtml(symbol)}${until ? ` 🔕 until ${formatLocalTime(until, config.timezone, now)}` : ""}`;
    }),
    "",
    `Alerts: confidence ≥ ${formatConfidence(alerts.minConfidence)}, cooldown ${alerts.cooldownMinutes} min, quiet hours ${quiet} (${escapeHtml(config.timezone)})`,
  ]);
}

export const mutedReply = (symbol: string, until: number, view: TimeView) =>
  `🔕 ${escapeHtml(symbol)} muted until ${formatLocalTime(until, view.timezone, view.now)}. /unmute ${escapeHtml(symbol)} to resume.`;

export const unmutedReply = (symbol: string, wasMuted: boolean) =>
  wasMuted ? `🔔 ${escapeHtml(symbol)} alerts resumed.` : `${escapeHtml(symbol)} was not muted.`;

/** /stats: the track record sized for a phone (functions/core/track-record/stats-phone.ts). */
export const statsReply = statsPhone;

export const usageReply = (problem: string) => `⚠️ ${escapeHtml(problem)}`;
export const unknownCommandReply = (command: string) =>
  `Unknown command /${escapeHtml(truncate(command, 32))}. /help lists the commands.`;
export const failureReply = () => "⚠️ That failed on our side; try again in a minute.";

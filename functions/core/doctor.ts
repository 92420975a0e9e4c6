import { plural } from "./plural";
import type { DailySpend } from "./ports";
import type { Timeframe } from "./timeframes";
import { timeframeMs } from "./timeframes";

/** One line of `signals doctor`: what was checked, how it stands, and for a FAIL, what to do. */
export interface Check {
  name: string;
  status: "OK" | "WARN" | "FAIL";
  detail: string;
  fix?: string;
}

export const ok = (name: string, detail: string): Check => ({ name, status: "OK", detail });
export const warn = (name: string, detail: string, fix?: string): Check => ({
  name,
  status: "WARN",
  detail,
  fix,
});
export const fail = (name: string, detail: string, fix: string): Check => ({
  name,
  status: "FAIL",
  detail,
  fix,
});

/** Candle intervals without a close before the doctor calls a symbol stale: the dead-man alarm's. */
export const STALE_CANDLES = 3;

/** How old the symbol's last stored close is, against its timeframe. */
export function lastTickCheck(
  symbol: string,
  timeframe: Timeframe,
  lastCandleTime: string | undefined,
  now: number,
): Check {
  const name = `last tick ${symbol}`;
  if (!lastCandleTime)
    return fail(
      name,
      "no signal stored yet",
      "check the schedule and the fetcher's logs; a new stack needs one candle close",
    );
  const interval = timeframeMs(timeframe);
  // candleTime is the open; the close it stands for is one interval later.
  const ageMs = now - (Date.parse(lastCandleTime) + interval);
  const age = describeAge(ageMs);
  if (ageMs > STALE_CANDLES * interval)
    return fail(
      name,
      `last close ${age} ago (${timeframe} candles)`,
      "check the schedule is enabled and the fetcher's logs",
    );
  return ok(name, `last close ${age} ago`);
}

export function describeAge(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

export function dlqCheck(queue: string, depth: number, listCommand: string): Check {
  const name = `DLQ ${queue}`;
  if (depth === 0) return ok(name, "empty");
  return fail(
    name,
    `${plural(depth, "message")} waiting`,
    `see why with \`${listCommand}\`, then \`dlq redrive\``,
  );
}

/** Today's LLM spend against the daily budget: WARN from 80%, FAIL at the budget (closes then abstain). */
export function spendCheck(spend: DailySpend, budgetUsd: number): Check {
  const name = "LLM spend today";
  const detail = `$${spend.costUsd.toFixed(4)} of $${budgetUsd.toFixed(2)} (${plural(spend.calls, "call")}, ${spend.day})`;
  if (spend.costUsd >= budgetUsd)
    return fail(
      name,
      detail,
      "closes are ABSTAIN budget until the day turns: raise analyst.dailyBudgetUsd if that is wrong",
    );
  if (spend.costUsd >= 0.8 * budgetUsd) return warn(name, detail, "close to the budget");
  return ok(name, detail);
}

export interface WebhookInfo {
  url?: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

/** Pending updates above this mean the bot has stopped answering for a while. */
const PENDING_WARN = 20;
const RECENT_ERROR_S = 24 * 3600;

export function webhookCheck(info: WebhookInfo, expectedUrl: string, now: number): Check {
  const name = "webhook";
  const fix = "run `npm run signals -- telegram webhook`";
  if (!info.url) return fail(name, "not set: Telegram sends the bot nothing", fix);
  if (info.url !== expectedUrl)
    return fail(name, `points at ${info.url}, not the stack's ${expectedUrl}`, fix);
  const recentError =
    info.last_error_date !== undefined && now / 1000 - info.last_error_date < RECENT_ERROR_S
      ? info.last_error_message
      : undefined;
  if (recentError)
    return warn(
      name,
      `Telegram's last delivery failed: ${recentError} (${info.pending_update_count} pending)`,
      "read the bot function's logs",
    );
  if (info.pending_update_count > PENDING_WARN)
    return warn(
      name,
      `${plural(info.pending_update_count, "update")} pending`,
      "read the bot function's logs",
    );
  return ok(name, `set, ${info.pending_update_count} pending`);
}

export function alarmsCheck(alarms: Array<{ name: string; state: string }>): Check {
  const name = "alarms";
  if (alarms.length === 0) return warn(name, "none found for this stack", "redeploy with `npx cdk deploy`");
  const firing = alarms.filter((alarm) => alarm.state === "ALARM").map((alarm) => alarm.name);
  if (firing.length > 0)
    return fail(name, `in ALARM: ${firing.join(", ")}`, "each alarm's description says what to check");
  return ok(name, `${plural(alarms.length, "alarm")}, none in ALARM`);
}

/** The report: one line per check, each FAIL and WARN with its fix indented under it. */
export function renderChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((check) => check.name.length));
  const lines = checks.flatMap((check) => [
    `${check.status.padEnd(4)} ${check.name.padEnd(width)}  ${check.detail}`,
    ...(check.fix && check.status !== "OK" ? [`${" ".repeat(width + 7)}fix: ${check.fix}`] : []),
  ]);
  const failed = checks.filter((check) => check.status === "FAIL").length;
  const warned = checks.filter((check) => check.status === "WARN").length;
  lines.push(
    "",
    failed
      ? `${failed} failed, ${plural(warned, "warning")}`
      : warned
        ? `all passed, ${plural(warned, "warning")}`
        : "all passed",
  );
  return lines.join("\n");
}

export const hasFailure = (checks: readonly Check[]) => checks.some((check) => check.status === "FAIL");

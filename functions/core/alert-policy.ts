import type { Config } from "./config";
import type { Signal } from "./signal";

export interface AlertDecision {
  alert: boolean;
  /** Deliver without sound (quiet hours). */
  silent: boolean;
  /** Why, for logs and tests: "below-threshold", "same-as-last", "muted", "transition", ... */
  reason: string;
}

export interface AlertContext {
  /** The symbol's last alert, if any (access pattern 3 in docs/ARCHITECTURE.md). */
  lastAlert?: Pick<Signal, "action" | "candleTime">;
  /** Epoch ms the symbol is muted until, if muted. */
  mutedUntil?: number;
  now: number;
  alerts: Config["alerts"];
  timezone: string;
}

/** Minutes since local midnight in `timezone`. */
export function localMinutes(epochMs: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(epochMs));
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return hour * 60 + minute;
}

const clockMinutes = (hhmm: string): number => {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
};

export function inQuietHours(epochMs: number, alerts: Config["alerts"], timezone: string): boolean {
  if (!alerts.quietHours) return false;
  const now = localMinutes(epochMs, timezone);
  const from = clockMinutes(alerts.quietHours.from);
  const to = clockMinutes(alerts.quietHours.to);
  return from <= to ? now >= from && now < to : now >= from || now < to;
}

/**
 * Alert on transitions: a BUY or SELL at or above the confidence threshold that differs from the
 * symbol's last alert, or repeats it after the cooldown (measured between candle times, so a replay
 * decides as live would). Muted symbols never alert; quiet hours alert silently. A candle at or before
 * the last alert's never alerts.
 */
export function decideAlert(
  signal: Pick<Signal, "action" | "confidence" | "candleTime">,
  context: AlertContext,
): AlertDecision {
  const silent = inQuietHours(context.now, context.alerts, context.timezone);
  const no = (reason: string): AlertDecision => ({ alert: false, silent, reason });
  if (signal.action !== "BUY" && signal.action !== "SELL") return no("not-actionable");
  if ((signal.confidence ?? 0) < context.alerts.minConfidence) return no("below-threshold");
  if (context.mutedUntil !== undefined && context.mutedUntil > context.now) return no("muted");
  const last = context.lastAlert;
  if (!last) return { alert: true, silent, reason: "first" };
  const sinceLastMs = Date.parse(signal.candleTime) - Date.parse(last.candleTime);
  // A late or replayed candle at or before the last alert must not re-open a settled decision.
  if (sinceLastMs <= 0) return no("not-newer-than-last");
  if (last.action !== signal.action) return { alert: true, silent, reason: "transition" };
  if (sinceLastMs >= context.alerts.cooldownMinutes * 60_000)
    return { alert: true, silent, reason: "cooldown-passed" };
  return no("same-as-last");
}

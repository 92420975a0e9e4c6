import { describe, expect, it } from "vitest";
import { type AlertContext, decideAlert, inQuietHours } from "../../../functions/core/alert-policy";
import type { Config } from "../../../functions/core/config";
import type { Signal } from "../../../functions/core/signal";

const HOUR = 3_600_000;
const alerts: Config["alerts"] = {
  minConfidence: 0.7,
  cooldownMinutes: 240,
  quietHours: { from: "22:00", to: "07:00" },
};
const timezone = "Europe/Berlin";

type Step = Pick<Signal, "action" | "confidence"> & { hour: number; mutedUntilHour?: number };

/** Runs signals through the policy the way the analyst does: the last alert is the state. */
function run(steps: Step[], start = Date.parse("2024-03-05T08:00:00Z")) {
  let lastAlert: AlertContext["lastAlert"];
  return steps.map((step) => {
    const candleTime = new Date(start + step.hour * HOUR).toISOString();
    const now = start + (step.hour + 1) * HOUR + 5_000;
    const mutedUntil = step.mutedUntilHour === undefined ? undefined : start + step.mutedUntilHour * HOUR;
    const decision = decideAlert(
      { action: step.action, confidence: step.confidence, candleTime },
      { lastAlert, mutedUntil, now, alerts, timezone },
    );
    if (decision.alert) lastAlert = { action: step.action, candleTime };
    return decision.reason;
  });
}

describe("alert policy on a sequence of signals", () => {
  it("alerts on the first actionable signal and on transitions, not on repeats inside the cooldown", () => {
    expect(
      run([
        { hour: 0, action: "BUY", confidence: 0.8 },
        { hour: 1, action: "BUY", confidence: 0.9 },
        { hour: 2, action: "HOLD", confidence: 0.9 },
        { hour: 3, action: "SELL", confidence: 0.69 },
        { hour: 4, action: "SELL", confidence: 0.7 },
        { hour: 5, action: "SELL", confidence: 0.95 },
        { hour: 6, action: "ABSTAIN" },
        { hour: 7, action: "BUY", confidence: 0.71 },
      ]),
    ).toEqual([
      "first",
      "same-as-last",
      "not-actionable",
      "below-threshold",
      "transition",
      "same-as-last",
      "not-actionable",
      "transition",
    ]);
  });

  it("repeats the same action once the cooldown (measured between candles) has passed", () => {
    expect(
      run([
        { hour: 0, action: "SELL", confidence: 0.8 },
        { hour: 3, action: "SELL", confidence: 0.8 },
        { hour: 4, action: "SELL", confidence: 0.8 },
        { hour: 5, action: "SELL", confidence: 0.8 },
        { hour: 8, action: "SELL", confidence: 0.8 },
      ]),
    ).toEqual(["first", "same-as-last", "cooldown-passed", "same-as-last", "cooldown-passed"]);
  });

  it("never alerts a muted symbol, and alerts again once the mute has expired", () => {
    expect(
      run([
        { hour: 0, action: "BUY", confidence: 0.8 },
        { hour: 1, action: "SELL", confidence: 0.9, mutedUntilHour: 4 },
        { hour: 2, action: "SELL", confidence: 0.9, mutedUntilHour: 4 },
        { hour: 3, action: "SELL", confidence: 0.9, mutedUntilHour: 4 },
      ]),
    ).toEqual(["first", "muted", "muted", "transition"]);
  });

  it("does not let a late candle at or before the last alert alert again", () => {
    expect(
      run([
        { hour: 5, action: "BUY", confidence: 0.8 },
        { hour: 4, action: "SELL", confidence: 0.9 },
        { hour: 5, action: "BUY", confidence: 0.9 },
      ]),
    ).toEqual(["first", "not-newer-than-last", "not-newer-than-last"]);
  });
});

describe("quiet hours follow the configured time zone", () => {
  const at = (iso: string) => inQuietHours(Date.parse(iso), alerts, timezone);

  it("is quiet from 22:00 to 07:00 Berlin time in winter (UTC+1)", () => {
    expect(at("2024-01-15T20:59:00Z")).toBe(false); // 21:59 CET
    expect(at("2024-01-15T21:00:00Z")).toBe(true); // 22:00 CET
    expect(at("2024-01-16T05:59:00Z")).toBe(true); // 06:59 CET
    expect(at("2024-01-16T06:00:00Z")).toBe(false); // 07:00 CET
  });

  it("shifts with daylight saving time (UTC+2 in summer)", () => {
    expect(at("2024-07-15T20:00:00Z")).toBe(true); // 22:00 CEST
    expect(at("2024-07-15T19:59:00Z")).toBe(false); // 21:59 CEST
    expect(at("2024-07-16T05:00:00Z")).toBe(false); // 07:00 CEST
  });

  it("alerts silently during quiet hours instead of dropping the alert", () => {
    const night = decideAlert(
      { action: "BUY", confidence: 0.9, candleTime: "2024-01-15T22:00:00.000Z" },
      { now: Date.parse("2024-01-15T23:00:05Z"), alerts, timezone },
    );
    expect(night).toEqual({ alert: true, silent: true, reason: "first" });
    const day = decideAlert(
      { action: "BUY", confidence: 0.9, candleTime: "2024-01-15T10:00:00.000Z" },
      { now: Date.parse("2024-01-15T11:00:05Z"), alerts, timezone },
    );
    expect(day).toEqual({ alert: true, silent: false, reason: "first" });
  });

  it("has no quiet hours when none are configured", () => {
    expect(inQuietHours(Date.parse("2024-01-15T23:00:00Z"), { ...alerts, quietHours: null }, timezone)).toBe(
      false,
    );
  });
});

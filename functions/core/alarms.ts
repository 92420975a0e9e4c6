import * as z from "zod";
import { parseOrThrow } from "./validation";

/**
 * The stack's alarms as plain data: the infra builds each CloudWatch alarm from its entry (name suffix,
 * description) and the alarm notifier turns a state change back into the entry's plain words.
 */
export const ALARMS = {
  analysisDlq: {
    title: "Closes failed every attempt",
    meaning: "A message in the analysis dead-letter queue: a close that was never analysed.",
    check: "Run `npm run signals -- dlq list --queue analysis --aws` for the reason, then `dlq redrive`.",
  },
  failedTicks: {
    title: "A fetch tick never ran",
    meaning:
      "A message in the failed-ticks queue: the schedule could not run the fetcher, or it failed every retry.",
    check:
      "Read the fetcher's logs in CloudWatch for the error; `npm run signals -- doctor --aws` checks the rest.",
  },
  notifierFailures: {
    title: "Alerts were not delivered",
    meaning: "A message in the notifier's failure queue: alerts that failed every delivery attempt.",
    check: "Check the bot token (`npm run signals -- doctor --aws`) and the notifier's logs.",
  },
  noTicks: {
    title: "The schedule has stopped",
    meaning: "No successful fetch for 3 candle intervals: no new signals are being made.",
    check: "Check the schedule is enabled and the fetcher's logs (provider errors, timeouts).",
  },
  analystErrors: {
    title: "The analyst is failing",
    meaning: "The analyst function crashed or timed out.",
    check: "Read the analyst's logs in CloudWatch; a timeout often means a slow LLM endpoint.",
  },
  notifierErrors: {
    title: "The notifier is failing",
    meaning: "The notifier function crashed or timed out while sending alerts.",
    check: "Read the notifier's logs; check the bot token with `npm run signals -- doctor --aws`.",
  },
  notifierBacklog: {
    title: "Alerts are late",
    meaning: "The notifier is more than 10 minutes behind the signals table's stream.",
    check: "Look for notifier errors or Telegram rate limits in its logs.",
  },
  llmBudget: {
    title: "The LLM budget ran out",
    meaning: "A close was refused the LLM because the day's spend reached analyst.dailyBudgetUsd.",
    check:
      "Closes are ABSTAIN budget until the budget day turns; raise the budget in signals.config.ts if that is wrong.",
  },
} as const;

export type AlarmId = keyof typeof ALARMS;

/** The CloudWatch alarm name: the stack's name, then the entry's id, so the notifier can find the entry. */
export const alarmName = (stackName: string, id: AlarmId) => `${stackName}-${id}`;

/** One line for the alarm's description in the console and the e-mail. */
export const alarmDescription = (id: AlarmId) => `${ALARMS[id].meaning} ${ALARMS[id].check}`;

/** The JSON CloudWatch publishes to SNS on a state change (the fields we read). */
export const AlarmStateChangeSchema = z.object({
  AlarmName: z.string().min(1).max(255),
  AlarmDescription: z.string().max(1024).nullish(),
  NewStateValue: z.enum(["ALARM", "OK", "INSUFFICIENT_DATA"]),
  OldStateValue: z.enum(["ALARM", "OK", "INSUFFICIENT_DATA"]).optional(),
  NewStateReason: z.string().max(2048).optional(),
  StateChangeTime: z.string().min(1),
  Region: z.string().optional(),
});
export type AlarmStateChange = z.output<typeof AlarmStateChangeSchema>;

export function parseAlarmStateChange(message: string): AlarmStateChange {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    throw new Error(`SNS message is not JSON: ${JSON.stringify(message.slice(0, 80))}`);
  }
  return parseOrThrow(AlarmStateChangeSchema, json, "alarm state change");
}

const entryOf = (alarmName: string): (typeof ALARMS)[AlarmId] | undefined => {
  const id = Object.keys(ALARMS).find((key) => alarmName.endsWith(`-${key}`));
  return id ? ALARMS[id as AlarmId] : undefined;
};

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The Telegram message for a state change, in plain words: what broke, what to check, or that it is
 * over. Returns undefined for INSUFFICIENT_DATA, which is no news to a person.
 */
export function alarmMessage(change: AlarmStateChange): string | undefined {
  const entry = entryOf(change.AlarmName);
  const title = entry?.title ?? change.AlarmName;
  const when = change.StateChangeTime.replace(/\.\d+/, "").replace(/\+0000$/, " UTC");
  if (change.NewStateValue === "ALARM") {
    const meaning = entry?.meaning ?? change.AlarmDescription ?? change.NewStateReason ?? "";
    const lines = [`🚨 <b>${escapeHtml(title)}</b>`, escapeHtml(meaning)];
    if (entry) lines.push(`What to check: ${escapeHtml(entry.check)}`);
    lines.push(`<i>${escapeHtml(change.AlarmName)} · ${escapeHtml(when)}</i>`);
    return lines.join("\n");
  }
  if (change.NewStateValue === "OK" && change.OldStateValue === "ALARM")
    return [
      `✅ <b>Resolved: ${escapeHtml(title)}</b>`,
      `<i>${escapeHtml(change.AlarmName)} · ${escapeHtml(when)}</i>`,
    ].join("\n");
  return undefined;
}

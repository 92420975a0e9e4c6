import * as z from "zod";
import type { SignalKey } from "./signal";

/**
 * The pipeline's dead-letter queues, by the name the CLI takes: analysis requests that failed every
 * receive, scheduler ticks the fetcher never ran, and stream batches the notifier could not deliver.
 */
export const DEAD_LETTER_QUEUES = ["analysis", "ticks", "notifier"] as const;
export type DeadLetterQueueName = (typeof DEAD_LETTER_QUEUES)[number];

/** Kept as long as the DLQs keep their messages (SQS's maximum), so every message can be explained. */
export const FAILURE_RETENTION_DAYS = 14;

/** Errors are cut to this: a failure record explains, it does not archive a stack trace. */
const MAX_ERROR_CHARS = 1_000;

/**
 * Why one message failed, written by its consumer at each failure: SQS's redrive moves a message to
 * its DLQ without letting us add attributes, so the reason lives in the table, by message id.
 */
export const FailureRecordSchema = z.object({
  queue: z.enum(DEAD_LETTER_QUEUES),
  messageId: z.string().min(1),
  symbol: z.string().optional(),
  candleTime: z.string().optional(),
  receiveCount: z.number().int().nonnegative(),
  lastError: z.string(),
  at: z.iso.datetime(),
});
export type FailureRecord = z.infer<typeof FailureRecordSchema>;

/** A message as it sits in a DLQ. */
export interface DeadLetter {
  messageId: string;
  body: string;
  /** SQS's approximate receive count, peeks included: the failure record's count is preferred. */
  receiveCount?: number;
  /** SQS message attributes: Lambda and Scheduler put their error there for the tick DLQ. */
  attributes?: Record<string, string>;
}

/** One line of `signals dlq list`, and of a local DLQ file. */
export const DeadLetterRowSchema = z.object({
  queue: z.enum(DEAD_LETTER_QUEUES),
  messageId: z.string().min(1),
  symbol: z.string(),
  candleTime: z.string(),
  receiveCount: z.number().int().nonnegative().nullable(),
  lastError: z.string(),
  failedAt: z.string().nullable(),
  body: z.string(),
});
export type DeadLetterRow = z.infer<typeof DeadLetterRowSchema>;

export const UNKNOWN = "unknown";

const asObject = (body: string): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};
const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

/** What a body says about its close, read leniently: the failure may be that it cannot be parsed. */
export function closeOf(body: string): { symbol?: string; candleTime?: string } {
  const parsed = asObject(body);
  return { symbol: text(parsed.symbol), candleTime: text(parsed.candleTime) ?? text(parsed.scheduledTime) };
}

export function failureRecord(input: {
  queue: DeadLetterQueueName;
  messageId: string;
  body: string;
  receiveCount: number;
  error: unknown;
  at: number;
}): FailureRecord {
  const message = input.error instanceof Error ? input.error.message : String(input.error);
  return {
    queue: input.queue,
    messageId: input.messageId,
    ...closeOf(input.body),
    receiveCount: input.receiveCount,
    lastError: message.slice(0, MAX_ERROR_CHARS),
    at: new Date(input.at).toISOString(),
  };
}

/**
 * The error AWS itself attached, when there is no failure record: Lambda's async DLQ sets
 * ErrorMessage, Scheduler's sets ERROR_MESSAGE, and the stream's on-failure message names its
 * condition and the function error in the body.
 */
function reasonAwsGave(letter: DeadLetter): string | undefined {
  const attributes = letter.attributes ?? {};
  const fromAttributes = text(attributes.ErrorMessage) ?? text(attributes.ERROR_MESSAGE);
  if (fromAttributes) return fromAttributes;
  const body = asObject(letter.body);
  const request = body.requestContext as { condition?: unknown } | undefined;
  const response = body.responseContext as { functionError?: unknown } | undefined;
  const parts = [text(request?.condition), text(response?.functionError)].filter(Boolean);
  return parts.length > 0 ? parts.join(": ") : undefined;
}

/** Joins each DLQ message with its failure record by message id; what neither says is "unknown". */
export function describeDeadLetters(
  queue: DeadLetterQueueName,
  letters: DeadLetter[],
  failures: FailureRecord[],
): DeadLetterRow[] {
  const byId = new Map(failures.map((failure) => [failure.messageId, failure]));
  return letters.map((letter) => {
    const failure = byId.get(letter.messageId);
    const close = closeOf(letter.body);
    return {
      queue,
      messageId: letter.messageId,
      symbol: failure?.symbol ?? close.symbol ?? (queue === "ticks" ? "all" : UNKNOWN),
      candleTime: failure?.candleTime ?? close.candleTime ?? UNKNOWN,
      receiveCount: failure?.receiveCount ?? letter.receiveCount ?? null,
      lastError: failure?.lastError ?? reasonAwsGave(letter) ?? UNKNOWN,
      failedAt: failure?.at ?? null,
      body: letter.body,
    };
  });
}

const keyText = (key: SignalKey) => `${key.symbol} ${key.timeframe} ${key.candleTime}`;

/** The closes that were queued but have no stored signal, in queue order, each once. */
export function lostCloses(queued: SignalKey[], stored: SignalKey[]): SignalKey[] {
  const have = new Set(stored.map(keyText));
  const seen = new Set<string>();
  return queued.filter((key) => {
    const id = keyText(key);
    if (have.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

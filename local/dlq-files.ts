import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { peekDeadLetters } from "../functions/adapters/dlq-messages";
import {
  type DeadLetterQueueName,
  type DeadLetterRow,
  DeadLetterRowSchema,
  describeDeadLetters,
  UNKNOWN,
} from "../functions/core/dead-letters";
import type { Clock, FailureRecords } from "../functions/core/ports";
import { parseJson, parseOrThrow } from "../functions/core/validation";

/**
 * local-aws-sqs keeps queues in memory, so a local DLQ is written to a file when the pipeline stops
 * and sent again when it starts: `signals dlq list` reads the file, `dlq redrive` moves them back.
 * One JSON line per message, joined with its failure record (the store of a replay is recreated).
 */
export const dlqFile = (dataDir: string, queue: DeadLetterQueueName) =>
  join(dataDir, "dlq", `${queue}.jsonl`);

export function readDlqFile(dataDir: string, queue: DeadLetterQueueName): DeadLetterRow[] {
  const file = dlqFile(dataDir, queue);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line, index) => {
      if (line.trim() === "") return [];
      const subject = `${file} line ${index + 1}`;
      return [parseOrThrow(DeadLetterRowSchema, parseJson(line, subject), subject)];
    });
}

function writeDlqFile(dataDir: string, queue: DeadLetterQueueName, rows: DeadLetterRow[]): void {
  const file = dlqFile(dataDir, queue);
  if (rows.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(join(dataDir, "dlq"), { recursive: true });
  writeFileSync(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(""));
}

export interface LocalDlq {
  dataDir: string;
  queue: DeadLetterQueueName;
  queueUrl: string;
  client: SQSClient;
  failures: FailureRecords;
}

/** Writes what the DLQ holds now, with each message's reason, to its file. */
export async function saveDeadLetters(dlq: LocalDlq): Promise<DeadLetterRow[]> {
  const letters = await peekDeadLetters(dlq.queueUrl, dlq.client);
  const rows = describeDeadLetters(dlq.queue, letters, await dlq.failures.failuresOf(dlq.queue));
  writeDlqFile(dlq.dataDir, dlq.queue, rows);
  return rows;
}

/** Sends the saved messages back into the (new, empty) DLQ and keeps their reasons under their new ids. */
export async function restoreDeadLetters(dlq: LocalDlq, clock: Clock): Promise<number> {
  const rows = readDlqFile(dlq.dataDir, dlq.queue);
  for (const row of rows) {
    const { MessageId } = await dlq.client.send(
      new SendMessageCommand({ QueueUrl: dlq.queueUrl, MessageBody: row.body }),
    );
    if (!MessageId) continue;
    await dlq.failures.recordFailure({
      queue: row.queue,
      messageId: MessageId,
      ...(row.symbol === UNKNOWN ? {} : { symbol: row.symbol }),
      ...(row.candleTime === UNKNOWN ? {} : { candleTime: row.candleTime }),
      receiveCount: row.receiveCount ?? 0,
      lastError: row.lastError,
      at: row.failedAt ?? new Date(clock.now()).toISOString(),
    });
  }
  return rows.length;
}

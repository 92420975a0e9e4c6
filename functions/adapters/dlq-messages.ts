import { setTimeout as sleep } from "node:timers/promises";
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import type { DeadLetter } from "../core/dead-letters";
import { queueDepth } from "./queue-depth";
import { sqs } from "./sqs-client";

/** Long enough to page through a DLQ without meeting a message twice; released right after. */
const PEEK_VISIBILITY_SECONDS = 30;
/** A listing is for reading: past this many messages, use the console or a redrive. */
export const MAX_PEEKED = 1_000;
const MAX_BATCH = 10;

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );

function toDeadLetter(message: Message): DeadLetter {
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) =>
      value.StringValue === undefined ? [] : [[name, value.StringValue]],
    ),
  );
  const received = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    messageId: message.MessageId ?? "",
    body: message.Body ?? "",
    receiveCount: Number.isFinite(received) ? received : undefined,
    attributes,
  };
}

/**
 * Reads the messages of a DLQ without consuming them: receives them all under a short visibility
 * timeout (so no message is met twice), then makes each visible again at once.
 */
export async function peekDeadLetters(queueUrl: string, client: SQSClient = sqs()): Promise<DeadLetter[]> {
  const { visible } = await queueDepth(queueUrl, client);
  const received = new Map<string, Message>();
  const wanted = Math.min(visible, MAX_PEEKED);
  while (received.size < wanted) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        // Asking for no more than remain lets the emulator answer without waiting to fill a batch.
        MaxNumberOfMessages: Math.min(MAX_BATCH, wanted - received.size),
        // Long polling asks every SQS server, so a short queue is not reported empty by sampling.
        WaitTimeSeconds: 1,
        VisibilityTimeout: PEEK_VISIBILITY_SECONDS,
        MessageSystemAttributeNames: ["All"],
        // local-aws-sqs reads only the older name; AWS accepts both.
        AttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) if (message.MessageId) received.set(message.MessageId, message);
  }
  const messages = [...received.values()];
  for (const batch of chunks(messages, MAX_BATCH)) {
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle ?? "",
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  return messages.map(toDeadLetter);
}

export interface MoveOutcome {
  status: string;
  moved: number;
  toMove: number;
  failureReason?: string;
}

const POLL_MS = 500;

/**
 * Moves a DLQ's messages back with SQS's own message-move task: to `destinationArn`, else to the
 * queues they came from. Waits up to `waitMs` for it to end (on AWS it goes on if the wait ends first).
 */
export async function redriveDeadLetters(
  queueUrl: string,
  options: { client?: SQSClient; waitMs?: number; destinationArn?: string } = {},
): Promise<MoveOutcome> {
  const client = options.client ?? sqs();
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  const sourceArn = Attributes?.QueueArn;
  if (!sourceArn) throw new Error(`${queueUrl} has no QueueArn`);
  await client.send(
    new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: options.destinationArn }),
  );
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (;;) {
    const { Results = [] } = await client.send(
      new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }),
    );
    const task = Results[0];
    const outcome: MoveOutcome = {
      status: task?.Status ?? "UNKNOWN",
      moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
      toMove: task?.ApproximateNumberOfMessagesToMove ?? 0,
      ...(task?.FailureReason ? { failureReason: task.FailureReason } : {}),
    };
    if (outcome.status !== "RUNNING" || Date.now() >= deadline) return outcome;
    await sleep(POLL_MS);
  }
}

import { type Command, Option } from "commander";
import { peekDeadLetters, redriveDeadLetters } from "../../functions/adapters/dlq-messages";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import {
  DEAD_LETTER_QUEUES,
  type DeadLetterQueueName,
  type DeadLetterRow,
  describeDeadLetters,
} from "../../functions/core/dead-letters";
import { loadConfig } from "../../functions/runtime/config";
import { STACK_OUTPUTS } from "../../functions/shared/resource-definitions";
import { dlqFile, readDlqFile } from "../../local/dlq-files";
import { resolveStoreDir } from "../../local/local-store";
import { startLocalPipeline } from "../../local/runtime";
import { requireStackOutput } from "../../local/stack-outputs";
import { DEFAULT_DATA_DIR, parseEndpoint } from "./arguments";

interface DlqOptions {
  queue?: DeadLetterQueueName;
  json?: boolean;
  aws?: boolean;
  dataDir: string;
  dynamodbEndpoint?: string;
}

const QUEUE_OUTPUT: Record<DeadLetterQueueName, string> = {
  analysis: STACK_OUTPUTS.analysisDlqUrl,
  ticks: STACK_OUTPUTS.failedTicksQueueUrl,
  notifier: STACK_OUTPUTS.notifierFailureQueueUrl,
};

/** The SDK's own words for a machine with no AWS setup, said as what to do about it. */
export function awsSetupHint(error: unknown): Error {
  const { name, message } = error as { name?: string; message?: string };
  if (/region is missing/i.test(message ?? "")) return new Error("no AWS region: set AWS_REGION");
  if (name === "CredentialsProviderError" || /could not load credentials/i.test(message ?? ""))
    return new Error("no AWS credentials: run aws configure (or set AWS_PROFILE)");
  return error as Error;
}

async function onAws<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw awsSetupHint(error);
  }
}

async function awsRows(queue: DeadLetterQueueName, stackName: string): Promise<DeadLetterRow[]> {
  const queueUrl = await requireStackOutput(stackName, QUEUE_OUTPUT[queue]);
  const tableName = await requireStackOutput(stackName, STACK_OUTPUTS.tableName);
  const letters = await peekDeadLetters(queueUrl);
  return describeDeadLetters(queue, letters, await new DynamoStore(tableName).failuresOf(queue));
}

const MAX_ERROR_COLUMN = 90;

export function deadLetterTable(rows: DeadLetterRow[]): string {
  const header = ["queue", "message id", "symbol", "candle", "receives", "last error"];
  const cells = rows.map((row) => [
    row.queue,
    row.messageId,
    row.symbol,
    row.candleTime,
    row.receiveCount === null ? "?" : String(row.receiveCount),
    row.lastError.replace(/\s+/g, " ").slice(0, MAX_ERROR_COLUMN),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? "").length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, column) => value.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...cells.map(line)].join("\n");
}

const chosenQueues = (options: DlqOptions): DeadLetterQueueName[] =>
  options.queue ? [options.queue] : [...DEAD_LETTER_QUEUES];

async function list(options: DlqOptions): Promise<void> {
  const config = loadConfig();
  const rows: DeadLetterRow[] = [];
  for (const queue of chosenQueues(options)) {
    rows.push(
      ...(options.aws
        ? await onAws(() => awsRows(queue, config.stackName))
        : readDlqFile(resolveStoreDir(options.dataDir), queue)),
    );
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const where = options.aws
    ? `the deployed stack ${config.stackName}`
    : `${resolveStoreDir(options.dataDir)} (as the last local run left it)`;
  if (rows.length === 0) {
    console.log(`no dead letters in ${chosenQueues(options).join(", ")} of ${where}`);
    return;
  }
  console.log(deadLetterTable(rows));
  console.log(
    `\n${rows.length} dead letters in ${where}; move them back with: npm run signals -- dlq redrive`,
  );
}

async function redrive(options: DlqOptions): Promise<void> {
  const queue = options.queue ?? "analysis";
  if (queue !== "analysis")
    throw new Error(
      `only the analysis DLQ can be redriven: ${queue} failures did not come from an SQS queue ` +
        "(they are Lambda's failure records), so SQS cannot move them back; `dlq list` shows them",
    );
  const config = loadConfig();
  if (options.aws) {
    const outcome = await onAws(async () =>
      redriveDeadLetters(await requireStackOutput(config.stackName, QUEUE_OUTPUT.analysis)),
    );
    if (outcome.failureReason) throw new Error(`the message-move task failed: ${outcome.failureReason}`);
    console.log(
      `message-move task ${outcome.status}: ${outcome.moved} of ${outcome.toMove} messages moved back to the analysis queue`,
    );
    return;
  }
  const storeDir = resolveStoreDir(options.dataDir);
  const waiting = readDlqFile(storeDir, queue).length;
  if (waiting === 0) {
    console.log(`no dead letters in ${dlqFile(storeDir, queue)}`);
    return;
  }
  const log = (line: string) => console.log(line);
  const pipeline = await startLocalPipeline({
    config,
    dataDir: storeDir,
    dynamodbEndpoint: options.dynamodbEndpoint,
    log,
  });
  try {
    const outcome = await pipeline.redrive();
    if (outcome.failureReason) throw new Error(`the message-move task failed: ${outcome.failureReason}`);
    const { messagesReceived, messageFailures } = pipeline.totals;
    log(
      `moved ${outcome.moved} of ${waiting} dead letters back and analysed them: ${messagesReceived} deliveries, ${messageFailures} failed`,
    );
  } finally {
    await pipeline.close();
  }
  const left = readDlqFile(storeDir, queue).length;
  if (left > 0) throw new Error(`${left} failed again and are back in the DLQ: npm run signals -- dlq list`);
}

export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command("dlq")
    .description("what failed every attempt: list the dead-letter queues with reasons, or move them back");
  const queueOption = () =>
    new Option("--queue <queue>", "one DLQ (default: all for list, analysis for redrive)").choices(
      DEAD_LETTER_QUEUES,
    );
  const awsOption = "use the deployed stack (resolved from its outputs) instead of the local store";
  dlq
    .command("list")
    .description("each dead letter with its symbol, candle, receive count and last error")
    .addOption(queueOption())
    .option("--json", "print a JSON array of the dead letters, and nothing else")
    .option("--aws", awsOption)
    .option("--data-dir <dir>", "where `npm start` keeps its local store", DEFAULT_DATA_DIR)
    .action(list);
  dlq
    .command("redrive")
    .description("move the dead letters back to their queue (SQS's message-move task) to be analysed again")
    .addOption(queueOption())
    .option("--aws", awsOption)
    .option("--data-dir <dir>", "where `npm start` keeps its local store", DEFAULT_DATA_DIR)
    .option("--dynamodb-endpoint <url>", "the DynamoDB server `npm start` was given, if any", parseEndpoint)
    .action(redrive);
}

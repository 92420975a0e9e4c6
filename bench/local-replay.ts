// The local runtime's replay speed against what its emulators can do at best, measured in the same run.
// Ceiling: per signal, one dynalite PutItem of a stored-signal-sized item plus one SQS SendMessage,
// ReceiveMessage and DeleteMessage, done one after another, as a replay's work is. The replay: the
// sample series through the real handlers (no LLM key: the rules analyst), no Telegram token.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from "@aws-sdk/client-sqs";
import { ReplaySource } from "../functions/adapters/prices/replay";
import { parseConfig } from "../functions/core/config";
import { timeframeMs } from "../functions/core/timeframes";
import {
  createAnalysisQueues,
  createSignalsTable,
  dynamoClientFor,
  sqsClientFor,
  startDynalite,
  startSqs,
} from "../local/emulators";
import { replayTicks, spanOf } from "../local/replay-plan";
import { endpointFile, startLocalPipeline } from "../local/runtime";
import { sampleSeries } from "../local/sample-series";
import { countAwsCalls } from "../test/support/aws-calls";

const SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"];
const TICKS = Number(process.env.BENCH_REPLAY_TICKS ?? 1000);
const CEILING_SIGNALS = 1000;
const NOW = Date.parse("2026-06-01T12:30:00Z");

const signalItem = (index: number) => ({
  pk: { S: `SIGNAL#BTC-USD#1h` },
  sk: { S: `2026-01-01T00:00:00.000Z#${index}` },
  action: { S: "HOLD" },
  confidence: { N: "0.5" },
  price: { N: "62000.5" },
  reasons: { L: [{ S: "no band break, no cross: the gate passed on it" }] },
  indicators: { M: { rsi: { N: "51.2" }, macdHist: { N: "3.5" }, bbPercentB: { N: "0.52" } } },
  recentCloses: { L: Array.from({ length: 48 }, (_, i) => ({ N: String(62_000 + i) })) },
});

/**
 * Signals per second the emulators allow at best, one signal at a time: a PutItem and an SQS send,
 * receive and delete each (`batch` 1, the definition), or with the queue calls batched as a
 * tick batches its symbols (`batch` = symbols per tick): one send, receive and delete for them all.
 */
async function ceiling(batch: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ceiling-"));
  const dynalite = await startDynalite({ path: dir });
  const sqs = await startSqs();
  try {
    const dynamo = dynamoClientFor(dynalite.endpoint);
    await createSignalsTable(dynamo, "ceiling");
    const client = sqsClientFor(sqs.endpoint);
    const { queueUrl } = await createAnalysisQueues(client, "ceiling");
    const started = performance.now();
    for (let index = 0; index < CEILING_SIGNALS; index += batch) {
      const ids = Array.from({ length: batch }, (_, offset) => String(index + offset));
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: ids.map((id) => ({ Id: id, MessageBody: `{"n":${id}}` })),
        }),
      );
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batch, WaitTimeSeconds: 0 }),
      );
      for (const id of ids)
        await dynamo.send(new PutItemCommand({ TableName: "ceiling", Item: signalItem(Number(id)) }));
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((message, at) => ({ Id: String(at), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
    return CEILING_SIGNALS / ((performance.now() - started) / 1000);
  } finally {
    await sqs.close();
    await dynalite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function replay() {
  const config = parseConfig({ watchlist: SYMBOLS, timeframe: "1h" });
  const series = new Map(
    SYMBOLS.map((symbol) => [symbol, sampleSeries(symbol, "1h", config.lookbackCandles + TICKS, NOW)]),
  );
  const ticks = replayTicks(
    [...series.values()].flatMap((candles) => spanOf(candles, timeframeMs("1h")) ?? []),
    "1h",
    config.lookbackCandles,
  );
  for (const name of ["TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID", "OPENAI_API_KEY"]) delete process.env[name];
  const dataDir = mkdtempSync(join(tmpdir(), "bench-replay-"));
  const source = new ReplaySource(series);
  const quiet = { isTTY: false, write: () => true };
  const pipeline = await startLocalPipeline({
    config,
    dataDir,
    replaySources: () => [source],
    log: () => {},
    progressStream: quiet,
  });
  try {
    const dynalite = new URL(readFileSync(endpointFile(dataDir), "utf8")).host;
    const counter = countAwsCalls();
    const started = performance.now();
    await pipeline.replay(ticks);
    const seconds = (performance.now() - started) / 1000;
    counter.stop();
    const signals = pipeline.totals.queuedCloses.length;
    // What the handlers asked for (of the stream proxy and SQS); the proxy forwards each DynamoDB call
    // to dynalite, and what it sends beyond those are its own reads of item images.
    const calls = new Map<string, number>();
    for (const call of counter.calls)
      if (call.host !== dynalite) calls.set(call.operation, (calls.get(call.operation) ?? 0) + 1);
    const proxy = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? "").host;
    const imageReads = counter.count({ host: dynalite }) - counter.count({ host: proxy });
    return { perSecond: signals / seconds, signals, seconds, calls, imageReads };
  } finally {
    await pipeline.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const perSecond = (value: number) => `${value.toFixed(0)} signals/s`;

export async function run(): Promise<void> {
  // The ceilings are measured before and after the replay, and averaged, so a change in the machine's
  // load during the run weighs on both sides of the ratio alike.
  const single = [await ceiling(1)];
  const batched = [await ceiling(SYMBOLS.length)];
  const result = await replay();
  single.push(await ceiling(1));
  batched.push(await ceiling(SYMBOLS.length));
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const signals = result.signals;
  console.log(
    `local replay: ${perSecond(result.perSecond)} (${signals} signals of ${SYMBOLS.length} symbols, ${TICKS} closes each, in ${result.seconds.toFixed(1)} s)`,
  );
  console.log(
    `emulator ceiling, a PutItem and an SQS send, receive and delete per signal: ${perSecond(mean(single))} (before ${perSecond(single[0] ?? 0)}, after ${perSecond(single[1] ?? 0)})`,
  );
  console.log(`  replay / ceiling: ${((100 * result.perSecond) / mean(single)).toFixed(0)}% (goal ≥ 80%)`);
  console.log(
    `emulator ceiling with the queue calls batched ${SYMBOLS.length} to a tick, as the fetcher batches: ${perSecond(mean(batched))} (before ${perSecond(batched[0] ?? 0)}, after ${perSecond(batched[1] ?? 0)})`,
  );
  console.log(`  replay / batched ceiling: ${((100 * result.perSecond) / mean(batched)).toFixed(0)}%`);
  const total = [...result.calls.values()].reduce((sum, count) => sum + count, 0);
  const perSignal = [...result.calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ${(count / signals).toFixed(2)}`)
    .join(", ");
  console.log(`SDK calls per signal: ${(total / signals).toFixed(2)} (${perSignal})`);
  console.log(
    `stream proxy's own reads per signal: ${(result.imageReads / signals).toFixed(2)} (an item read before each update; a put's old item comes back with it)`,
  );
  console.log(
    "local-aws-sqs answers a ReceiveMessage on its next 10 ms poll, so each tick spends at least 10 ms there.",
  );
}

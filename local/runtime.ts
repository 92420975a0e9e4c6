import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type MoveOutcome, redriveDeadLetters } from "../functions/adapters/dlq-messages";
import { DynamoStore } from "../functions/adapters/dynamo-store";
import type { Config } from "../functions/core/config";
import type { Clock, PriceSource } from "../functions/core/ports";
import { isoTime } from "../functions/core/signal";
import type { FetcherResult } from "../functions/fetcher/handler";
import { type LocalDlq, restoreDeadLetters, saveDeadLetters } from "./dlq-files";
import {
  createAnalysisQueues,
  createSignalsTable,
  dynamoClientFor,
  type RunningEmulator,
  releaseDeadClaims,
  sqsClientFor,
  startDynalite,
  startSqs,
} from "./emulators";
import { applyLocalEnv } from "./local-env";
import { type LocalHandlers, wireLocalHandlers } from "./local-handlers";
import { type ProgressStream, progressBar } from "./progress";
import { type StreamProxy, startStreamProxy } from "./stream-proxy";
import { emptyTotals, type RunTotals, runQueuedAnalyses, runTick, sweepOutbox } from "./tick";

export const LOCAL_TABLE_NAME = "signals-local";

export interface LocalPipelineOptions {
  config: Config;
  /** This run's store (a live or a replay store; see bin/commands/start.ts). */
  dataDir: string;
  /** Delete the store first; otherwise a run resumes on what is stored. */
  fresh?: boolean;
  /**
   * A DynamoDB-compatible server to use instead of the embedded dynalite (DynamoDB Local, or a fault
   * proxy in front of one); the store folder then keeps only the run's DLQ.
   */
  dynamodbEndpoint?: string;
  /** The replay's price sources per symbol; absent in live mode (real providers, real time). */
  replaySources?: (symbol: string) => PriceSource[];
  log: (line: string) => void;
  /** Where the replay's progress goes (a bar on a terminal); stdout by default. */
  progressStream?: ProgressStream;
}

export interface LocalPipeline {
  handlers: LocalHandlers;
  totals: RunTotals;
  dataDir: string;
  tableName: string;
  dlqUrl: string;
  /** Runs each scheduled time (candle closes, ascending) through the pipeline. */
  replay(ticks: number[]): Promise<void>;
  /** Runs one tick at `scheduledTime` (live mode and tests); what the fetcher did, unless it failed. */
  tick(scheduledTime: number): Promise<FetcherResult | undefined>;
  /** Moves the analysis DLQ back to its queue (SQS's message-move task) and analyses what it held. */
  redrive(): Promise<MoveOutcome>;
  close(): Promise<void>;
}

/** Where `npm start` publishes the running store, so `history` can read it while it runs. */
export const endpointFile = (dataDir: string) => join(dataDir, "endpoint");

/**
 * The local runtime: dynalite (behind a stream-recording proxy) and local-aws-sqs in this process,
 * the table and queues created from the stack's definitions, and the real handlers driven with
 * AWS-shaped events. docs/ARCHITECTURE.md, "The local runtime", lists its known differences from AWS.
 */
export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const dataDir = resolve(options.dataDir);
  const dynamoPath = join(dataDir, "dynamodb");
  const replaying = options.replaySources !== undefined;
  if (options.fresh && options.dynamodbEndpoint)
    throw new Error(
      "--fresh deletes the embedded store only: delete the table on your own DynamoDB endpoint",
    );
  // Only on request: a store is the user's history, and a rerun resumes on it.
  if (options.fresh) rmSync(dynamoPath, { recursive: true, force: true });
  mkdirSync(options.dynamodbEndpoint ? dataDir : dynamoPath, { recursive: true });

  const started: Array<RunningEmulator | StreamProxy> = [];
  let dynamodbEndpoint = options.dynamodbEndpoint;
  if (!dynamodbEndpoint) {
    const dynalite = await startDynalite({ path: dynamoPath });
    started.push(dynalite);
    dynamodbEndpoint = dynalite.endpoint;
  }
  const proxy = await startStreamProxy(dynamodbEndpoint);
  started.push(proxy);
  const sqs = await startSqs();
  started.push(sqs);

  await createSignalsTable(dynamoClientFor(dynamodbEndpoint), LOCAL_TABLE_NAME);
  await releaseDeadClaims(dynamoClientFor(dynamodbEndpoint), LOCAL_TABLE_NAME);
  const sqsClient = sqsClientFor(sqs.endpoint);
  const queues = await createAnalysisQueues(sqsClient, "signals-local");
  applyLocalEnv({
    dynamodbEndpoint: proxy.endpoint,
    sqsEndpoint: sqs.endpoint,
    tableName: LOCAL_TABLE_NAME,
    queueUrl: queues.queueUrl,
    dlqUrl: queues.dlqUrl,
  });
  writeFileSync(endpointFile(dataDir), dynamodbEndpoint);
  // The in-memory DLQ starts with what earlier runs left in it, reasons included.
  const analysisDlq: LocalDlq = {
    dataDir,
    queue: "analysis",
    queueUrl: queues.dlqUrl,
    client: sqsClient,
    failures: new DynamoStore(LOCAL_TABLE_NAME),
  };
  await restoreDeadLetters(analysisDlq, { now: () => Date.now() });

  // Replays run on the replayed candles' time, so cooldowns, quiet hours and budget days behave as live.
  let simulatedNow: number | undefined;
  const clock: Clock = { now: () => simulatedNow ?? Date.now() };
  const handlers = wireLocalHandlers({ config: options.config, clock, sources: options.replaySources });
  const totals = emptyTotals();
  // Alerts an interrupted run stored but never delivered (its stream was in memory).
  await sweepOutbox(handlers, totals);

  const parts = { handlers, sqsClient, queues, proxy, totals };
  const tick = async (scheduledTime: number) => {
    simulatedNow = replaying ? scheduledTime + 5_000 : undefined;
    return runTick({ scheduledTime, ...parts });
  };

  return {
    handlers,
    totals,
    dataDir,
    tableName: LOCAL_TABLE_NAME,
    dlqUrl: queues.dlqUrl,
    async replay(ticks: number[]) {
      // On a terminal one bar with rate and ETA; piped output gets a plain line every 50 closes.
      const bar = progressBar(ticks.length, {
        stream: options.progressStream ?? process.stdout,
        label: "closes",
      });
      const plain = !(options.progressStream ?? process.stdout).isTTY;
      for (const [index, scheduledTime] of ticks.entries()) {
        await tick(scheduledTime);
        bar.tick();
        if (plain && (index + 1) % 50 === 0)
          options.log(`  … ${index + 1}/${ticks.length} candle closes (${isoTime(scheduledTime)})`);
      }
      bar.done();
    },
    tick,
    async redrive() {
      // Restored messages were sent to the DLQ directly, so SQS cannot tell their source: name it.
      const outcome = await redriveDeadLetters(queues.dlqUrl, {
        client: sqsClient,
        destinationArn: queues.queueArn,
      });
      await runQueuedAnalyses(parts);
      return outcome;
    },
    async close() {
      try {
        await saveDeadLetters(analysisDlq);
      } finally {
        rmSync(endpointFile(dataDir), { force: true });
        for (const server of started.reverse()) await server.close();
      }
    },
  };
}

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import type { Candle } from "../../functions/core/candles";
import { seededRandom } from "../../functions/core/seeded-random";
import type { Signal } from "../../functions/core/signal";
import { type Timeframe, timeframeMs } from "../../functions/core/timeframes";
import { loadConfig } from "../../functions/runtime/config";
import { readDlqFile } from "../../local/dlq-files";
import { dynamoClientFor, startDynalite } from "../../local/emulators";
import { resolveStoreDir } from "../../local/local-store";
import { LOCAL_TABLE_NAME } from "../../local/runtime";
import { closeKeptBy, isSignalPut, startDynamoFaultProxy } from "../support/dynamo-fault-proxy";
import { startFakeBotApi } from "../support/fake-bot-api";
import { REPO_ROOT } from "../support/npm-cli";
import { addDynamoThrottling, addTelegramFaults, type LlmTally, startFaultyLlm } from "./faults";

export interface ChaosOptions {
  seed: number;
  /** The candles replayed under every symbol: the warm-up first, then the closes analysed. */
  candles: Candle[];
  timeframe: Timeframe;
  symbols: string[];
  workDir: string;
  /** The share of the replay after which the first run is killed with SIGKILL. */
  killAfter: number;
  log: (line: string) => void;
}

export interface ChaosReport {
  closes: number;
  lost: number;
  duplicated: number;
  alertsExpected: number;
  deliveredOnce: number;
  deliveredTwice: number;
  deliveredNever: number;
  billedTwice: number;
  /**
   * LLM answers the first run had been paid for but had kept neither as a verdict nor as a signal
   * when it was killed: the one window where a `kill -9` can have a close asked, and billed, again.
   */
  unkeptAtKill: number;
  dlq: { count: number; reasons: Record<string, number> };
  llm: LlmTally;
  /** Sends Telegram answered with 429, and sends to the chat that blocked the bot. */
  telegram: { rateLimited: number; toBlockedChat: number };
  dynamoThrottled: number;
  /** DynamoDB requests by operation and key prefix, over both runs. */
  dynamoRequests: Record<string, number>;
  killedAt: string;
  secondRunExit: number | null;
}

const GOOD_CHAT = "700001";
const BLOCKED_CHAT = "700002";

export function chaosLine(report: ChaosReport): string {
  const reasons = Object.entries(report.dlq.reasons)
    .map(([reason, count]) => `${count} ${reason}`)
    .join("; ");
  return (
    `${report.closes} closes, ${report.lost} lost, ${report.duplicated} duplicated, ` +
    `${report.alertsExpected} alerts expected, ${report.deliveredOnce} delivered once, ` +
    `${report.deliveredTwice} twice, ${report.deliveredNever} never, ` +
    `${report.billedTwice} LLM calls billed twice (${report.unkeptAtKill} paid for and not yet kept at the kill), ` +
    `${report.dlq.count} in DLQ (${reasons || "none"})`
  );
}

function writeReplay(file: string, candles: Candle[], symbols: string[]): void {
  const rows = symbols.flatMap((symbol) =>
    candles.map(
      (c) =>
        `${new Date(c.time).toISOString()},${c.open},${c.high},${c.low},${c.close},${c.volume},${symbol}`,
    ),
  );
  writeFileSync(file, `${["time,open,high,low,close,volume,symbol", ...rows].join("\n")}\n`);
}

interface Run {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function startRun(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "bin/signals.ts", "start", ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: "",
      AWS_ENDPOINT_URL_SQS: "",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => output.push(String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output, exited };
}

/**
 * Resolves once `stored()` reaches `target` (signal writes the table accepted), naming how far the run
 * got; rejects if the run ends first. Watching the table rather than the progress lines (one per 50
 * closes) lets the kill land anywhere in a run, however short.
 */
async function storedPast(run: Run, stored: () => number, target: number, closes: number): Promise<string> {
  let ended = false;
  void run.exited.then(() => {
    ended = true;
  });
  for (;;) {
    if (stored() >= target) return `${stored()} signal writes of ${closes} closes`;
    if (ended) throw new Error(`the run ended before the kill:\n${run.output.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const countBy = (keys: string[]) => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
};

/**
 * The chaos run of #7, from outside: `npm start --replay` as its own process, with the LLM, Telegram
 * and DynamoDB failing through the endpoint overrides (a faulty Chat Completions server, a faulty Bot
 * API with one chat that blocked the bot, a throttling proxy in front of dynalite), one SIGKILL
 * mid-run and the same command again. Then it counts, from what the store holds and what the servers
 * saw, what was lost, duplicated, delivered more or less than once, and billed twice.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  // One stream per service, so each one's faults follow the seed whatever order the calls interleave in.
  const stream = (n: number) => seededRandom(options.seed * 16 + n);
  const [llmRandom, telegramRandom, dynamoRandom, killRandom] = [stream(1), stream(2), stream(3), stream(4)];
  const dataDir = join(options.workDir, "data");
  mkdirSync(dataDir, { recursive: true });
  const file = join(options.workDir, "chaos.csv");
  writeReplay(file, options.candles, options.symbols);

  const table = await startDynalite();
  const proxy = await startDynamoFaultProxy(table.endpoint);
  const llm = await startFaultyLlm(llmRandom);
  const telegram = await startFakeBotApi();
  const faulted = addTelegramFaults(telegram, telegramRandom, BLOCKED_CHAT);
  addDynamoThrottling(proxy, dynamoRandom);
  // Signal writes the table accepted, over both runs: the first run is killed part way through them.
  let signalWrites = 0;
  // The closes whose billed answer the table accepted from the first run, as a verdict or a signal.
  const keptByFirstRun = new Set<string>();
  let firstRunAlive = true;
  const throttles = proxy.fails;
  proxy.fails = (call) => {
    const refused = throttles(call);
    if (!refused && isSignalPut(call)) signalWrites += 1;
    const kept = closeKeptBy(call);
    if (!refused && firstRunAlive && kept) keptByFirstRun.add(kept);
    return refused;
  };
  try {
    const args = [
      "--replay",
      file,
      "--timeframe",
      options.timeframe,
      "--data-dir",
      dataDir,
      "--dynamodb-endpoint",
      proxy.endpoint,
    ];
    const env = {
      OPENAI_API_KEY: "sk-chaos",
      OPENAI_BASE_URL: `${llm.server.url}/v1`,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_CHAT_ID: `${GOOD_CHAT},${BLOCKED_CHAT}`,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    };
    const first = startRun(args, env);
    const closes = options.symbols.length * (options.candles.length - loadConfig().lookbackCandles);
    const killedAt = await storedPast(
      first,
      () => signalWrites,
      Math.ceil(options.killAfter * closes),
      closes,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.floor(killRandom() * 1_500)));
    first.child.kill("SIGKILL");
    await first.exited;
    firstRunAlive = false;
    const unkeptAtKill = Math.max(0, llm.tally.billed - keptByFirstRun.size);
    options.log(`killed -9 after ${killedAt}; running the same command again`);

    const second = startRun(args, env);
    const secondRunExit = await second.exited;
    const output = second.output.join("");
    const ticks = Number(/Replaying (\d+) \S+ candle closes/.exec(output)?.[1]);
    if (!Number.isFinite(ticks)) throw new Error(`the second run did not replay:\n${output}`);

    const store = new DynamoStore(
      LOCAL_TABLE_NAME,
      DynamoDBDocumentClient.from(dynamoClientFor(table.endpoint), {
        marshallOptions: { removeUndefinedValues: true },
      }),
    );
    const stored: Signal[] = (
      await Promise.all(options.symbols.map((symbol) => store.history(symbol, options.timeframe)))
    ).flat();
    const storedKeys = countBy(stored.map((s) => `${s.symbol} ${s.candleTime}`));

    // The closes replayed are the last `ticks` candles of each symbol (the rest is warm-up).
    const step = timeframeMs(options.timeframe);
    const lastOpen = options.candles.at(-1)?.time ?? 0;
    const expected = options.symbols.flatMap((symbol) =>
      Array.from({ length: ticks }, (_, i) => `${symbol} ${new Date(lastOpen - i * step).toISOString()}`),
    );
    const lost = expected.filter((key) => !storedKeys.has(key)).length;
    const duplicated = [...storedKeys.values()].filter((count) => count > 1).length;

    const alerts = stored.filter((s) => s.alert);
    const sends = telegram.calls.filter(
      (call) =>
        (call.method === "sendPhoto" || call.method === "sendMessage") &&
        String(call.payload.chat_id) === GOOD_CHAT &&
        !faulted.has(call),
    );
    const delivered = countBy(sends.map((call) => String(call.payload.caption ?? call.payload.text)));
    const deliveredOnce = [...delivered.values()].filter((count) => count === 1).length;
    const deliveredTwice = [...delivered.values()].filter((count) => count > 1).length;
    const unnotified = alerts.filter((s) => !s.notifiedAt).length;
    const deliveredNever = Math.max(alerts.length - delivered.size, unnotified);

    const billedOnSignals = stored.filter((s) => s.tokens !== undefined).length;
    const dlqRows = readDlqFile(resolveStoreDir(dataDir), "analysis");
    const reasons: Record<string, number> = {};
    for (const row of dlqRows) reasons[row.lastError] = (reasons[row.lastError] ?? 0) + 1;

    return {
      closes: expected.length,
      lost,
      duplicated,
      alertsExpected: alerts.length,
      deliveredOnce,
      deliveredTwice,
      deliveredNever,
      billedTwice: Math.max(0, llm.tally.billed - billedOnSignals),
      unkeptAtKill,
      dlq: { count: dlqRows.length, reasons },
      llm: llm.tally,
      telegram: {
        rateLimited: faulted.size,
        toBlockedChat: telegram.calls.filter((call) => String(call.payload.chat_id) === BLOCKED_CHAT).length,
      },
      dynamoThrottled: proxy.failed,
      dynamoRequests: Object.fromEntries(proxy.seen),
      killedAt,
      secondRunExit,
    };
  } finally {
    await telegram.close();
    await llm.server.close();
    await proxy.close();
    await table.close();
  }
}

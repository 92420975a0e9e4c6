// The analyst on real BTC candles (../shared/data/ohlcv): every candle close goes through the real
// use case (features, gate, claim, budget, prompt) with in-memory ports and a model that answers a
// representative verdict. Prints the gate rate (LLM calls per 1,000 closes, goal <= 20), prompt and
// completion tokens per call (gpt-tokenizer, gpt-4o encoding), and the projected monthly cost of 20
// symbols on 5-minute candles, AWS and LLM together, itemised with its assumptions (goal < $1), and
// what outcomes (#8) add: the scoring query at every close and the writes per BUY/SELL (goal <= $0.05).

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { SQSRecord } from "aws-lambda";
import { countTokens } from "gpt-tokenizer/model/gpt-4o";
import { VERDICT_RESPONSE_FORMAT } from "../functions/adapters/openai-analyst";
import { createAnalystHandler } from "../functions/analyst/handler";
import { ALARMS } from "../functions/core/alarms";
import { analyse, storePorts } from "../functions/core/analyse";
import type { AnalysisRequest } from "../functions/core/analysis-request";
import { type Candle, type CandleTuple, toTuple } from "../functions/core/candles";
import { type Config, parseConfig } from "../functions/core/config";
import { costUsd, priceFor } from "../functions/core/cost";
import type { Signal } from "../functions/core/signal";
import { isoTime } from "../functions/core/signal";
import { type Timeframe, timeframeMs } from "../functions/core/timeframes";
import type { AnalystModel, ModelCompletion, ModelRequest } from "../functions/core/verdict";
import { logger } from "../functions/runtime/logger";
import { ANALYSIS_QUEUE } from "../functions/shared/resource-definitions";
import { localContext } from "../local/lambda-context";
import { InMemoryStore } from "../test/support/in-memory-store";
import { hasShared, sharedMissing, sharedPath } from "../test/support/shared";

const OHLCV = ["data", "ohlcv"] as const;
const HOURLY = "binance-BTCUSDT-1h-2018-05-01_05.csv";
const FIVE_MINUTE = "binance-BTCUSDT-5m-2023-01_02.json";

/** What a gpt-4o-mini answer to this prompt looks like: two short reasons citing numbers. */
const REPRESENTATIVE_VERDICT = {
  action: "HOLD",
  confidence: 0.55,
  reasons: [
    "RSI 71.8 overbought while MACD histogram still rising",
    "volume z 4.3 backs the break above the upper band",
  ],
  horizon: "hours",
};

// --- list prices, us-east-1, as of 2025 -----------------------------------------------------------
const PRICE = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  sqsPerMillionRequests: 0.4,
  dynamoPerMillionWrites: 0.625,
  dynamoPerMillionReads: 0.125,
  dynamoStorageGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  schedulerPerMillion: 1,
  logsIngestPerGb: 0.5,
  customMetricMonth: 0.3,
  alarmMonth: 0.1,
};

// --- deployment assumptions (see lib/ and resource-definitions.ts) --------------------------------
const SYMBOLS = 20;
const DAYS_PER_MONTH = 30;
const ANALYST_GB = 0.25; // lib/analyst.ts memorySize 256
const FETCHER_GB = 0.25; // lib/fetcher.ts memorySize 256
const NOTIFIER_GB = 0.5; // lib/notifier.ts memorySize 512
const FETCH_TICK_SECONDS = 1.5; // one tick: 20 symbols' candles fetched in parallel, then one SendMessageBatch pair
const DYNAMO_ROUND_TRIP_SECONDS = 0.008;
const LLM_LATENCY_SECONDS = 2.5; // gpt-4o-mini, ~500 prompt and ~50 output tokens, structured output
const NOTIFIER_SECONDS = 1.5; // one Telegram sendMessage plus a chart
const IDLE_POLLERS = 5; // Lambda's SQS event source long-polls (20 s) with 5 pollers even when idle
const PLATFORM_LOG_BYTES = 350; // START, END and REPORT lines per invocation
const FETCHER_LOG_BYTES_PER_TICK = 1_000;
// Metrics emitted every hour: none. The fetcher and analyst emit only on failures, abstains, alerts and
// rejects; a custom metric is billed per hour it receives data, so rare ones cost cents. Counted as 0.
const CONTINUOUS_METRICS = 0;
const SQS_CHUNK = 64 * 1024;

function loadHourly(): Candle[] {
  return readFileSync(sharedPath(...OHLCV, HOURLY), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [stamp = "", open, high, low, close, volume] = line.split(",");
      const [, y, m, d, hh, mm] = /^(\d{4})(\d\d)(\d\d) (\d\d):(\d\d)$/.exec(stamp) ?? [];
      return {
        time: Date.parse(`${y}-${m}-${d}T${hh}:${mm}:00Z`),
        open: Number(open),
        high: Number(high),
        low: Number(low),
        close: Number(close),
        volume: Number(volume),
      };
    });
}

function loadFiveMinute(): Candle[] {
  const columns = JSON.parse(readFileSync(sharedPath(...OHLCV, FIVE_MINUTE), "utf8")) as Record<
    "date" | "open" | "high" | "low" | "close" | "volume",
    Record<string, number>
  >;
  return Object.keys(columns.date)
    .map((row) => ({
      time: columns.date[row] as number,
      open: columns.open[row] as number,
      high: columns.high[row] as number,
      low: columns.low[row] as number,
      close: columns.close[row] as number,
      volume: columns.volume[row] as number,
    }))
    .sort((a, b) => a.time - b.time);
}

function requestAt(candles: Candle[], end: number, lookback: number, timeframe: Timeframe): AnalysisRequest {
  const window = candles.slice(Math.max(0, end - lookback + 1), end + 1);
  return {
    v: 1,
    symbol: "BTC-USD",
    timeframe,
    candleTime: isoTime((window.at(-1) as Candle).time),
    provider: "binance",
    gaps: 0,
    candles: window.map(toTuple) as CandleTuple[],
  };
}

class RecordingModel implements AnalystModel {
  readonly requests: ModelRequest[] = [];
  async complete(request: ModelRequest): Promise<ModelCompletion> {
    this.requests.push(request);
    return {
      model: request.model,
      content: JSON.stringify(REPRESENTATIVE_VERDICT),
      refusal: null,
      finishReason: "stop",
      usage: { prompt: promptTokens(request), completion: COMPLETION_TOKENS },
    };
  }
}

const SCHEMA_TOKENS = countTokens(JSON.stringify(VERDICT_RESPONSE_FORMAT.json_schema));
/** Chat tokens of both messages (with per-message framing) plus the response_format schema. */
const promptTokens = (request: ModelRequest) =>
  countTokens([
    { role: "system", content: request.system },
    { role: "user", content: request.user },
  ]) + SCHEMA_TOKENS;
const COMPLETION_TOKENS = countTokens(JSON.stringify(REPRESENTATIVE_VERDICT)) + 1; // + end of message

interface Replay {
  closes: number;
  calls: number;
  triggers: Map<string, number>;
  requests: ModelRequest[];
  signals: readonly Signal[];
  analyseMs: number;
  requestBytes: number;
}

/** Every close from `first` on, through the real use case, the window growing up to `lookback`. */
async function replay(
  candles: Candle[],
  timeframe: Timeframe,
  config: Config,
  first: number,
): Promise<Replay> {
  const store = new InMemoryStore();
  const model = new RecordingModel();
  const step = timeframeMs(timeframe);
  let now = 0;
  const ports = storePorts(store, model, { now: () => now });
  const triggers = new Map<string, number>();
  let requestBytes = 0;
  const started = performance.now();
  for (let end = first; end < candles.length; end++) {
    const request = requestAt(candles, end, config.lookbackCandles, timeframe);
    now = Date.parse(request.candleTime) + step + 5_000;
    requestBytes = Math.max(requestBytes, Buffer.byteLength(JSON.stringify(request)));
    const result = await analyse(request, config, ports, { deliveryId: `m-${end}`, leaseMs: 60_000 });
    if (result.status !== "exists" && result.llmCalled)
      for (const id of result.signal.triggers) triggers.set(id, (triggers.get(id) ?? 0) + 1);
  }
  const closes = candles.length - first;
  return {
    closes,
    calls: model.requests.length,
    triggers,
    requests: model.requests,
    signals: store.signals,
    analyseMs: (performance.now() - started) / closes,
    requestBytes,
  };
}

/**
 * Runs the real handler on one batch with INFO logging captured (with a Lambda context, so the
 * lines carry the function's keys as on AWS), to measure log bytes and CPU.
 */
async function measureHandler(candles: Candle[], config: Config, triggered: number) {
  const store = new InMemoryStore();
  let now = 0;
  const handler = createAnalystHandler({
    config,
    store,
    model: new RecordingModel(),
    clock: { now: () => now },
  });
  const ends = Array.from({ length: ANALYSIS_QUEUE.batchSize }, (_, i) => triggered - i);
  const records = ends.map(
    (end, i) =>
      ({
        messageId: `bench-${i}`,
        body: JSON.stringify(requestAt(candles, end, config.lookbackCandles, "5m")),
      }) as SQSRecord,
  );
  now = (candles[triggered] as Candle).time + timeframeMs("5m") + 5_000;
  let bytes = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    return true;
  }) as typeof process.stdout.write;
  const level = logger.getLevelName();
  logger.setLogLevel("INFO");
  const started = performance.now();
  try {
    await handler({ Records: records }, localContext("analyst"));
  } finally {
    process.stdout.write = write;
    logger.setLogLevel(level);
  }
  return { logBytesPerRecord: bytes / records.length, batchCpuSeconds: (performance.now() - started) / 1000 };
}

/**
 * What outcomes (#8) add per close, measured on the replay's stored items. Each close queries the
 * sparse `sides` index over the window back to the longest horizon: it holds only BUY and SELL rows,
 * projected to their keys and ScoredSide's fields, so the query is billed for those rows' bytes,
 * rounded up per 4 KB, half a unit when eventually consistent (as every GSI read is), and never less
 * than half a unit. Upper bound: every LLM call counts as a BUY or SELL. Each BUY or SELL then takes
 * one UpdateItem per horizon plus the refused conditional write that precedes creating its outcomes
 * map, each billed on the table at the item's size and, when it changes the item, once more on the
 * index (its row is under 1 KB), which the put of the row itself also pays.
 */
function outcomesPerClose(r: Replay, horizons: number[], sideItemBytes: number) {
  const longest = Math.max(...horizons);
  const shortest = Math.min(...horizons);
  const sides = r.signals.map((signal) => (signal.analyst === "llm" ? sideIndexBytes(signal) : 0));
  let readUnits = 0;
  let items = 0;
  let bytes = 0;
  let counted = 0;
  for (let close = longest; close < sides.length; close++) {
    let read = 0;
    for (let k = close - longest; k <= close - shortest; k++) {
      const size = sides[k] ?? 0;
      if (size === 0) continue;
      items += 1;
      read += size;
    }
    bytes += read;
    readUnits += Math.max(1, Math.ceil(read / 4096)) * 0.5;
    counted++;
  }
  const perClose = Math.max(1, counted);
  const indexWrites = horizons.length + 1; // the row's put, then one per horizon scored
  return {
    reads: readUnits / perClose,
    items: items / perClose,
    bytes: bytes / perClose,
    writesPerSide: (horizons.length + 1) * Math.ceil(sideItemBytes / 1024) + indexWrites,
  };
}

/** A side's row in the `sides` index: table and index keys plus ScoredSide's fields, with outcomes. */
const sideIndexBytes = (signal: Signal) =>
  Buffer.byteLength(
    JSON.stringify({
      pk: `SIGNAL#${signal.symbol}#${signal.timeframe}`,
      sk: signal.candleTime,
      gsi3pk: `SIDE#${signal.symbol}#${signal.timeframe}`,
      gsi3sk: signal.candleTime,
      symbol: signal.symbol,
      timeframe: signal.timeframe,
      candleTime: signal.candleTime,
      action: "SELL",
      price: signal.price,
      outcomes: {
        1: { price: 16_543.21, return: -0.001234567 },
        4: { price: 16_543.21, return: -0.001234567 },
        24: { price: 16_543.21, return: -0.001234567 },
      },
    }),
  );

/** The old scoring query, for comparison: every signal row of the window, read from the table. */
function tableWindowReads(r: Replay, horizons: number[]) {
  const longest = Math.max(...horizons);
  const shortest = Math.min(...horizons);
  const sizes = r.signals.map(itemBytes);
  let readUnits = 0;
  let bytes = 0;
  let counted = 0;
  for (let close = longest; close < sizes.length; close++) {
    let read = 0;
    for (let k = close - longest; k <= close - shortest; k++) read += sizes[k] ?? 0;
    bytes += read;
    readUnits += Math.ceil(read / 4096) * 0.5;
    counted++;
  }
  return {
    reads: readUnits / Math.max(1, counted),
    items: longest - shortest + 1,
    bytes: bytes / Math.max(1, counted),
  };
}

const itemBytes = (signal: Signal) => Buffer.byteLength(JSON.stringify(signal)) + 60; // + pk, sk, expiresAt
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const per1000 = (r: Replay) => (r.calls / r.closes) * 1000;
const usd = (value: number) => `$${value.toFixed(value < 0.01 ? 4 : 3)}`;

function printReplay(name: string, r: Replay): void {
  console.log(
    `${name}: ${r.closes} closes, ${r.calls} LLM calls → gate rate ${per1000(r).toFixed(1)} per 1,000 closes (goal ≤ 20)`,
  );
  const top = [...r.triggers].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id} ${n}`);
  if (top.length) console.log(`  triggers on LLM calls: ${top.join(", ")}`);
}

export async function run(): Promise<void> {
  if (!hasShared(...OHLCV)) {
    console.log(`skipped: ${sharedMissing(...OHLCV)}`);
    return;
  }
  const config5m = parseConfig({ timeframe: "5m" });
  const config1h = parseConfig({ timeframe: "1h" });
  const fiveMinute = loadFiveMinute();
  const hourly = loadHourly();

  // 5-minute: the first close with a full lookback window, as the fetcher sends it.
  const r5 = await replay(fiveMinute, "5m", config5m, config5m.lookbackCandles - 1);
  printReplay(`5m  ${FIVE_MINUTE}`, r5);
  // Hourly: 120 candles only. Windows grow from the first close with a MACD signal line (bar 34).
  const r1 = await replay(hourly, "1h", config1h, 34);
  printReplay(`1h  ${HOURLY}`, r1);
  console.log(
    `  limits: ${r1.closes} closes cannot give a rate (one call = ${(1000 / r1.closes).toFixed(1)} per 1,000);` +
      " no SMA/EMA 200, so no moving-average cross; rearmCandles (36) spans a third of the series.",
  );

  // Tokens per call, from the 5-minute calls.
  const prompts = r5.requests.map(promptTokens);
  const promptMean = mean(prompts);
  console.log(
    `tokens per call: prompt mean ${promptMean.toFixed(0)} (min ${Math.min(...prompts)}, max ${Math.max(...prompts)};` +
      ` ${SCHEMA_TOKENS} of them the response schema), completion ${COMPLETION_TOKENS} (representative verdict)`,
  );
  console.log(
    `analyse() per close: ${r5.analyseMs.toFixed(2)} ms CPU; AnalysisRequest of ${config5m.lookbackCandles} candles: ${(r5.requestBytes / 1024).toFixed(1)} KiB`,
  );

  // --- projection: 20 symbols on 5-minute candles, one month ---------------------------------------
  const rate = per1000(r5) / 1000;
  const ticks = (DAYS_PER_MONTH * 86_400_000) / timeframeMs("5m");
  const closes = SYMBOLS * ticks;
  const calls = closes * rate;
  const alertShare = r5.signals.filter((s) => s.alert).length / Math.max(1, r5.calls);
  const alerts = calls * Math.max(alertShare, 0.3); // at least 30% of calls alert: an upper bound for the notifier
  const price = priceFor(config5m.analyst.model, config5m.analyst.prices) ?? {
    inputPerMillion: 0,
    outputPerMillion: 0,
  };
  const llm = calls * costUsd({ prompt: promptMean, completion: COMPLETION_TOKENS }, price);

  // One batch of 10 consecutive closes ending at the first LLM call: a conservative mix (1 in 10).
  const firstCall = Date.parse(JSON.parse(r5.requests[0]?.user ?? "{}").candle ?? "");
  const handlerRun = await measureHandler(
    fiveMinute,
    config5m,
    Math.max(
      config5m.lookbackCandles + 10,
      fiveMinute.findIndex((c) => c.time === firstCall),
    ),
  );
  const batchesPerTick = Math.ceil(SYMBOLS / ANALYSIS_QUEUE.batchSize);
  const analystInvocations = ticks * batchesPerTick;
  const analystSeconds =
    analystInvocations * (handlerRun.batchCpuSeconds + 3 * DYNAMO_ROUND_TRIP_SECONDS) +
    calls * (LLM_LATENCY_SECONDS + 6 * DYNAMO_ROUND_TRIP_SECONDS);
  const gbSeconds =
    analystSeconds * ANALYST_GB +
    ticks * FETCH_TICK_SECONDS * FETCHER_GB +
    alerts * NOTIFIER_SECONDS * NOTIFIER_GB;
  const invocations = analystInvocations + ticks + alerts;
  const lambda = gbSeconds * PRICE.lambdaGbSecondArm + (invocations / 1e6) * PRICE.lambdaPerMillionRequests;

  const batchBytes = batchesPerTick > 0 ? (SYMBOLS / batchesPerTick) * r5.requestBytes : 0;
  const chunks = Math.ceil(batchBytes / SQS_CHUNK);
  const idleReceives = IDLE_POLLERS * 3 * 60 * 24 * DAYS_PER_MONTH;
  const sqsRequests =
    ticks * batchesPerTick * (chunks /* send */ + chunks /* receive */ + 1) /* delete */ + idleReceives;
  const sqs = (sqsRequests / 1e6) * PRICE.sqsPerMillionRequests;

  const gateItem = mean(r5.signals.filter((s) => s.analyst === "gate").map(itemBytes));
  const llmItem = mean(r5.signals.filter((s) => s.analyst === "llm").map(itemBytes));
  const wru = (bytes: number) => Math.ceil(bytes / 1024);
  const writes = (closes - calls) * wru(gateItem) + calls * (wru(llmItem) + 3) + alerts * 2; // + claim, reserve, settle; alert GSIs
  const reads = closes * 1 + calls * 0.5 + alerts * 2; // getSignal; history (eventually consistent); lastAlert + mutes
  const storedGb =
    (closes * (config5m.retentionDays / DAYS_PER_MONTH) * ((gateItem + llmItem * rate) / (1 + rate))) /
    1024 ** 3;
  const dynamoRequests =
    (writes / 1e6) * PRICE.dynamoPerMillionWrites + (reads / 1e6) * PRICE.dynamoPerMillionReads;
  const dynamoStorage = storedGb * (PRICE.dynamoStorageGbMonth + PRICE.dynamoPitrGbMonth);

  // Outcomes: an upper bound counts every LLM call as a BUY or SELL (the bench's model answers HOLD).
  const horizons = config5m.outcomes.horizons;
  const outcomeBytes = Buffer.byteLength(
    JSON.stringify(Object.fromEntries(horizons.map((h) => [h, { price: 16_543.21, return: -0.001234567 }]))),
  );
  const sideItem = llmItem + outcomeBytes;
  const scoring = {
    ...outcomesPerClose(r5, horizons, sideItem),
    indexRowBytes: mean(r5.signals.filter((s) => s.analyst === "llm").map(sideIndexBytes)),
  };
  // Before the sides index: the query read every signal of the window from the table's partition.
  const before = tableWindowReads(r5, horizons);
  const outcomesMonth = (monthCloses: number) => {
    const sides = monthCloses * rate;
    const readUnits = monthCloses * scoring.reads;
    const writeUnits = sides * scoring.writesPerSide;
    const usd =
      (readUnits / 1e6) * PRICE.dynamoPerMillionReads + (writeUnits / 1e6) * PRICE.dynamoPerMillionWrites;
    // Kept for good: each month's BUY and SELL rows (and their index rows) add storage billed every month after.
    const keptGbPerMonth = (sides * (sideItem + scoring.indexRowBytes)) / 1024 ** 3;
    return { sides, readUnits, writeUnits, usd, keptGbPerMonth };
  };
  const outcomes = outcomesMonth(closes);
  const defaultConfig = parseConfig({});
  const defaultCloses =
    defaultConfig.watchlist.length * ((DAYS_PER_MONTH * 86_400_000) / timeframeMs(defaultConfig.timeframe));
  const outcomesDefault = outcomesMonth(defaultCloses);

  const scheduler = (ticks / 1e6) * PRICE.schedulerPerMillion;
  const logGb =
    (closes * handlerRun.logBytesPerRecord +
      invocations * PLATFORM_LOG_BYTES +
      ticks * FETCHER_LOG_BYTES_PER_TICK) /
    1024 ** 3;
  const logs = logGb * PRICE.logsIngestPerGb;
  const metrics = CONTINUOUS_METRICS * PRICE.customMetricMonth;

  const lines: Array<[string, number, string, number]> = [
    // [item, list price, assumption, with always-free tiers]
    [
      `LLM ${config5m.analyst.model}`,
      llm,
      `${calls.toFixed(0)} calls × ${promptMean.toFixed(0)} in / ${COMPLETION_TOKENS} out tokens at $${price.inputPerMillion}/$${price.outputPerMillion} per M`,
      llm,
    ],
    [
      "Lambda (ARM)",
      lambda,
      `${(invocations / 1000).toFixed(1)}k invocations, ${(gbSeconds / 1000).toFixed(1)}k GB-s (analyst 256 MB: ${handlerRun.batchCpuSeconds.toFixed(3)} s CPU per batch of ${ANALYSIS_QUEUE.batchSize} measured + ${DYNAMO_ROUND_TRIP_SECONDS * 1000} ms DynamoDB round trips + ${LLM_LATENCY_SECONDS} s per LLM call; fetcher ${FETCH_TICK_SECONDS} s per tick; notifier ${NOTIFIER_SECONDS} s per alert)`,
      0, // 1M requests and 400k GB-s free every month
    ],
    [
      "SQS",
      sqs,
      `${(sqsRequests / 1e6).toFixed(2)}M requests: send/receive/delete per batch (${(batchBytes / 1024).toFixed(0)} KiB = ${chunks} × 64 KiB chunks) + ${(idleReceives / 1000).toFixed(0)}k idle long polls (${IDLE_POLLERS} pollers, 20 s)`,
      Math.max(0, sqsRequests - 1e6) * (PRICE.sqsPerMillionRequests / 1e6),
    ],
    [
      "DynamoDB requests",
      dynamoRequests,
      `${(writes / 1e6).toFixed(3)}M WRU (items ${gateItem.toFixed(0)} B gate / ${llmItem.toFixed(0)} B LLM; claim, reserve, settle per call), ${(reads / 1e6).toFixed(3)}M RRU`,
      dynamoRequests,
    ],
    [
      "Outcomes (track record)",
      outcomes.usd,
      `${(outcomes.readUnits / 1e6).toFixed(3)}M RRU (${scoring.reads.toFixed(2)} per close: one query of the sparse sides index, ${scoring.items.toFixed(2)} rows / ${scoring.bytes.toFixed(0)} B read) + ${(outcomes.writeUnits / 1e3).toFixed(1)}k WRU (${scoring.writesPerSide} per BUY/SELL, index rows included, all ${calls.toFixed(0)} calls counted as one)`,
      outcomes.usd,
    ],
    [
      "DynamoDB storage + PITR",
      dynamoStorage,
      `${storedGb.toFixed(2)} GB steady state (${config5m.retentionDays}-day TTL on non-alerts) at $0.25 + $0.20 per GB-month`,
      storedGb * PRICE.dynamoPitrGbMonth, // 25 GB of storage free; PITR is not
    ],
    ["EventBridge Scheduler", scheduler, `${ticks} invocations at $1 per M`, 0],
    [
      "CloudWatch Logs",
      logs,
      `${(logGb * 1024).toFixed(0)} MB ingested: ${handlerRun.logBytesPerRecord.toFixed(0)} B per analysed message (measured) + ${PLATFORM_LOG_BYTES} B per invocation + ${FETCHER_LOG_BYTES_PER_TICK} B per fetch tick`,
      Math.max(0, logGb - 5) * PRICE.logsIngestPerGb,
    ],
    [
      "CloudWatch alarms",
      Object.keys(ALARMS).length * PRICE.alarmMonth,
      `${Object.keys(ALARMS).length} standard alarms at $0.10 each`,
      0, // an account's first 10 alarms are free
    ],
    [
      "CloudWatch custom metrics",
      metrics,
      "metrics only on failures, abstains, alerts and rejects: billed per hour with data, so cents",
      0, // 10 metrics free
    ],
  ];
  console.log(
    `\nprojected month: ${SYMBOLS} symbols × 5m candles × ${DAYS_PER_MONTH} days = ${closes.toLocaleString("en-US")} closes, gate rate ${(rate * 1000).toFixed(1)}/1,000, us-east-1 list prices`,
  );
  for (const [item, cost, assumption] of lines)
    console.log(`  ${item.padEnd(24)} ${usd(cost).padStart(8)}  ${assumption}`);
  const total = lines.reduce((sum, [, cost]) => sum + cost, 0);
  const free = lines.reduce((sum, [, , , withFree]) => sum + withFree, 0);
  console.log(
    `  ${"total (list, no free tier)".padEnd(24)} ${usd(total).padStart(8)}  goal < $1: ${total < 1 ? "met" : "missed"}`,
  );
  const storageYear = 12 * outcomes.keptGbPerMonth * (PRICE.dynamoStorageGbMonth + PRICE.dynamoPitrGbMonth);
  console.log(
    `  ${"outcomes alone".padEnd(24)} ${usd(outcomes.usd).padStart(8)}  at the default ${defaultConfig.watchlist.length} symbols × ${defaultConfig.timeframe} (${defaultCloses.toLocaleString("en-US")} closes): ${usd(outcomesDefault.usd)}, goal ≤ $0.05: ${outcomesDefault.usd <= 0.05 ? "met" : "missed"};` +
      ` here ${outcomes.usd <= 0.05 ? "within" : "above"} it; BUY/SELL rows kept for good add ${(outcomes.keptGbPerMonth * 1024).toFixed(1)} MB a month (${usd(storageYear)}/month after a year)`,
  );
  console.log(
    `  ${"outcome reads per close".padEnd(24)} ${scoring.items.toFixed(2)} rows, ${scoring.bytes.toFixed(0)} B, ${scoring.reads.toFixed(2)} RRU from the sides index (was ${before.items.toFixed(0)} rows, ${(before.bytes / 1024).toFixed(1)} KiB, ${before.reads.toFixed(2)} RRU from the table); month: ${usd(outcomesDefault.readUnits * (PRICE.dynamoPerMillionReads / 1e6))} reads + ${usd(outcomesDefault.writeUnits * (PRICE.dynamoPerMillionWrites / 1e6))} writes at the default, ${usd(outcomes.readUnits * (PRICE.dynamoPerMillionReads / 1e6))} + ${usd(outcomes.writeUnits * (PRICE.dynamoPerMillionWrites / 1e6))} at ${SYMBOLS} × 5m`,
  );
  console.log(
    `  ${"total (always-free tiers)".padEnd(24)} ${usd(free).padStart(8)}  Lambda, SQS, Scheduler, Logs, metrics, alarms and DynamoDB storage within AWS's non-expiring free tiers`,
  );
}

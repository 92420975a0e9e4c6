// One fetch tick for 200 real symbols (100 crypto, 100 equities) through the real handler, wiring,
// adapters and SQS queue (local-aws-sqs), against a local server that answers as Coinbase, Kraken,
// Binance and Yahoo do and adds 50 ms to every request. Prints the wall time and each provider's
// requests against its documented limit. Goal: 15 s or less, inside the limits.
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { parseConfig } from "../functions/core/config";
import { PROVIDERS, type ProviderName } from "../functions/core/providers";
import { SYMBOLS } from "../functions/core/symbols";
import { timeframeMs } from "../functions/core/timeframes";
import { ENV_NAMES, FUNCTION_TIMEOUT_SECONDS } from "../functions/shared/resource-definitions";
import {
  createAnalysisQueues,
  createSignalsTable,
  dynamoClientFor,
  sqsClientFor,
  startDynalite,
  startSqs,
} from "../local/emulators";
import { type RecordedRequest, type Reply, startFakeServer } from "../test/support/http-server";

const LATENCY_MS = 50;
/** A Wednesday during US market hours, so equities have fresh bars. */
const NOW = Date.parse("2024-03-06T18:00:00Z");
const HOUR = 3_600_000;

/** A deterministic, always valid price path per symbol. */
function candleAt(name: string, time: number) {
  const seed = [...name].reduce((sum, char) => sum + char.charCodeAt(0), 0);
  const close = 50 + seed + 5 * Math.sin(time / HOUR / 7 + seed);
  return { open: close - 0.3, high: close + 1, low: close - 1, close, volume: 10 + (seed % 7) };
}

/** Open times from `from` to `to` (inclusive) every `step`, up to the candle still open at NOW. */
function times(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(from / step) * step;
  for (let t = first; t <= Math.min(to, Math.floor(NOW / step) * step); t += step) out.push(t);
  return out;
}

/** US session hours (13:30..19:30 UTC bars, weekdays), the way Yahoo stamps hourly equity bars. */
function sessionBars(from: number, to: number): number[] {
  return times(from - (from % HOUR) - HOUR / 2, to, HOUR / 2).filter((t) => {
    const date = new Date(t);
    const minutes = date.getUTCHours() * 60 + date.getUTCMinutes();
    const weekday = date.getUTCDay() >= 1 && date.getUTCDay() <= 5;
    return (
      weekday &&
      minutes >= 13 * 60 + 30 &&
      minutes <= 19 * 60 + 30 &&
      date.getUTCMinutes() === 30 &&
      t + HOUR <= NOW + HOUR
    );
  });
}

function providerOf(path: string): ProviderName {
  if (path.startsWith("/products/")) return "coinbase";
  if (path.startsWith("/0/public/")) return "kraken";
  if (path.startsWith("/api/v3/")) return "binance";
  return "yahoo";
}

function answer(request: RecordedRequest): unknown {
  const q = request.query;
  switch (providerOf(request.path)) {
    case "coinbase": {
      const name = request.path.split("/")[2] ?? "";
      const step = Number(q.get("granularity")) * 1000;
      const rows = times(Date.parse(q.get("start") ?? ""), Date.parse(q.get("end") ?? "") + step, step);
      return rows.reverse().map((t) => {
        const c = candleAt(name, t);
        return [t / 1000, c.low, c.high, c.open, c.close, c.volume];
      });
    }
    case "kraken": {
      const name = q.get("pair") ?? "";
      const step = Number(q.get("interval")) * 60_000;
      const rows = times(Number(q.get("since")) * 1000, NOW, step).slice(-720);
      const line = (t: number) => {
        const c = candleAt(name, t);
        return [t / 1000, `${c.open}`, `${c.high}`, `${c.low}`, `${c.close}`, `${c.close}`, `${c.volume}`, 9];
      };
      return { error: [], result: { [`X${name}`]: rows.map(line), last: (rows.at(-2) ?? 0) / 1000 } };
    }
    case "binance": {
      const name = q.get("symbol") ?? "";
      const step = timeframeMs((q.get("interval") ?? "1h") as "1h");
      return times(Number(q.get("startTime")), Number(q.get("endTime")), step).map((t) => {
        const c = candleAt(name, t);
        return [
          t,
          `${c.open}`,
          `${c.high}`,
          `${c.low}`,
          `${c.close}`,
          `${c.volume}`,
          t + step - 1,
          "0",
          9,
          "0",
          "0",
          "0",
        ];
      });
    }
    case "yahoo": {
      const name = request.path.split("/").at(-1) ?? "";
      const bars = sessionBars(Number(q.get("period1")) * 1000, Number(q.get("period2")) * 1000);
      const quotes = bars.map((t) => candleAt(name, t));
      const column = (key: "open" | "high" | "low" | "close" | "volume") => quotes.map((c) => c[key]);
      return {
        chart: {
          result: [
            {
              meta: { symbol: name, dataGranularity: "1h" },
              timestamp: bars.map((t) => t / 1000),
              indicators: {
                quote: [
                  {
                    open: column("open"),
                    high: column("high"),
                    low: column("low"),
                    close: column("close"),
                    volume: column("volume"),
                  },
                ],
              },
            },
          ],
          error: null,
        },
      };
    }
    default:
      return {};
  }
}

/** Most requests that arrived within any window of `windowMs`. */
function peakInWindow(arrivals: number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  arrivals.forEach((time, end) => {
    while ((arrivals[start] ?? time) <= time - windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  });
  return peak;
}

export async function run(): Promise<void> {
  const arrivals = new Map<ProviderName, number[]>();
  const server = await startFakeServer((request): Reply => {
    const provider = providerOf(request.path);
    arrivals.set(provider, [...(arrivals.get(provider) ?? []), Date.now()]);
    return { delayMs: LATENCY_MS, body: answer(request) };
  });
  const sqs = await startSqs();
  const client = sqsClientFor(sqs.endpoint);
  const { queueUrl } = await createAnalysisQueues(client, "bench");
  // The fetcher reads each symbol's last stored signal (the catch-up): an empty table here.
  const dynalite = await startDynalite();
  await createSignalsTable(dynamoClientFor(dynalite.endpoint), "bench-signals");
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    [ENV_NAMES.tableName]: "bench-signals",
    AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    [ENV_NAMES.queueUrl]: queueUrl,
    COINBASE_API_URL: server.url,
    KRAKEN_API_URL: server.url,
    BINANCE_API_URL: server.url,
    YAHOO_API_URL: server.url,
  });
  // Imported after the env is set: the SQS client is created once, from it.
  const { createFetcherHandler } = await import("../functions/fetcher/handler");
  const { fetcherDepsFromEnv } = await import("../functions/fetcher/wiring");

  const crypto = SYMBOLS.filter((s) => s.assetClass === "crypto").slice(0, 100);
  const equities = SYMBOLS.filter((s) => s.assetClass === "equity").slice(0, 100);
  const config = parseConfig({
    watchlist: [...crypto, ...equities].map((s) => s.symbol),
    timeframe: "1h",
    lookbackCandles: 250,
  });
  const handler = createFetcherHandler(fetcherDepsFromEnv(config));
  try {
    const started = performance.now();
    const result = await handler({ scheduledTime: new Date(NOW).toISOString() });
    const wallSeconds = (performance.now() - started) / 1000;
    const depth = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );

    console.log(
      `symbols ${config.watchlist.length} (${crypto.length} crypto, ${equities.length} equities), timeframe 1h, ` +
        `${config.lookbackCandles} candles each, +${LATENCY_MS} ms per request`,
    );
    console.log(
      `wall time ${wallSeconds.toFixed(2)} s (goal ≤ 15 s; Lambda timeout ${FUNCTION_TIMEOUT_SECONDS.fetcher} s)  ` +
        `queued ${result.queued}, failed ${result.failed}, on the queue ${depth.Attributes?.ApproximateNumberOfMessages}`,
    );
    for (const failure of result.symbols.filter((s) => s.status === "failed").slice(0, 3)) {
      console.log(`  failed ${failure.symbol}: ${failure.error}`);
    }
    console.log("provider   requests  peak per window   documented public limit");
    for (const [provider, times] of arrivals) {
      const limit = PROVIDERS[provider].limit;
      const peak = limit ? peakInWindow(times, limit.perMs) : times.length;
      const verdict = limit && peak <= limit.requests ? "within" : "OVER";
      console.log(
        `${provider.padEnd(10)} ${String(times.length).padStart(8)}  ${`${peak} / ${limit?.perMs ?? 0} ms`.padStart(16)}   ` +
          `${limit?.requests} per ${limit?.perMs} ms: ${verdict} (${limit?.source})`,
      );
    }
  } finally {
    await Promise.all([server.close(), sqs.close(), dynalite.close()]);
  }
}

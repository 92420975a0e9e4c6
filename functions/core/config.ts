import * as z from "zod";
import { priceFor } from "./cost";
import { ProviderName, timeframePlan } from "./providers";
import { chainFor, isKnownSymbol, providerSymbol, resolveSymbol, SymbolError } from "./symbols";
import { Timeframe } from "./timeframes";
import { parseOrThrow } from "./validation";

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM (24h)");
const ParameterName = z
  .string()
  .regex(/^\/[\w.\-/]{1,1010}$/, "expected an SSM parameter name such as /signal-pipeline/x");

const TimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, "not an IANA time zone such as Europe/Berlin or UTC");

/** The config names symbols exactly: `btc` would resolve, but is refused with the name to write. */
const KnownSymbol = z.string().superRefine((symbol, ctx) => {
  try {
    const canonical = resolveSymbol(symbol);
    if (canonical !== symbol) ctx.addIssue({ code: "custom", message: `not canonical; use ${canonical}` });
  } catch (error) {
    if (!(error instanceof SymbolError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
  }
});

/** A watched symbol: `"BTC-USD"`, or `{ symbol, providers }` to set its provider chain. */
const WatchItem = z.preprocess(
  (item) => (typeof item === "string" ? { symbol: item } : item),
  z.strictObject({ symbol: KnownSymbol, providers: z.array(ProviderName).min(1).optional() }),
);

const ModelPrice = z.strictObject({
  inputPerMillion: z.number().nonnegative(),
  outputPerMillion: z.number().nonnegative(),
});

const ChatId = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform(String);

/**
 * The cheap gate before the LLM (functions/core/gate.ts). Defaults are tuned on real BTC 5-minute
 * and hourly candles to about 20 or fewer LLM calls per 1,000 candle closes (`npm run bench`).
 */
export const GateSchema = z.strictObject({
  rsiPeriod: z.number().int().min(2).default(14),
  rsiLower: z.number().min(1).max(49).default(30),
  rsiUpper: z.number().min(51).max(99).default(70),
  /**
   * A trigger counts only when no trigger in the same direction (up/down) fired in this many
   * candles before it: one move that sets off a band break, a volume spike and an RSI cross on
   * successive candles is one event, not three. 0 = every trigger counts.
   */
  rearmCandles: z.number().int().min(0).max(200).default(36),
  /** Also trigger when RSI leaves oversold/overbought, not only when it enters. */
  rsiExits: z.boolean().default(false),
  macdCross: z.boolean().default(true),
  /** A MACD cross counts only this many ATRs away from the zero line (0 = every cross). */
  macdMinAtr: z.number().min(0).default(1),
  /** Close beyond a Bollinger band by this fraction of the band width (%B); null = off. */
  bandBreakMargin: z.number().min(0).nullable().default(0.2),
  maCross: z
    .strictObject({
      enabled: z.boolean().default(true),
      fast: z.number().int().min(2),
      slow: z.number().int().min(3),
    })
    .refine((m) => m.fast < m.slow, { message: "fast must be shorter than slow", path: ["fast"] })
    .default({ enabled: true, fast: 50, slow: 200 }),
  /** Z-score of the candle's log volume against the previous 20 candles; null = off. */
  volumeSpikeZ: z.number().positive().nullable().default(4),
  /** Close-to-close move in ATRs; null = off. */
  largeMoveAtr: z.number().positive().nullable().default(3),
});

export const ConfigSchema = z
  .strictObject({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, "letters, digits and hyphens, starting with a letter")
      .default("SignalPipeline"),
    /** Where the SSM parameters live unless named one by one: a second deployment takes its own. */
    parameterPrefix: ParameterName.default("/signal-pipeline"),
    watchlist: z
      .array(WatchItem)
      .min(1)
      .default(() => [{ symbol: "BTC-USD" }, { symbol: "ETH-USD" }]),
    timeframe: Timeframe.default("1h"),
    /** Closed candles sent with each analysis request; the slowest indicator needs them. */
    lookbackCandles: z.number().int().min(60).max(1000).default(250),
    /** After missed ticks, the fetcher queues at most this many closes since the last stored signal. */
    catchUpCandles: z.number().int().min(0).max(500).default(48),
    timezone: TimeZone.default("UTC"),
    /** Default provider chains per asset class: the first that serves checked candles wins. */
    providers: z
      .strictObject({
        crypto: z.array(ProviderName).min(1).default(["coinbase", "kraken", "binance"]),
        equity: z.array(ProviderName).min(1).default(["yahoo"]),
        /** One HTTP request to a provider; past it the chain moves on. */
        requestTimeoutMs: z.number().int().min(500).max(30_000).default(5000),
      })
      .prefault({}),
    analyst: z
      .strictObject({
        model: z.string().min(1).default("gpt-4o-mini"),
        dailyBudgetUsd: z.number().nonnegative().default(0.5),
        requestTimeoutMs: z.number().int().min(1000).max(120_000).default(20_000),
        maxOutputTokens: z.number().int().min(64).max(4096).default(300),
        recentSignals: z.number().int().min(0).max(10).default(3),
        /** Unreachable failures in a row that pause LLM calls, and for how long (llm-circuit.ts). */
        circuitBreaker: z
          .strictObject({
            failuresToPause: z.number().int().min(1).max(20).default(3),
            pauseSeconds: z.number().int().min(1).max(3600).default(60),
          })
          .prefault({}),
        prices: z.record(z.string(), ModelPrice).default({
          "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
          "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
          "gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
          "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
        }),
        gate: GateSchema.prefault({}),
      })
      // The budget guard prices every call, so the model needs a price (0 for a local server).
      .superRefine((analyst, ctx) => {
        if (priceFor(analyst.model, analyst.prices)) return;
        ctx.addIssue({
          code: "custom",
          path: ["model"],
          input: analyst.model,
          message:
            "no entry in analyst.prices for this model; add one (USD per million tokens, 0 for a local server)",
        });
      })
      .prefault({}),
    alerts: z
      .strictObject({
        minConfidence: z.number().min(0).max(1).default(0.7),
        cooldownMinutes: z.number().int().nonnegative().default(240),
        quietHours: z.strictObject({ from: ClockTime, to: ClockTime }).nullable().default(null),
      })
      .prefault({}),
    /** The outbox sweep: alerts stored with no notifiedAt, delivered once they are this old. */
    outbox: z
      .strictObject({
        sweepAfterMinutes: z.number().int().min(0).max(1440).default(5),
        /** Only alerts whose candle opened this recently are looked at: the read stays small. */
        windowHours: z.number().int().min(1).max(720).default(48),
      })
      .prefault({}),
    telegram: z
      .strictObject({
        chatIds: z.array(ChatId).default([]),
        /**
         * Caps the webhook function's concurrency (a flood then gets throttled, not billed). Off by
         * default: a new account's quota is 10 and Lambda keeps 10 unreserved.
         */
        botReservedConcurrency: z.number().int().min(1).max(1000).nullable().default(null),
        /** Default: `<parameterPrefix>/telegram-bot-token`. */
        botTokenParameter: ParameterName.optional(),
      })
      .prefault({}),
    openai: z
      .strictObject({
        /** Default: `<parameterPrefix>/openai-api-key`. */
        apiKeyParameter: ParameterName.optional(),
        /** An OpenAI-compatible server for the deployed analyst (OPENAI_BASE_URL wins locally). */
        baseUrl: z.url().optional(),
      })
      .prefault({}),
    /** The track record: a BUY or SELL is scored at the close this many candles later. */
    outcomes: z
      .strictObject({
        horizons: z
          .array(z.number().int().min(1).max(500))
          .min(1)
          .max(6)
          .refine((h) => new Set(h).size === h.length, "a horizon is listed twice")
          .default([1, 4, 24]),
      })
      .prefault({}),
    /** Where the stack's CloudWatch alarms go besides the Telegram chats. */
    alarms: z
      .strictObject({
        /** An e-mail subscription to the alarm topic: it still reaches you when Telegram is what broke. */
        email: z.email().optional(),
      })
      .prefault({}),
    /** The Telegram Mini App at the bot's `/app`. */
    dashboard: z
      .strictObject({
        /** How old a Mini App's initData (its `auth_date`) may be before its calls get 401. */
        maxAuthAgeSeconds: z.number().int().min(60).max(86_400).default(86_400),
      })
      .prefault({}),
    /** Days a non-alert analysis row is kept before TTL removes it; alerts are kept. */
    retentionDays: z.number().int().min(1).max(3650).default(90),
  })
  .superRefine((config, ctx) => {
    const longest = Math.max(...config.outcomes.horizons);
    // The analyst scores from the candles of its own request, so a horizon must fit in the window.
    if (longest >= config.lookbackCandles)
      ctx.addIssue({
        code: "custom",
        message: `must be below lookbackCandles (${config.lookbackCandles})`,
        path: ["outcomes", "horizons"],
        input: longest,
      });
    const seen = new Set<string>();
    config.watchlist.forEach((item, index) => {
      if (seen.has(item.symbol))
        ctx.addIssue({
          code: "custom",
          message: "listed twice",
          path: ["watchlist", index],
          input: item.symbol,
        });
      seen.add(item.symbol);
      for (const problem of chainProblems(item, config)) {
        ctx.addIssue({ code: "custom", message: problem, path: ["watchlist", index], input: item.symbol });
      }
    });
  })
  .transform((config) => ({
    ...config,
    telegram: {
      ...config.telegram,
      botTokenParameter: config.telegram.botTokenParameter ?? `${config.parameterPrefix}/telegram-bot-token`,
    },
    openai: {
      ...config.openai,
      apiKeyParameter: config.openai.apiKeyParameter ?? `${config.parameterPrefix}/openai-api-key`,
    },
  }));

/** Why a watched symbol's provider chain cannot serve it at the configured timeframe, if it cannot. */
function chainProblems(
  item: { symbol: string; providers?: ProviderName[] },
  config: {
    timeframe: z.infer<typeof Timeframe>;
    providers: { crypto: ProviderName[]; equity: ProviderName[] };
  },
): string[] {
  if (!isKnownSymbol(item.symbol)) return [];
  const chain = chainFor(item, config.providers);
  if (chain.length === 0) return ["no provider in its chain lists this symbol"];
  return chain.flatMap((provider) => {
    if (!providerSymbol(item.symbol, provider)) return [`${provider} does not list ${item.symbol}`];
    const plan = timeframePlan(provider, config.timeframe);
    return typeof plan === "string" ? [plan] : [];
  });
}

export type WatchItemInput = string | { symbol: string; providers?: ProviderName[] };
export type ConfigInput = Omit<z.input<typeof ConfigSchema>, "watchlist"> & { watchlist?: WatchItemInput[] };
export type Config = z.output<typeof ConfigSchema>;
export type GateConfig = Config["analyst"]["gate"];

/** Typed identity for signals.config.ts, so editors check the file as it is written. */
export const defineConfig = (config: ConfigInput): ConfigInput => config;

/** Validates the config; a bad value throws a ValidationError naming the field and the value. */
export const parseConfig = (input: unknown): Config => parseOrThrow(ConfigSchema, input, "config");

import * as z from "zod";
import type { BotStore } from "../bot/bot";
import type { Config } from "../config";
import type { Clock } from "../ports";
import { Action, AnalystKind } from "../signal";
import { resolveSymbol, SymbolError } from "../symbols";
import { parseDuration, timeframeMs } from "../timeframes";
import { DEFAULT_STATS_WINDOW, readTrackRecord } from "../track-record/stats";
import { parseOrThrow, ValidationError } from "../validation";
import { checkInitData, initDataFromAuthorization } from "./init-data";
import { candlesFromSignals, signalView, type ViewClock } from "./views";

/** The JSON API under /app/api: one request in, one status and JSON body out. */
export interface DashboardRequest {
  method: string;
  /** The path after /app/api, e.g. "/overview". */
  route: string;
  query: Record<string, string>;
  /** The Authorization header: `tma <initData>`. */
  authorization?: string;
  /** The parsed JSON body of a POST (undefined without one). */
  body?: unknown;
}

export interface DashboardResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface DashboardContext {
  config: Config;
  store: BotStore;
  /** User ids allowed in (a private chat's id is its user's). */
  allowlist: ReadonlySet<string>;
  /** The bot token that signs initData; undefined refuses every call. */
  botToken: string | undefined;
  clock: Clock;
  /** The reader's clock, for the year in a time; defaults to `clock`. */
  readerClock?: Clock;
}

/** Candles on the chart: a few days of hours, and what a phone shows legibly. */
export const CHART_CANDLES = 150;
const HISTORY_LIMIT = { default: 50, max: 200 };
/** Rows a filtered history looks through: three weeks of hours. */
const FILTER_WINDOW = 500;
const MUTE_DURATIONS = ["1h", "24h", "7d"] as const;

const SymbolParam = z.string().transform((text, ctx) => {
  try {
    return resolveSymbol(text);
  } catch (error) {
    if (!(error instanceof SymbolError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
    return z.NEVER;
  }
});

const ChartQuery = z.object({ symbol: SymbolParam });
const HistoryQuery = z.object({
  symbol: SymbolParam,
  alerts: z.enum(["1", "0"]).optional(),
  action: Action.optional(),
  analyst: AnalystKind.optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_LIMIT.max).default(HISTORY_LIMIT.default),
});
const StatsQuery = z.object({
  symbol: SymbolParam.optional(),
  window: z
    .string()
    .regex(/^\d{1,4}[mhdw]$/, "expected a window such as 7d or 30d")
    .default(DEFAULT_STATS_WINDOW),
});
const MuteBody = z.strictObject({ symbol: SymbolParam, duration: z.enum(MUTE_DURATIONS) });
const UnmuteBody = z.strictObject({ symbol: SymbolParam });

const json = (status: number, body: Record<string, unknown>): DashboardResponse => ({ status, body });

async function overview(ctx: DashboardContext, view: ViewClock) {
  const { config, store } = ctx;
  const now = ctx.clock.now();
  const mutes = await store.mutes(now);
  const symbols = await Promise.all(
    config.watchlist.map(async ({ symbol }) => {
      const [latest, lastAlert] = await Promise.all([
        store.history(symbol, config.timeframe, { limit: 1 }),
        store.lastAlert(symbol, config.timeframe),
      ]);
      const last = latest[0];
      return {
        symbol,
        price: last?.price ?? null,
        last: last ? signalView(last, view) : null,
        lastAlert: lastAlert ? signalView(lastAlert, view) : null,
        mutedUntil: mutes.get(symbol) ?? null,
      };
    }),
  );
  return { timeframe: config.timeframe, timezone: config.timezone, muteDurations: MUTE_DURATIONS, symbols };
}

async function chart(ctx: DashboardContext, query: z.output<typeof ChartQuery>, view: ViewClock) {
  const { config, store } = ctx;
  const signals = await store.history(query.symbol, config.timeframe, { limit: CHART_CANDLES });
  return {
    symbol: query.symbol,
    timeframe: config.timeframe,
    candles: candlesFromSignals(signals, timeframeMs(config.timeframe)),
    // Oldest first, as the chart's markers must be.
    signals: signals
      .filter((s) => s.action === "BUY" || s.action === "SELL")
      .reverse()
      .map((s) => signalView(s, view)),
  };
}

async function history(ctx: DashboardContext, query: z.output<typeof HistoryQuery>, view: ViewClock) {
  const { config, store } = ctx;
  const filtered = query.alerts === "1" || query.action || query.analyst;
  // A filter looks through the latest FILTER_WINDOW rows: the store has no per-symbol index of them.
  const read = await store.history(query.symbol, config.timeframe, {
    limit: filtered ? FILTER_WINDOW : query.limit,
  });
  const kept = read
    .filter((s) => query.alerts !== "1" || s.alert)
    .filter((s) => !query.action || s.action === query.action)
    .filter((s) => !query.analyst || s.analyst === query.analyst)
    .slice(0, query.limit);
  return { symbol: query.symbol, signals: kept.map((s) => signalView(s, view)) };
}

async function stats(ctx: DashboardContext, query: z.output<typeof StatsQuery>) {
  const { config, store } = ctx;
  const symbols = query.symbol ? [query.symbol] : config.watchlist.map((entry) => entry.symbol);
  const record = await readTrackRecord(store, {
    symbols,
    timeframe: config.timeframe,
    since: ctx.clock.now() - parseDuration(query.window),
    horizons: config.outcomes.horizons,
  });
  return { symbols, timeframe: config.timeframe, window: query.window, record };
}

async function route(request: DashboardRequest, ctx: DashboardContext): Promise<DashboardResponse> {
  const view = { timezone: ctx.config.timezone, now: (ctx.readerClock ?? ctx.clock).now() };
  const key = `${request.method} ${request.route}`;
  switch (key) {
    case "GET /overview":
      return json(200, await overview(ctx, view));
    case "GET /chart":
      return json(200, await chart(ctx, parseOrThrow(ChartQuery, request.query, "query"), view));
    case "GET /history":
      return json(200, await history(ctx, parseOrThrow(HistoryQuery, request.query, "query"), view));
    case "GET /stats":
      return json(200, await stats(ctx, parseOrThrow(StatsQuery, request.query, "query")));
    case "POST /mute": {
      const body = parseOrThrow(MuteBody, request.body, "body");
      const mutedUntil = ctx.clock.now() + parseDuration(body.duration);
      await ctx.store.mute(body.symbol, mutedUntil);
      return json(200, { symbol: body.symbol, mutedUntil });
    }
    case "POST /unmute": {
      const body = parseOrThrow(UnmuteBody, request.body, "body");
      await ctx.store.unmute(body.symbol);
      return json(200, { symbol: body.symbol, mutedUntil: null });
    }
    default:
      return json(404, { error: `no such call: ${key.slice(0, 80)}` });
  }
}

/**
 * Answers one dashboard call: 401 unless its initData is Telegram's, fresh and from an allowed user;
 * 400 naming the field and value for a bad query or body; otherwise the JSON the page shows.
 */
export async function answerDashboardCall(
  request: DashboardRequest,
  ctx: DashboardContext,
): Promise<DashboardResponse & { user?: string; rejection?: string }> {
  if (!ctx.botToken) return json(401, { error: "the dashboard has no bot token to check against" });
  const check = checkInitData(initDataFromAuthorization(request.authorization), {
    botToken: ctx.botToken,
    maxAgeSeconds: ctx.config.dashboard.maxAuthAgeSeconds,
    // The wall clock: locally `clock` follows a replay's candles.
    now: (ctx.readerClock ?? ctx.clock).now(),
    allowlist: ctx.allowlist,
  });
  if (!check.ok)
    return { ...json(401, { error: check.detail, reason: check.reason }), rejection: check.reason };
  try {
    return { ...(await route(request, ctx)), user: check.user.id };
  } catch (error) {
    if (error instanceof ValidationError)
      return { ...json(400, { error: error.message }), user: check.user.id };
    throw error;
  }
}

/** The JSON each successful call answers with: the page's types come from here. */
export interface DashboardResponses {
  overview: Awaited<ReturnType<typeof overview>>;
  chart: Awaited<ReturnType<typeof chart>>;
  history: Awaited<ReturnType<typeof history>>;
  stats: Awaited<ReturnType<typeof stats>>;
}

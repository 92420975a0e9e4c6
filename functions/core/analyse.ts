import { decideAlert } from "./alert-policy";
import type { AnalysisRequest } from "./analysis-request";
import type { BilledVerdict } from "./billed-verdict";
import { localDay } from "./calendar";
import { type Candle, fromTuple, toTuple } from "./candles";
import type { Config } from "./config";
import { costUsd, estimateCallCost, priceFor } from "./cost";
import { type Delivery, isLastDelivery } from "./delivery";
import { errorMessage } from "./errors";
import { evaluateGate, type Trigger } from "./gate";
import { chartOverlaysOf, computeFeatures, type Features } from "./indicators";
import type {
  AnalysisClaims,
  Clock,
  Mutes,
  OutcomeWriter,
  SignalReader,
  SignalWriter,
  SpendLedger,
  VerdictStore,
} from "./ports";
import { buildPrompt } from "./prompt";
import { rulesVerdict } from "./rules-analyst";
import { isoTime, type Signal, type SignalKey, signalKeyOf } from "./signal";
import { recordDueOutcomes } from "./track-record/outcomes";
import {
  type AbstainReason,
  type AnalystModel,
  ModelUnavailableError,
  readVerdict,
  type TokenUsage,
  type Verdict,
} from "./verdict";

/** The ports one analysis uses; DynamoStore implements all the store ones. */
export interface AnalysisPorts {
  signals: SignalWriter & OutcomeWriter & Pick<SignalReader, "history" | "lastAlert">;
  claims: AnalysisClaims;
  verdicts: VerdictStore;
  spend: Pick<SpendLedger, "reserve" | "settle">;
  mutes: Pick<Mutes, "mutes">;
  /** The LLM; undefined means the rules analyst. */
  model?: AnalystModel;
  clock: Clock;
}

/** Everything a store must implement to serve all the store ports (DynamoStore does). */
export type AnalysisStore = AnalysisPorts["signals"] &
  AnalysisClaims &
  VerdictStore &
  AnalysisPorts["spend"] &
  AnalysisPorts["mutes"];

/** The ports of one store that implements them all. */
export const storePorts = (
  store: AnalysisStore,
  model: AnalystModel | undefined,
  clock: Clock,
): AnalysisPorts => ({
  signals: store,
  claims: store,
  verdicts: store,
  spend: store,
  mutes: store,
  model,
  clock,
});

export interface AnalysisContext {
  /** Who is analysing (the SQS message id): the owner of the LLM claim. */
  deliveryId: string;
  /** How long the claim holds: the function timeout, so a crashed delivery's claim expires. */
  leaseMs: number;
  /** The message's place in its redrive policy; absent (a backtest) means never the last. */
  delivery?: Delivery;
}

/** Candles kept on an alert for its chart (with the indicator lines over them). */
export const ALERT_CHART_CANDLES = 80;

/** What an alert row keeps for its chart: the last candles as OHLCV and the gate's lines over them. */
export function alertChartFields(
  candles: readonly Candle[],
  gate: Config["analyst"]["gate"],
  triggerIds: readonly string[],
): Pick<Signal, "chartCandles" | "chartOverlays"> {
  return {
    chartCandles: candles.slice(-ALERT_CHART_CANDLES).map(toTuple),
    chartOverlays: chartOverlaysOf(candles, gate, ALERT_CHART_CANDLES, triggerIds),
  };
}

export type AnalysisResult =
  /** The signal already existed (a redelivery): nothing was billed or written. */
  | { status: "exists"; key: SignalKey }
  | {
      status: "stored";
      signal: Signal;
      llmCalled: boolean;
      alertReason: string;
      /** Set when the LLM could not be used and retrying would not help: log it loudly, once. */
      unavailable?: Unavailable;
      /** Set when earlier signals' outcomes could not be written: a later close writes them. */
      outcomesFailed?: string;
      /** Set when the billed verdict could not be kept: the signal, written anyway, carries it. */
      verdictNotKept?: string;
    };

/** Another delivery holds the claim on this key; failing the message lets SQS retry it later. */
export class AnalysisInProgressError extends Error {
  constructor(key: SignalKey) {
    super(`analysis of ${key.symbol} ${key.timeframe} ${key.candleTime} is held by another delivery`);
    this.name = "AnalysisInProgressError";
  }
}

export interface Unavailable {
  reason: AbstainReason;
  message: string;
  /** The circuit breaker gave up on the endpoint: it logged the outage once, so this close need not. */
  endpointDown?: boolean;
}

type Judgement = Pick<Signal, "action" | "confidence" | "reasons" | "horizon" | "analyst"> &
  Partial<Pick<Signal, "model" | "promptVersion" | "tokens" | "costUsd" | "error">> & {
    llmCalled: boolean;
    unavailable?: Unavailable;
    verdictNotKept?: string;
  };

const fromVerdict = (verdict: Verdict): Pick<Signal, "action" | "confidence" | "reasons" | "horizon"> => ({
  action: verdict.action,
  confidence: verdict.confidence,
  reasons: verdict.reasons,
  horizon: verdict.horizon,
});

const roundUsd = (usd: number) => Number(usd.toFixed(8));

/**
 * Asks the LLM under a claim and the daily budget; every failure that retrying cannot fix is ABSTAIN,
 * and so is a transient one on the message's last delivery. A verdict already billed for this close
 * (its signal write failed) is reused: one call, one cost, one verdict.
 */
interface ModelQuestion {
  model: AnalystModel;
  request: AnalysisInput;
  features: Features;
  triggers: Trigger[];
  config: Config;
  ports: AnalysisPorts;
  context: AnalysisContext;
  now: number;
}

async function askModel({
  model,
  request,
  features,
  triggers,
  config,
  ports,
  context,
  now,
}: ModelQuestion): Promise<Judgement> {
  const key = signalKeyOf(request);
  const analyst = config.analyst;
  const billed = await ports.verdicts.getVerdict(key);
  if (billed) return { ...billed, llmCalled: false };
  if (!(await ports.claims.claim(key, context.deliveryId, now + context.leaseMs, now)))
    throw new AnalysisInProgressError(key);

  const recent =
    analyst.recentSignals > 0
      ? await ports.signals.history(request.symbol, request.timeframe, {
          until: Date.parse(request.candleTime) - 1,
          limit: analyst.recentSignals,
        })
      : [];
  const prompt = buildPrompt({
    symbol: request.symbol,
    timeframe: request.timeframe,
    candleTime: request.candleTime,
    triggers: triggers.map((t) => t.id),
    rsiPeriod: analyst.gate.rsiPeriod,
    maPeriods: [analyst.gate.maCross.fast, analyst.gate.maCross.slow],
    gaps: request.gaps,
    recent: recent.map((s) => ({ candleTime: s.candleTime, action: s.action, confidence: s.confidence })),
    now: features.now,
    previous: features.previous,
  });
  const llm = { analyst: "llm" as const, model: analyst.model, promptVersion: prompt.version };
  const abstain = (reason: AbstainReason, extra: Partial<Judgement> = {}): Judgement => ({
    ...llm,
    action: "ABSTAIN",
    reasons: [reason],
    llmCalled: false,
    ...extra,
  });

  // Config validation guarantees a price for the configured model.
  const price = priceFor(analyst.model, analyst.prices) ?? { inputPerMillion: 0, outputPerMillion: 0 };
  const estimate = estimateCallCost([prompt.system, prompt.user], analyst.maxOutputTokens, price).usd;
  const day = localDay(now, config.timezone);
  if (!(await ports.spend.reserve(day, estimate, analyst.dailyBudgetUsd))) return abstain("budget");

  let completion: Awaited<ReturnType<AnalystModel["complete"]>>;
  try {
    completion = await model.complete({
      model: analyst.model,
      system: prompt.system,
      user: prompt.user,
      maxOutputTokens: analyst.maxOutputTokens,
    });
  } catch (error) {
    await ports.spend.settle(day, -estimate, { prompt: 0, completion: 0 });
    const message = errorMessage(error);
    // Quota, auth, a rejected request, or the circuit breaker on a dead endpoint (llm-circuit.ts).
    if (error instanceof ModelUnavailableError)
      return abstain(error.reason, {
        error: message,
        unavailable: { reason: error.reason, message, endpointDown: error.reason === "unavailable" },
      });
    // Rate limit, 5xx, timeout: SQS redelivers, unless this is the last delivery before the DLQ.
    if (isLastDelivery(context.delivery))
      return abstain("unavailable", { error: message, unavailable: { reason: "unavailable", message } });
    throw error;
  }
  const tokens: TokenUsage = completion.usage ?? { prompt: 0, completion: 0 };
  const cost = roundUsd(costUsd(tokens, price));
  const outcome = readVerdict(completion);
  const verdict: BilledVerdict =
    outcome.kind === "abstain"
      ? { ...llm, action: "ABSTAIN", reasons: [outcome.reason], tokens, costUsd: cost }
      : { ...llm, ...fromVerdict(outcome.verdict), tokens, costUsd: cost };
  // Stored before the spend is settled and the signal written: a retry after either fails reuses it.
  // Failing to store it is no reason to fail the close: the answer is paid for, and the signal write
  // that follows keeps it just as well; only if that fails too is the close asked (and billed) again.
  let verdictNotKept: string | undefined;
  try {
    await ports.verdicts.putVerdict(key, verdict);
  } catch (error) {
    verdictNotKept = errorMessage(error);
  }
  await ports.spend.settle(day, cost - estimate, tokens);
  return { ...verdict, llmCalled: true, ...(verdictNotKept ? { verdictNotKept } : {}) };
}

/** An analysis request with its candles as objects: what the use case works on. */
export type AnalysisInput = Omit<AnalysisRequest, "candles"> & { candles: readonly Candle[] };

/**
 * Analyses one closed candle of one symbol and stores exactly one Signal for it:
 * a HOLD from the gate, a rules verdict, or an LLM verdict (ABSTAIN when the LLM cannot give one).
 * Throws when the message should be retried: another delivery holds the LLM claim, or the LLM
 * failed transiently.
 */
export function analyse(
  request: AnalysisRequest,
  config: Config,
  ports: AnalysisPorts,
  context: AnalysisContext,
): Promise<AnalysisResult> {
  return analyseCandles({ ...request, candles: request.candles.map(fromTuple) }, config, ports, context);
}

/**
 * `analyse` on candles already in object form: a backtest walk slices them from one series, so a
 * close costs no conversion of its 250-candle window (the same use case, not a second copy of it).
 */
export async function analyseCandles(
  request: AnalysisInput,
  config: Config,
  ports: AnalysisPorts,
  context: AnalysisContext,
): Promise<AnalysisResult> {
  const key = signalKeyOf(request);
  const now = ports.clock.now();
  const { candles } = request;
  const gate = config.analyst.gate;
  const features = computeFeatures(candles, gate);
  const triggers = evaluateGate(features, gate);

  let judgement: Judgement;
  if (triggers.length === 0)
    judgement = { action: "HOLD", reasons: ["no trigger"], analyst: "gate", llmCalled: false };
  else if (!ports.model)
    judgement = {
      ...fromVerdict(rulesVerdict(features.now, triggers, gate, request.timeframe)),
      analyst: "rules",
      llmCalled: false,
    };
  // Only a call that costs money is worth a read first: any other redelivery ends at the conditional put.
  else if (await ports.signals.getSignal(key)) return { status: "exists", key };
  else
    judgement = await askModel({
      model: ports.model,
      request,
      features,
      triggers,
      config,
      ports,
      context,
      now,
    });

  const { llmCalled, unavailable, verdictNotKept, ...verdict } = judgement;
  const draft = {
    ...key,
    price: candles.at(-1)?.close ?? 0,
    ...verdict,
    indicators: features.now,
    triggers: triggers.map((t) => t.id),
    provider: request.provider,
    createdAt: isoTime(now),
  };

  // Only a BUY or SELL can alert (docs/ARCHITECTURE.md: alert on transitions), so the policy's state is
  // read for those.
  const actionable = draft.action === "BUY" || draft.action === "SELL";
  const [lastAlert, mutes] = actionable
    ? await Promise.all([ports.signals.lastAlert(key.symbol, key.timeframe), ports.mutes.mutes(now)])
    : [undefined, new Map<string, number>()];
  const decision = decideAlert(draft, {
    lastAlert,
    mutedUntil: mutes.get(key.symbol),
    now,
    alerts: config.alerts,
    timezone: config.timezone,
  });
  const signal: Signal = {
    ...draft,
    alert: decision.alert,
    ...(decision.alert
      ? { silent: decision.silent, ...alertChartFields(candles, gate, draft.triggers) }
      : {}),
  };
  // Alerts, and every BUY and SELL (the track record's rows), are kept; HOLD and ABSTAIN expire.
  const kept = signal.alert || actionable;
  const expiresAt = kept ? undefined : Math.floor(now / 1000) + config.retentionDays * 86_400;
  const status = await ports.signals.putSignal(signal, { expiresAt });
  if (status === "duplicate") return { status: "exists", key };
  const scored = await recordDueOutcomes(ports.signals, key, candles, config.outcomes.horizons);
  return {
    status,
    signal,
    llmCalled,
    alertReason: decision.reason,
    ...(unavailable ? { unavailable } : {}),
    ...(scored.error ? { outcomesFailed: scored.error } : {}),
    ...(verdictNotKept ? { verdictNotKept } : {}),
  };
}

import { apiErrorReply, chatCompletionBody } from "../analyst/chat-completions";
import type { DynamoFaultProxy } from "../support/dynamo-fault-proxy";
import { BOT_API_ERRORS, type BotApiCall, botApiError, type FakeBotApi } from "../support/fake-bot-api";
import { type FakeServer, type Reply, startFakeServer } from "../support/http-server";

/** The fault mix of the chaos run (#7): each a share of the calls to that service. */
export const FAULTS = {
  llm: { serverError: 0.2, rateLimit: 0.1, malformed: 0.05 },
  telegramRateLimit: 0.15,
  dynamoThrottle: 0.1,
} as const;

export interface LlmTally {
  serverError: number;
  rateLimit: number;
  malformed: number;
  /** Answers that carried usage: what OpenAI bills (malformed ones included). */
  billed: number;
}

/**
 * A Chat Completions server that fails as OpenAI does, in the chaos mix: 500 server errors, 429 rate
 * limits, and billed answers that are not the JSON asked for. The rest are valid verdicts, drawn so
 * that some are confident BUYs and SELLs (alerts).
 */
export async function startFaultyLlm(random: () => number): Promise<{ server: FakeServer; tally: LlmTally }> {
  const tally: LlmTally = { serverError: 0, rateLimit: 0, malformed: 0, billed: 0 };
  const { serverError, rateLimit, malformed } = FAULTS.llm;
  // The first three calls fail one way each, so even a short run meets every fault; then the mix.
  const firstDraws = [0, serverError, serverError + rateLimit];
  const server = await startFakeServer((): Reply => {
    const draw = firstDraws.shift() ?? random();
    if (draw < serverError) {
      tally.serverError += 1;
      return apiErrorReply(
        500,
        "server_error",
        null,
        "The server had an error while processing your request.",
      );
    }
    if (draw < serverError + rateLimit) {
      tally.rateLimit += 1;
      return apiErrorReply(429, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini.");
    }
    tally.billed += 1;
    if (draw < serverError + rateLimit + malformed) {
      tally.malformed += 1;
      return {
        body: chatCompletionBody({ content: '{"action": "BUY", "confidence": 0.9, "reasons": ["cut' }),
      };
    }
    const action = random() < 0.5 ? "BUY" : random() < 0.5 ? "SELL" : "HOLD";
    const verdict = {
      action,
      confidence: Math.round((0.55 + 0.4 * random()) * 100) / 100,
      reasons: ["momentum turned on volume", "price left the band"],
      horizon: "hours",
    };
    return { body: chatCompletionBody({ content: JSON.stringify(verdict) }) };
  });
  return { server, tally };
}

/**
 * 429 with a one-second retry_after on the first send and a share of the rest; every call to
 * `blockedChat` answers 403.
 * Returns the calls answered with 429, so what was delivered can be told from what was refused.
 */
export function addTelegramFaults(
  api: FakeBotApi,
  random: () => number,
  blockedChat: string,
): Set<BotApiCall> {
  const rateLimitedCalls = new Set<BotApiCall>();
  const rateLimited = {
    status: 429,
    body: {
      ...BOT_API_ERRORS.retryAfter,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    },
  };
  // The first send to a chat that takes alerts is refused, so even a short run meets the 429; then the mix.
  let sends = 0;
  for (const method of ["sendPhoto", "sendMessage"]) {
    api.on(method, botApiError(BOT_API_ERRORS.blocked), {
      times: Number.POSITIVE_INFINITY,
      when: (call) => String(call.payload.chat_id) === blockedChat,
    });
    api.on(method, rateLimited, {
      times: Number.POSITIVE_INFINITY,
      when: (call) => {
        sends += 1;
        const refused = random() < FAULTS.telegramRateLimit || sends === 1;
        if (refused) rateLimitedCalls.add(call);
        return refused;
      },
    });
  }
  return rateLimitedCalls;
}

/** Throttles a share of every DynamoDB request, as an on-demand table past its limits does. */
export function addDynamoThrottling(proxy: DynamoFaultProxy, random: () => number): void {
  proxy.fails = () => random() < FAULTS.dynamoThrottle;
}

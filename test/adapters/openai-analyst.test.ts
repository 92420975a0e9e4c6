import { RateLimitError } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { OpenAiAnalyst } from "../../functions/adapters/openai-analyst";
import {
  type ModelCompletion,
  type ModelRequest,
  ModelUnavailableError,
  ModelUnreachableError,
  readVerdict,
  VerdictSchema,
} from "../../functions/core/verdict";
import { apiErrorReply, chatCompletionBody } from "../analyst/chat-completions";
import { closedPort, startHangUpServer } from "../support/dead-endpoints";
import { type FakeServer, type RecordedRequest, type Reply, startFakeServer } from "../support/http-server";
import { hasShared, readSharedJson, sharedMissing } from "../support/shared";

const request: ModelRequest = {
  model: "gpt-4o-mini",
  system: "You are a cautious market analyst.",
  user: '{"symbol":"BTC-USD","features":{"rsi":28.1}}',
  maxOutputTokens: 300,
};

const VERDICT = {
  action: "SELL",
  confidence: 0.72,
  reasons: ["RSI 78 overbought", "MACD crossed down"],
  horizon: "hours",
};

describe("OpenAiAnalyst over the Chat Completions protocol", () => {
  let server: FakeServer;
  const analyst = () =>
    new OpenAiAnalyst({ apiKey: "sk-test", baseURL: `${server.url}/v1`, timeoutMs: 2_000 });
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("asks with a strict JSON schema from the zod verdict, the configured model and no retries", async () => {
    server.answer(() => ({ body: chatCompletionBody({ content: JSON.stringify(VERDICT) }) }));
    const answer = await analyst().complete(request);
    expect(answer).toEqual<ModelCompletion>({
      model: "gpt-4o-mini-2024-07-18",
      content: JSON.stringify(VERDICT),
      refusal: null,
      finishReason: "stop",
      usage: { prompt: 412, completion: 38 },
    });
    expect(readVerdict(answer)).toEqual({ kind: "verdict", verdict: VERDICT });
    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0] as RecordedRequest;
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer sk-test");
    const body = sent.json as {
      model: string;
      max_completion_tokens: number;
      messages: unknown[];
      response_format: {
        type: string;
        json_schema: { name: string; strict: boolean; schema: { properties: Record<string, unknown> } };
      };
    };
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.max_completion_tokens).toBe(300);
    expect(body.messages).toEqual([
      { role: "system", content: request.system },
      { role: "user", content: request.user },
    ]);
    expect(body.response_format.type).toBe("json_schema");
    expect(body.response_format.json_schema).toMatchObject({ name: "verdict", strict: true });
    const schema = body.response_format.json_schema.schema;
    expect(schema).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: ["action", "confidence", "reasons", "horizon"],
    });
    expect(schema.properties.action).toMatchObject({ enum: ["BUY", "SELL", "HOLD"] });
    expect(schema.properties.reasons).toMatchObject({ minItems: 2, maxItems: 3 });
  });

  it("sends exactly the response_format the SDK's zod helper would, without loading the helper", async () => {
    server.answer(() => ({ body: chatCompletionBody({ content: JSON.stringify(VERDICT) }) }));
    await analyst().complete(request);
    const sent = (server.requests.at(-1) as RecordedRequest).json as { response_format: unknown };
    expect(sent.response_format).toEqual(
      JSON.parse(JSON.stringify(zodResponseFormat(VerdictSchema, "verdict"))),
    );
  });

  it("hands over a refusal and a truncated answer as they came, to become ABSTAIN", async () => {
    server.answer(() => ({
      body: chatCompletionBody({ content: null, refusal: "I'm very sorry, but I can't assist with that." }),
    }));
    expect(readVerdict(await analyst().complete(request))).toMatchObject({
      kind: "abstain",
      reason: "refusal",
    });
    server.answer(() => ({ body: chatCompletionBody({ content: '{"' }, "length") }));
    expect(readVerdict(await analyst().complete(request))).toMatchObject({
      kind: "abstain",
      reason: "truncated",
    });
  });

  it.each([
    [
      "429 insufficient_quota",
      apiErrorReply(
        429,
        "insufficient_quota",
        "insufficient_quota",
        "You exceeded your current quota, please check your plan and billing details.",
      ),
      "quota",
    ],
    [
      "401 invalid_api_key",
      apiErrorReply(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: sk-test."),
      "auth",
    ],
    [
      "404 model_not_found",
      apiErrorReply(404, "invalid_request_error", "model_not_found", "The model `gpt-9` does not exist."),
      "rejected",
    ],
  ])("turns %s into a ModelUnavailableError after one request", async (_, reply, reason) => {
    server.answer(() => reply);
    const failure = await analyst()
      .complete(request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelUnavailableError);
    expect(failure).toMatchObject({ reason });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [
      "429 rate_limit_exceeded",
      apiErrorReply(429, "tokens", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini."),
    ],
    [
      "500 server_error",
      apiErrorReply(500, "server_error", null, "The server had an error processing your request."),
    ],
    ["503", { status: 503, body: "upstream unavailable" }],
  ])("lets %s fail once, unretried, for SQS to redeliver", async (_, reply) => {
    server.answer(() => reply as Reply);
    const failure = await analyst()
      .complete(request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ModelUnavailableError);
    expect(server.requests).toHaveLength(1);
  });

  it("gives up at its request timeout instead of waiting for the function timeout", async () => {
    server.answer(() => ({ delayMs: 1_000, body: chatCompletionBody({ content: JSON.stringify(VERDICT) }) }));
    const quick = new OpenAiAnalyst({ apiKey: "sk-test", baseURL: `${server.url}/v1`, timeoutMs: 100 });
    const failure = await quick.complete(request).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelUnreachableError);
    expect((failure as Error).message).toBe(`LLM endpoint ${server.url}/v1 timed out after 0.1 s`);
    expect(server.requests).toHaveLength(1);
  });

  it("names the endpoint and the cause when a 5xx answers, for the circuit breaker to count", async () => {
    server.answer(() => apiErrorReply(500, "server_error", null, "The server had an error."));
    const failure = await analyst()
      .complete(request)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelUnreachableError);
    expect(failure).toMatchObject({
      endpoint: `${server.url}/v1`,
      message: `LLM endpoint ${server.url}/v1 answered HTTP 500 (500 The server had an error.)`,
    });
  });

  it("names the endpoint and the cause when nothing listens, or the socket is closed", async () => {
    const port = await closedPort();
    const refused = await new OpenAiAnalyst({
      apiKey: "sk-test",
      baseURL: `http://127.0.0.1:${port}/v1`,
      timeoutMs: 2_000,
    })
      .complete(request)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ModelUnreachableError);
    expect((refused as Error).message).toBe(
      `LLM endpoint http://127.0.0.1:${port}/v1 unreachable (ECONNREFUSED)`,
    );

    const hangUp = await startHangUpServer();
    try {
      const closed = await new OpenAiAnalyst({
        apiKey: "sk-test",
        baseURL: `${hangUp.url}/v1`,
        timeoutMs: 2_000,
      })
        .complete(request)
        .catch((error: unknown) => error);
      expect((closed as Error).message).toBe(`LLM endpoint ${hangUp.url}/v1 unreachable (other side closed)`);
      expect(hangUp.connections()).toBe(1);
    } finally {
      await hangUp.close();
    }
  });

  it("reaches an OpenAI-compatible server through OPENAI_BASE_URL", async () => {
    vi.stubEnv("OPENAI_BASE_URL", `${server.url}/compat/v1`);
    try {
      server.answer(() => ({ body: chatCompletionBody({ content: JSON.stringify(VERDICT) }) }));
      await new OpenAiAnalyst({ apiKey: "ollama", timeoutMs: 2_000 }).complete({
        ...request,
        model: "llama3.1",
      });
      expect(server.requests[0]?.path).toBe("/compat/v1/chat/completions");
      expect(server.requests[0]?.json).toMatchObject({ model: "llama3.1" });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

const REFERENCE = ["reference", "openai"] as const;
const DATA = ["data", "openai"] as const;

describe.skipIf(!hasShared(...REFERENCE))(
  `recorded OpenAI responses (${sharedMissing(...REFERENCE)} when skipped)`,
  () => {
    let server: FakeServer;
    const analyst = () =>
      new OpenAiAnalyst({ apiKey: "sk-test", baseURL: `${server.url}/v1`, timeoutMs: 2_000 });
    const replay = (status: number, ...file: string[]) =>
      server.answer(() => ({ status, body: readSharedJson(...file) }));
    beforeAll(async () => {
      server = await startFakeServer();
    });
    afterAll(() => server.close());
    beforeEach(() => {
      server.requests.length = 0;
    });

    it.each([
      ["chat-completion-structured-output.json", "schema-mismatch"], // another schema's answer (city, temperature)
      ["chat-completion-refusal.json", "refusal"],
      ["chat-completion-finish-length.json", "truncated"],
    ])("reads %s as ABSTAIN %s", async (file, reason) => {
      replay(200, ...REFERENCE, file);
      const answer = await analyst().complete(request);
      expect(answer.usage?.prompt).toBe(79);
      expect(readVerdict(answer)).toMatchObject({ kind: "abstain", reason });
    });

    it("abstains on insufficient_quota and fails on rate_limit_exceeded and 500, one request each", async () => {
      replay(429, ...REFERENCE, "error-429-insufficient-quota.json");
      await expect(analyst().complete(request)).rejects.toMatchObject({
        name: "ModelUnavailableError",
        reason: "quota",
      });
      replay(429, ...REFERENCE, "error-429-rate-limit.json");
      await expect(analyst().complete(request)).rejects.toBeInstanceOf(RateLimitError);
      replay(500, ...REFERENCE, "error-500-server-error.json");
      await expect(analyst().complete(request)).rejects.toBeInstanceOf(ModelUnreachableError);
      expect(server.requests).toHaveLength(3);
    });

    it.skipIf(!hasShared(...DATA))(
      `reads plain text and multiple choices strictly (${sharedMissing(...DATA)} when skipped)`,
      async () => {
        replay(200, ...DATA, "chat-completion-plain.json");
        expect(readVerdict(await analyst().complete(request))).toMatchObject({
          kind: "abstain",
          reason: "invalid-output",
        });
        replay(200, ...DATA, "chat-completion-multiple-choices.json");
        expect(readVerdict(await analyst().complete(request))).toMatchObject({
          kind: "abstain",
          reason: "schema-mismatch",
        });
      },
    );

    it.skipIf(!hasShared(...DATA))(
      `keeps a recorded 429's rate-limit headers on the error (${sharedMissing(...DATA)} when skipped)`,
      async () => {
        const recorded = readSharedJson<{ headers: Record<string, string[]> }>(
          ...DATA,
          "error-429-rate-limit-headers.json",
        );
        const headers = Object.fromEntries(
          Object.entries(recorded.headers)
            .filter(([name]) => name.startsWith("x-"))
            .map(([name, [value]]) => [name, value as string]),
        );
        server.answer(() => ({
          status: 429,
          headers,
          body: readSharedJson(...REFERENCE, "error-429-rate-limit.json"),
        }));
        const failure = (await analyst()
          .complete(request)
          .catch((error: unknown) => error)) as { headers: Headers };
        expect(failure.headers.get("x-ratelimit-limit-requests")).toBe("3500");
        expect(failure).not.toBeInstanceOf(ModelUnavailableError);
      },
    );
  },
);

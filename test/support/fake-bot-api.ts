import { type FakeServer, type RecordedRequest, type Reply, startFakeServer } from "./http-server";

/** Bot API error bodies in the real format (the recorded ones are in ../shared/reference/telegram). */
export const BOT_API_ERRORS = {
  retryAfter: {
    ok: false,
    error_code: 429,
    description: "Too Many Requests: retry after 5",
    parameters: { retry_after: 5 },
  },
  retryAfterInDescriptionOnly: {
    ok: false,
    error_code: 429,
    description: "Too Many Requests: retry after 3",
  },
  blocked: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
  kicked: { ok: false, error_code: 403, description: "Forbidden: bot was kicked from the group chat" },
  cantParseEntities: {
    ok: false,
    error_code: 400,
    description: "Bad Request: can't parse entities: Unexpected end of name token at byte offset 291",
  },
  chatNotFound: { ok: false, error_code: 400, description: "Bad Request: chat not found" },
  photoInvalid: { ok: false, error_code: 400, description: "Bad Request: PHOTO_INVALID_DIMENSIONS" },
  webhookConflict: {
    ok: false,
    error_code: 409,
    description:
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  },
  internal: { ok: false, error_code: 500, description: "Internal Server Error" },
} as const;

/** An error body answered with its own error_code as the HTTP status, as the Bot API does. */
export const botApiError = (body: { error_code: number }): Reply => ({ status: body.error_code, body });

export interface BotApiCall {
  method: string;
  /** JSON payload, or the text fields of a multipart upload (files appear as `<file name>`). */
  payload: Record<string, unknown>;
  request: RecordedRequest;
}

interface Rule {
  method: string;
  reply: Reply;
  remaining: number;
  when?: (call: BotApiCall) => boolean;
}

export interface FakeBotApi {
  /** The API root to give grammY (TELEGRAM_API_ROOT). */
  apiRoot: string;
  token: string;
  calls: BotApiCall[];
  callsOf(method: string): BotApiCall[];
  /** Answers the next `times` matching calls of `method` with `reply` instead of success. */
  on(method: string, reply: Reply, options?: { times?: number; when?: (call: BotApiCall) => boolean }): void;
  /** Updates the next getUpdates call returns (later calls return an empty list after a short wait). */
  queueUpdates(updates: unknown[]): void;
  close(): Promise<void>;
}

function multipartFields(request: RecordedRequest): Record<string, unknown> {
  const boundary = /boundary=([^;]+)/.exec(String(request.headers["content-type"]))?.[1];
  if (!boundary) return {};
  const fields: Record<string, unknown> = {};
  for (const part of request.body.split(`--${boundary}`)) {
    const name = /;\s*name="?([^";\r\n]+)"?/.exec(part)?.[1];
    if (!name) continue;
    const file = /;\s*filename="?([^";\r\n]*)"?/.exec(part)?.[1];
    const value = part.slice(part.indexOf("\r\n\r\n") + 4).replace(/\r\n$/, "");
    fields[name] = file !== undefined ? `<file ${file}>` : value;
  }
  return fields;
}

let messageIds = 100;

function success(call: BotApiCall): unknown {
  const chat = { id: Number(call.payload.chat_id), type: "private", first_name: "Test" };
  const date = Math.floor(Date.now() / 1000);
  switch (call.method) {
    case "sendMessage":
      return { message_id: ++messageIds, date, chat, text: call.payload.text };
    case "sendPhoto":
      return {
        message_id: ++messageIds,
        date,
        chat,
        photo: [{ file_id: "AgAD", file_unique_id: "AQAD", width: 800, height: 400 }],
        caption: call.payload.caption,
      };
    case "getWebhookInfo":
      return {
        url: "https://example.invalid/telegram",
        has_custom_certificate: false,
        pending_update_count: 0,
      };
    case "getMe":
      return { id: 1, is_bot: true, first_name: "Signals", username: "signals_test_bot" };
    default:
      return true;
  }
}

/** A local Bot API server: `/bot<token>/<method>`, recording every call, answering like Telegram. */
export async function startFakeBotApi(token = "123456:TEST-token_abc"): Promise<FakeBotApi> {
  const calls: BotApiCall[] = [];
  const rules: Rule[] = [];
  const updateBatches: unknown[][] = [];
  const server: FakeServer = await startFakeServer(async (request) => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.path);
    if (!match || match[1] !== token)
      return { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
    const method = match[2] ?? "";
    const payload = String(request.headers["content-type"]).startsWith("multipart/")
      ? multipartFields(request)
      : ((request.json as Record<string, unknown> | undefined) ?? {});
    const call: BotApiCall = { method, payload, request };
    calls.push(call);
    const rule = rules.find((r) => r.method === method && r.remaining > 0 && (!r.when || r.when(call)));
    if (rule) {
      rule.remaining -= 1;
      return rule.reply;
    }
    if (method === "getUpdates") {
      const batch = updateBatches.shift();
      return batch ? { body: { ok: true, result: batch } } : { delayMs: 50, body: { ok: true, result: [] } };
    }
    return { body: { ok: true, result: success(call) } };
  });
  return {
    apiRoot: server.url,
    token,
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method),
    on: (method, reply, options = {}) => {
      rules.push({ method, reply, remaining: options.times ?? 1, when: options.when });
    },
    queueUpdates: (updates) => {
      updateBatches.push(updates);
    },
    close: () => server.close(),
  };
}

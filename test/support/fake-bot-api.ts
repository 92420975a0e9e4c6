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
  callbackQueryTooOld: {
    ok: false,
    error_code: 400,
    description: "Bad Request: query is too old and response timeout expired or query ID is invalid",
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
  /**
   * Updates Telegram holds for the bot: getUpdates returns them until an offset past them confirms
   * them, and a long poll waiting on an empty queue answers as soon as they arrive.
   */
  queueUpdates(updates: Array<{ update_id: number }>): void;
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

/**
 * getUpdates as Telegram answers it (https://core.telegram.org/bots/api#getupdates): an offset
 * forgets every update below it; the pending ones (up to `limit`, 100 by default) are returned at
 * once, and with none pending the call waits up to `timeout` seconds for one.
 */
class UpdateQueue {
  private pending: Array<{ update_id: number }> = [];
  private waiters = new Set<() => void>();

  add(updates: Array<{ update_id: number }>): void {
    this.pending.push(...updates);
    this.wake();
  }

  async get(payload: Record<string, unknown>): Promise<unknown[]> {
    const {
      offset,
      limit = 100,
      timeout = 0,
    } = payload as { offset?: number; limit?: number; timeout?: number };
    if (offset !== undefined) this.pending = this.pending.filter((update) => update.update_id >= offset);
    if (this.pending.length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeout * 1000);
        this.waiters.add(done);
      });
    }
    return this.pending.slice(0, limit);
  }

  /** Ends every waiting long poll, as a closing server does. */
  close(): void {
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A local Bot API server: `/bot<token>/<method>`, recording every call, answering like Telegram. */
export async function startFakeBotApi(token = "123456:TEST-token_abc"): Promise<FakeBotApi> {
  const calls: BotApiCall[] = [];
  const rules: Rule[] = [];
  const updates = new UpdateQueue();
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
    if (method === "getUpdates") return { body: { ok: true, result: await updates.get(payload) } };
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
    queueUpdates: (batch) => updates.add(batch),
    close: async () => {
      updates.close();
      await server.close();
    },
  };
}

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTerminalMessenger } from "../../functions/adapters/terminal-messenger";
import { botDepsFromEnv } from "../../functions/bot/wiring";
import { parseConfig } from "../../functions/core/config";
import { logger } from "../../functions/runtime/logger";
import { localContext } from "../../local/lambda-context";
import { serveBot } from "../../local/serve";
import { startBotPoller, startBotWebhookServer } from "../../local/telegram-bot-server";
import { captureLogs } from "../support/capture-logs";
import { startTestTable } from "../support/emulators";
import { BOT_API_ERRORS, botApiError, type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";
import {
  ALLOWED_CHAT,
  callbackUpdate,
  messageUpdate,
  STRANGER_CHAT,
  sampleSignal,
} from "../support/telegram-fixtures";

type TestTable = Awaited<ReturnType<typeof startTestTable>>;

const config = parseConfig({ timezone: "UTC" });
let table: TestTable;
let fake: FakeBotApi;

beforeAll(async () => {
  [table, fake] = await Promise.all([startTestTable(), startFakeBotApi()]);
  await table.store.putSignal(sampleSignal());
});
afterAll(() => Promise.all([table.close(), fake.close()]));
beforeEach(() => {
  fake.calls.length = 0;
  vi.stubEnv("TELEGRAM_CHAT_ID", String(ALLOWED_CHAT));
  vi.stubEnv("TELEGRAM_BOT_TOKEN", "");
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const post = (url: string, update: unknown, secret?: string) =>
  fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
    },
    body: JSON.stringify(update),
  });

describe("local bot webhook server", () => {
  it("serves the real bot handler at /telegram, showing the replies it printed", async () => {
    vi.stubEnv("TELEGRAM_WEBHOOK_SECRET", "local-secret");
    const printed: string[] = [];
    const deps = botDepsFromEnv(config, {
      store: table.store,
      telegram: createTerminalMessenger({ write: (text) => printed.push(text) }),
    });
    const server = await startBotWebhookServer({ deps, port: 0 });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/telegram`);
      expect(server.secret).toBe("local-secret");
      const response = await post(server.url, messageUpdate("/history BTC-USD"), server.secret);
      expect(response.status).toBe(200);
      const { replies } = (await response.json()) as { replies: { chatId: string; text: string }[] };
      expect(replies).toHaveLength(1);
      expect(replies[0]?.chatId).toBe(String(ALLOWED_CHAT));
      expect(replies[0]?.text).toContain("<b>BTC-USD 1h</b> · last 10");
      expect(printed.join("\n")).toContain("BUY · 63,412.50 · 82%");

      expect((await post(server.url, messageUpdate("/start"), "wrong")).status).toBe(401);
      const stranger = await post(server.url, messageUpdate("/start", STRANGER_CHAT), server.secret);
      expect(await stranger.json()).toEqual({ replies: [] });
      expect((await fetch(`http://127.0.0.1:${server.port}/other`, { method: "POST" })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it("generates a secret when none is configured, and only that one is accepted", async () => {
    const deps = botDepsFromEnv(config, {
      store: table.store,
      telegram: createTerminalMessenger({ write: () => {} }),
    });
    const server = await startBotWebhookServer({ deps, port: 0 });
    try {
      expect(server.secret).toMatch(/^[a-f0-9]{48}$/);
      expect((await post(server.url, messageUpdate("/help"), server.secret)).status).toBe(200);
      expect((await post(server.url, messageUpdate("/help"))).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});

describe("the bot's log lines, locally", () => {
  const STRANGER_TEXT = "/history BTC-USD my secret words";
  const strangerLines = (lines: Array<Record<string, unknown>>) =>
    lines.filter((line) => line.message === "message from a chat not on the allowlist ignored");

  it("log a stranger's message over the webhook as one INFO line, with the chat id and the bot's own name", async () => {
    vi.stubEnv("TELEGRAM_WEBHOOK_SECRET", "local-secret");
    // The local runtime has run the analyst in this process, and the logger is shared.
    logger.addContext(localContext("analyst"));
    const deps = botDepsFromEnv(config, {
      store: table.store,
      telegram: createTerminalMessenger({ write: () => {} }),
    });
    const server = await startBotWebhookServer({ deps, port: 0 });
    try {
      const { lines } = await captureLogs(
        () => post(server.url, messageUpdate(STRANGER_TEXT, STRANGER_CHAT), server.secret),
        "INFO",
      );
      expect(strangerLines(lines)).toEqual([
        expect.objectContaining({ level: "INFO", chatId: String(STRANGER_CHAT), function_name: "bot" }),
      ]);
      expect(JSON.stringify(lines)).not.toContain("secret words");
    } finally {
      await server.stop();
    }
  });

  it("log a stranger's message over long polling too", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    logger.addContext(localContext("analyst"));
    fake.queueUpdates([messageUpdate(STRANGER_TEXT, STRANGER_CHAT)]);
    const outcomes: unknown[] = [];
    const { lines } = await captureLogs(async () => {
      const poller = startBotPoller({
        deps: botDepsFromEnv(config, { store: table.store }),
        token: fake.token,
        pollSeconds: 1,
        onOutcome: (outcome) => outcomes.push(outcome),
      });
      try {
        await vi.waitFor(() => expect(outcomes).toHaveLength(1), { timeout: 15_000 });
        // The next poll is in the fake's hands before stopping, so no poll in flight takes a later test's update.
        await vi.waitFor(() => expect(fake.callsOf("getUpdates").length).toBeGreaterThan(1), {
          timeout: 15_000,
        });
      } finally {
        await poller.stop();
      }
    }, "INFO");
    expect(strangerLines(lines)).toEqual([
      expect.objectContaining({ chatId: String(STRANGER_CHAT), function_name: "bot" }),
    ]);
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
  });
});

describe("local bot long polling", () => {
  it("feeds getUpdates to the bot and answers through the Bot API, moving the offset on", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    vi.stubEnv("TELEGRAM_BOT_TOKEN", fake.token);
    const update = messageUpdate("/history BTC-USD 1");
    fake.queueUpdates([update]);
    const outcomes: unknown[] = [];
    const poller = startBotPoller({
      deps: botDepsFromEnv(config, { store: table.store }),
      token: fake.token,
      pollSeconds: 1,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    try {
      await vi.waitFor(() => expect(fake.callsOf("sendMessage")).toHaveLength(1), { timeout: 15_000 });
      await vi.waitFor(() => expect(fake.callsOf("getUpdates").length).toBeGreaterThan(1), {
        timeout: 15_000,
      });
    } finally {
      await poller.stop();
    }
    expect(fake.callsOf("sendMessage")[0]?.payload).toMatchObject({ chat_id: String(ALLOWED_CHAT) });
    expect(fake.callsOf("getUpdates")[0]?.payload).toMatchObject({
      timeout: 1,
      allowed_updates: ["message", "edited_message", "callback_query"],
    });
    expect(fake.callsOf("getUpdates")[1]?.payload.offset).toBe(update.update_id + 1);
    expect(outcomes).toEqual([expect.objectContaining({ kind: "answered", command: "history" })]);
  });

  it("stops with a clear message while a webhook is set", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    fake.on("getUpdates", botApiError(BOT_API_ERRORS.webhookConflict));
    const poller = startBotPoller({
      deps: botDepsFromEnv(config, { store: table.store }),
      token: fake.token,
      pollSeconds: 1,
    });
    await expect(poller.done).rejects.toThrow("telegram webhook --delete");
    // The deployed bot's webhook is the user's to delete, not something polling removes in passing.
    expect(fake.callsOf("deleteWebhook")).toHaveLength(0);
  });

  it("ends `start --poll` with that message instead of waiting for Ctrl-C", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    vi.stubEnv("TELEGRAM_BOT_TOKEN", fake.token);
    fake.on("getUpdates", botApiError(BOT_API_ERRORS.webhookConflict));
    const botDeps = botDepsFromEnv(config, { store: table.store });
    await expect(serveBot({ handlers: { botDeps } }, { poll: true }, () => {})).rejects.toThrow(
      "telegram webhook --delete",
    );
  });

  it("keeps polling after a transient failure", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    fake.on("getUpdates", botApiError(BOT_API_ERRORS.internal));
    const errors: Error[] = [];
    const poller = startBotPoller({
      deps: botDepsFromEnv(config, { store: table.store }),
      token: fake.token,
      pollSeconds: 1,
      onError: (error) => errors.push(error),
    });
    try {
      // grammY waits 3 s before polling again.
      await vi.waitFor(() => expect(fake.callsOf("getUpdates").length).toBeGreaterThan(1), {
        timeout: 15_000,
      });
    } finally {
      await poller.stop();
    }
    expect(errors[0]?.message).toContain("Internal Server Error");
  });

  it("keeps polling past an update that fails, reporting why, and answers the next one", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    vi.stubEnv("TELEGRAM_BOT_TOKEN", fake.token);
    const withoutMessageId = messageUpdate("/help");
    const malformed = {
      ...withoutMessageId,
      message: { ...withoutMessageId.message, message_id: undefined },
    };
    // Telegram refuses to answer a button press this old; the bot's reply to it fails.
    fake.on("answerCallbackQuery", botApiError(BOT_API_ERRORS.callbackQueryTooOld));
    const failing = callbackUpdate("no-such-button");
    const next = messageUpdate("/history BTC-USD 1");
    fake.queueUpdates([malformed, failing, next]);
    const errors: Error[] = [];
    const outcomes: unknown[] = [];
    const poller = startBotPoller({
      deps: botDepsFromEnv(config, { store: table.store }),
      token: fake.token,
      pollSeconds: 1,
      onOutcome: (outcome) => outcomes.push(outcome),
      onError: (error) => errors.push(error),
    });
    try {
      await vi.waitFor(() => expect(fake.callsOf("sendMessage")).toHaveLength(1), { timeout: 15_000 });
      await vi.waitFor(() => expect(fake.callsOf("getUpdates").length).toBeGreaterThan(1), {
        timeout: 15_000,
      });
    } finally {
      await poller.stop();
    }
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining("message.message_id = missing"),
      expect.stringContaining("query is too old"),
    ]);
    expect(outcomes).toEqual([expect.objectContaining({ kind: "answered", command: "history" })]);
    expect(fake.callsOf("sendMessage")[0]?.payload).toMatchObject({ chat_id: String(ALLOWED_CHAT) });
    expect(fake.callsOf("getUpdates")[1]?.payload.offset).toBe(next.update_id + 1);
  });
});

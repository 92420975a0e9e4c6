import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { classifyBotApiError } from "../../functions/adapters/telegram-api";
import { TelegramMessenger } from "../../functions/adapters/telegram-messenger";
import { alertKeyboard } from "../../functions/core/bot/callbacks";
import { BOT_API_ERRORS, botApiError, type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";
import { hasShared, readSharedJson, sharedMissing } from "../support/shared";

let fake: FakeBotApi;
let messenger: TelegramMessenger;

beforeAll(async () => {
  fake = await startFakeBotApi();
  vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
  messenger = new TelegramMessenger(async () => fake.token);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
});

const message = { chatId: "1111111", text: "<b>BUY BTC-USD</b> · 82%", format: "html" as const };

describe("TelegramMessenger over the Bot API", () => {
  it("sends HTML with the inline keyboard, silently when asked, at the API root from TELEGRAM_API_ROOT", async () => {
    const outcome = await messenger.send({ ...message, keyboard: alertKeyboard("BTC-USD"), silent: true });
    expect(outcome).toEqual({ kind: "sent" });
    const call = fake.callsOf("sendMessage").at(-1);
    expect(call?.request.path).toBe(`/bot${fake.token}/sendMessage`);
    expect(call?.payload).toMatchObject({
      chat_id: "1111111",
      text: "<b>BUY BTC-USD</b> · 82%",
      parse_mode: "HTML",
      disable_notification: true,
      link_preview_options: { is_disabled: true },
      reply_markup: {
        inline_keyboard: [
          [
            { text: "Mute 1h", callback_data: "mute:BTC-USD:1h" },
            { text: "Mute 24h", callback_data: "mute:BTC-USD:24h" },
            { text: "History", callback_data: "history:BTC-USD" },
          ],
        ],
      },
    });
  });

  it("sends the Dashboard button as a web_app button with its https URL", async () => {
    const url = "https://abc.lambda-url.eu-west-1.on.aws/app";
    await messenger.send({ ...message, keyboard: alertKeyboard("BTC-USD", url) });
    const markup = fake.callsOf("sendMessage").at(-1)?.payload.reply_markup as {
      inline_keyboard: unknown[][];
    };
    expect(markup.inline_keyboard[1]).toEqual([{ text: "📊 Dashboard", web_app: { url } }]);
  });

  it("sends plain text without a parse mode, and with sound by default", async () => {
    await messenger.send({ ...message, format: "plain", text: "BUY BTC-USD < 1" });
    const payload = fake.callsOf("sendMessage").at(-1)?.payload ?? {};
    expect(payload.text).toBe("BUY BTC-USD < 1");
    expect(payload).not.toHaveProperty("parse_mode");
    expect(payload).not.toHaveProperty("disable_notification");
  });

  it("uploads the chart with sendPhoto, the message as its caption", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(await messenger.send({ ...message, photo: png, keyboard: alertKeyboard("BTC-USD") })).toEqual({
      kind: "sent",
    });
    const call = fake.callsOf("sendPhoto").at(-1);
    expect(call?.request.headers["content-type"]).toMatch(/^multipart\/form-data/);
    expect(call?.payload).toMatchObject({
      chat_id: "1111111",
      caption: "<b>BUY BTC-USD</b> · 82%",
      parse_mode: "HTML",
      photo: expect.stringMatching(/^attach:\/\//),
    });
    const attachment = String(call?.payload.photo).replace("attach://", "");
    expect(call?.payload[attachment]).toBe("<file chart.png>");
  });

  it("answers callback queries", async () => {
    await messenger.answerCallback("4382bfdwdsb323b2d9", "BTC-USD muted");
    expect(fake.callsOf("answerCallbackQuery").at(-1)?.payload).toEqual({
      callback_query_id: "4382bfdwdsb323b2d9",
      text: "BTC-USD muted",
    });
  });

  it.each([
    [
      "429 with parameters.retry_after",
      BOT_API_ERRORS.retryAfter,
      { kind: "rate-limited", retryAfterSeconds: 5 },
    ],
    [
      "429 with the wait only in the description",
      BOT_API_ERRORS.retryAfterInDescriptionOnly,
      { kind: "rate-limited", retryAfterSeconds: 3 },
    ],
    ["403 blocked", BOT_API_ERRORS.blocked, { kind: "undeliverable" }],
    ["403 kicked", BOT_API_ERRORS.kicked, { kind: "undeliverable" }],
    ["400 can't parse entities", BOT_API_ERRORS.cantParseEntities, { kind: "unparseable" }],
    ["400 chat not found", BOT_API_ERRORS.chatNotFound, { kind: "undeliverable" }],
    ["400 other", BOT_API_ERRORS.photoInvalid, { kind: "rejected" }],
    ["500", BOT_API_ERRORS.internal, { kind: "failed" }],
  ])("maps %s", async (_name, body, expected) => {
    fake.on("sendMessage", botApiError(body));
    const outcome = await messenger.send(message);
    expect(outcome).toMatchObject({ ...expected, description: expect.stringContaining(body.description) });
  });

  it("maps a group upgraded to a supergroup to undeliverable, naming the new chat id", async () => {
    fake.on("sendMessage", {
      status: 400,
      body: {
        ok: false,
        error_code: 400,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: -1001234567890 },
      },
    });
    expect(await messenger.send(message)).toEqual({
      kind: "undeliverable",
      description: "Bad Request: group chat was upgraded to a supergroup chat (now -1001234567890)",
    });
  });

  it("reports a wrong token as a failure to retry, not as a refused message", async () => {
    const wrong = new TelegramMessenger(async () => "999:wrong");
    expect(await wrong.send(message)).toMatchObject({
      kind: "failed",
      description: expect.stringContaining("401"),
    });
  });

  it("reports an unreachable server and an unreadable token as failures", async () => {
    const unreachable = new TelegramMessenger(async () => fake.token);
    vi.stubEnv("TELEGRAM_API_ROOT", "http://127.0.0.1:9");
    expect((await unreachable.send(message)).kind).toBe("failed");
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    const noToken = new TelegramMessenger(async () => {
      throw new Error("SSM parameter /x is empty or missing");
    });
    expect(await noToken.send(message)).toEqual({
      kind: "failed",
      description: "SSM parameter /x is empty or missing",
    });
  });

  it("treats anything that is not a Bot API error as a failure", () => {
    expect(classifyBotApiError(new TypeError("fetch failed"))).toEqual({
      kind: "failed",
      description: "fetch failed",
    });
  });
});

describe.skipIf(!hasShared("reference", "telegram") || !hasShared("data", "telegram"))(
  `recorded Bot API errors (${sharedMissing("reference", "telegram")} when skipped)`,
  () => {
    const recorded = (folder: string, file: string) =>
      readSharedJson<{ error_code: number; description: string }>(folder, "telegram", file);

    it.each([
      ["reference", "error-429-retry-after.json", { kind: "rate-limited", retryAfterSeconds: 2282 }],
      ["data", "error-429-in-description-only.json", { kind: "rate-limited", retryAfterSeconds: 3 }],
      ["reference", "error-403-blocked.json", { kind: "undeliverable" }],
      ["reference", "error-400-cant-parse-entities.json", { kind: "unparseable" }],
    ])("maps %s/%s", async (folder, file, expected) => {
      const body = recorded(folder, file);
      fake.on("sendMessage", botApiError(body));
      expect(await messenger.send(message)).toEqual({ ...expected, description: body.description });
    });
  },
);

import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { registerTelegramCommand, setUpWebhook } from "../../bin/commands/telegram";
import { telegramApi } from "../../functions/adapters/telegram-api";
import { BOT_COMMANDS } from "../../functions/core/bot/commands";
import { webhookSecretFromToken } from "../../functions/core/bot/webhook-secret";
import { type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";

let fake: FakeBotApi;
beforeAll(async () => {
  fake = await startFakeBotApi();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.calls.length = 0;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("telegram webhook setup", () => {
  it("sets the webhook with the secret token and the update kinds, then the command menu", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    await setUpWebhook(telegramApi(fake.token), {
      url: "https://abc.lambda-url.us-east-1.on.aws/",
      secret: "s3cret_-",
    });
    expect(fake.calls.map((c) => c.method)).toEqual([
      "setWebhook",
      "setMyCommands",
      "setChatMenuButton",
      "getWebhookInfo",
    ]);
    expect(fake.calls[0]?.payload).toEqual({
      url: "https://abc.lambda-url.us-east-1.on.aws/",
      secret_token: "s3cret_-",
      allowed_updates: ["message", "edited_message", "callback_query"],
      drop_pending_updates: false,
    });
    expect(fake.calls[1]?.payload).toEqual({ commands: BOT_COMMANDS.map((c) => ({ ...c })) });
    expect(fake.calls[2]?.payload).toEqual({
      menu_button: {
        type: "web_app",
        text: "Dashboard",
        web_app: { url: "https://abc.lambda-url.us-east-1.on.aws/app" },
      },
    });
  });

  it("refuses a secret Telegram would refuse, before calling anything", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    await expect(
      setUpWebhook(telegramApi(fake.token), { url: "https://x/", secret: "has space" }),
    ).rejects.toThrow("A-Z, a-z, 0-9, _ and -");
    expect(fake.calls).toEqual([]);
  });

  it("`signals telegram webhook --url --token` uses the secret the bot Lambda derives from the token", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    vi.spyOn(console, "log").mockImplementation(() => {});
    const program = new Command().exitOverride();
    registerTelegramCommand(program);
    await program.parseAsync(
      ["telegram", "webhook", "--url", "http://127.0.0.1:8787/telegram", "--token", fake.token],
      {
        from: "user",
      },
    );
    expect(fake.callsOf("setWebhook")[0]?.payload).toMatchObject({
      url: "http://127.0.0.1:8787/telegram",
      secret_token: webhookSecretFromToken(fake.token),
    });
    // Telegram opens Mini Apps from https only: a local http webhook leaves the menu button alone.
    expect(fake.callsOf("setChatMenuButton")).toEqual([]);
  });

  it("`--delete` removes the webhook so the bot can be polled", async () => {
    vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
    vi.spyOn(console, "log").mockImplementation(() => {});
    const program = new Command().exitOverride();
    registerTelegramCommand(program);
    await program.parseAsync(["telegram", "webhook", "--delete", "--token", fake.token], { from: "user" });
    expect(fake.calls.map((c) => c.method)).toEqual(["deleteWebhook"]);
  });
});

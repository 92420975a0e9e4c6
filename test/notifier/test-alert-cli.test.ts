import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { registerTestAlertCommand } from "../../bin/commands/test-alert";
import { BOT_API_ERRORS, botApiError, type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";
import { npmRun } from "../support/npm-cli";

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

/** Runs `signals test-alert` in process with these env vars; returns what it printed and any error. */
async function testAlert(env: Record<string, string>) {
  vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
  vi.stubEnv("TELEGRAM_BOT_TOKEN", "");
  vi.stubEnv("TELEGRAM_CHAT_ID", "");
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const out: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: string) => out.push(line));
  vi.spyOn(console, "error").mockImplementation((line: string) => out.push(line));
  const program = new Command().exitOverride();
  registerTestAlertCommand(program);
  const error = await program
    .parseAsync(["test-alert"], { from: "user" })
    .then(() => undefined)
    .catch((failure: Error) => failure.message);
  return { out, error };
}

describe("signals test-alert over a local Bot API", () => {
  it("sends one sample alert with its chart to each configured chat, marked as a test", async () => {
    const { out, error } = await testAlert({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_CHAT_ID: "111,222" });
    expect(error).toBeUndefined();
    const photos = fake.callsOf("sendPhoto");
    expect(photos.map((call) => call.payload.chat_id)).toEqual(["111", "222"]);
    for (const { payload, request } of photos) {
      const attachment = String(payload.photo).replace("attach://", "");
      expect(payload[attachment]).toBe("<file chart.png>");
      // A real PNG went with it (the chunk names are ASCII in the multipart body).
      expect(request.body).toContain("IHDR");
      expect(request.body).toContain("IDAT");
      expect(payload.parse_mode).toBe("HTML");
      expect(String(payload.caption)).toMatch(/^Test alert: a sample signal from synthetic prices/);
      // The alert itself follows, as the notifier words it: action, symbol, price, analyst.
      expect(String(payload.caption)).toMatch(/<b>(BUY|SELL) BTC-USD<\/b>/);
      expect(String(payload.caption)).toContain("Analyst: rules");
    }
    expect(out).toEqual([
      "Test alert sent to chat 111 by @signals_test_bot, chart included.",
      "Test alert sent to chat 222 by @signals_test_bot, chart included.",
    ]);
  });

  it("sends again once when the connection drops, as a reused socket can (seen beside a second suite)", async () => {
    fake.on("sendPhoto", { dropConnection: true }, { times: 1 });
    const { out, error } = await testAlert({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_CHAT_ID: "111,222" });
    expect(error).toBeUndefined();
    expect(fake.callsOf("sendPhoto").map((call) => call.payload.chat_id)).toEqual(["111", "111", "222"]);
    expect(out).toHaveLength(2);
  });

  it("says to set the token, then the chat, before calling Telegram", async () => {
    expect((await testAlert({ TELEGRAM_CHAT_ID: "111" })).error).toMatch(
      /^no bot token: set TELEGRAM_BOT_TOKEN/,
    );
    expect((await testAlert({ TELEGRAM_BOT_TOKEN: fake.token })).error).toBe(
      "no chat to send to: set TELEGRAM_CHAT_ID or telegram.chatIds; send /start to your bot to learn the id",
    );
    expect(fake.calls).toHaveLength(0);
  });

  it("says the bot token was refused on a 401, and sends nothing", async () => {
    const { error } = await testAlert({ TELEGRAM_BOT_TOKEN: "999:wrong", TELEGRAM_CHAT_ID: "111" });
    expect(error).toMatch(/^the bot token was refused by Telegram \(401 Unauthorized\)/);
    expect(fake.callsOf("sendPhoto")).toHaveLength(0);
  });

  it("names each chat Telegram refused, and still reaches the others", async () => {
    fake.on("sendPhoto", botApiError(BOT_API_ERRORS.chatNotFound), {
      when: (call) => call.payload.chat_id === "404",
    });
    fake.on("sendPhoto", botApiError(BOT_API_ERRORS.blocked), {
      when: (call) => call.payload.chat_id === "403",
    });
    const { out, error } = await testAlert({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_CHAT_ID: "404,111,403",
    });
    expect(out).toEqual([
      "chat 404: Bad Request: chat not found: send /start to @signals_test_bot from that chat, and check the id",
      "Test alert sent to chat 111 by @signals_test_bot, chart included.",
      "chat 403: Forbidden: bot was blocked by the user: send /start to @signals_test_bot from that chat, and check the id",
    ]);
    expect(error).toBe("the test alert reached 1 of 3 chats");
  });
});

describe("npm run signals -- test-alert", () => {
  it("is a command of the CLI, with a one-line error and exit 1 when no token is set", async () => {
    const result = await npmRun(["signals", "--", "test-alert"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      "error: no bot token: set TELEGRAM_BOT_TOKEN (from @BotFather), or pass --aws to use the deployed one",
    );
    // The suite's one true npm process for a failing command (the others run in process): the code
    // main() returns is the exit npm reports. Tens of seconds on a busy machine.
  }, 120_000);
});

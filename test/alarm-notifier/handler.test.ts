import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createAlarmNotifierHandler } from "../../functions/alarm-notifier/handler";
import { alarmNotifierDepsFromEnv } from "../../functions/alarm-notifier/wiring";
import { ALARMS, alarmDescription } from "../../functions/core/alarms";
import { parseConfig } from "../../functions/core/config";
import { alarmSnsEvent } from "../support/alarm-event";
import { BOT_API_ERRORS, botApiError, type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";

const CHAT_A = "1111111";
const CHAT_B = "2222222";
const config = parseConfig({ telegram: { chatIds: [CHAT_A, CHAT_B] } });
let fake: FakeBotApi;

beforeAll(async () => {
  fake = await startFakeBotApi();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.calls.length = 0;
  vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
  vi.stubEnv("TELEGRAM_BOT_TOKEN", fake.token);
});
afterEach(() => vi.unstubAllEnvs());

/** The alarm notifier as deployed: grammY against the Bot API at TELEGRAM_API_ROOT. */
const handler = () => createAlarmNotifierHandler(alarmNotifierDepsFromEnv(config));
const sent = () =>
  fake.callsOf("sendMessage").map((c) => ({ chat: String(c.payload.chat_id), text: String(c.payload.text) }));

describe("alarm notifier over the Bot API", () => {
  it("posts an ALARM to every chat in plain words, with what to check", async () => {
    await handler()(
      alarmSnsEvent({
        alarmName: "SignalPipeline-analysisDlq",
        newState: "ALARM",
        oldState: "OK",
        description: alarmDescription("analysisDlq"),
      }),
    );
    const messages = sent();
    expect(messages.map((m) => m.chat)).toEqual([CHAT_A, CHAT_B]);
    const text = messages[0]?.text ?? "";
    expect(text).toContain(ALARMS.analysisDlq.title);
    expect(text).toContain(ALARMS.analysisDlq.meaning);
    expect(text).toContain("What to check: Run `npm run signals -- dlq list --queue analysis --aws`");
    expect(text).toContain("2024-03-05T14:05:12 UTC");
    expect(fake.callsOf("sendMessage")[0]?.payload.parse_mode).toBe("HTML");
  });

  it("posts the return to OK as resolved, and stays quiet about INSUFFICIENT_DATA and a first OK", async () => {
    await handler()(
      alarmSnsEvent({ alarmName: "SignalPipeline-noTicks", newState: "OK", oldState: "ALARM" }),
    );
    expect(sent().map((m) => m.text.split("\n")[0])).toEqual([
      `✅ <b>Resolved: ${ALARMS.noTicks.title}</b>`,
      `✅ <b>Resolved: ${ALARMS.noTicks.title}</b>`,
    ]);
    fake.calls.length = 0;
    await handler()(
      alarmSnsEvent({ alarmName: "SignalPipeline-noTicks", newState: "INSUFFICIENT_DATA", oldState: "OK" }),
    );
    await handler()(
      alarmSnsEvent({ alarmName: "SignalPipeline-noTicks", newState: "OK", oldState: "INSUFFICIENT_DATA" }),
    );
    expect(sent()).toEqual([]);
  });

  it("falls back to the alarm's own description for an alarm it does not know", async () => {
    await handler()(
      alarmSnsEvent({
        alarmName: "my-own-alarm",
        newState: "ALARM",
        oldState: "OK",
        description: "Disk <full>",
      }),
    );
    expect(sent()[0]?.text).toContain("Disk &lt;full&gt;");
  });

  it("fails the invocation for a rate-limited chat, so Lambda retries, but not for a blocked one", async () => {
    fake.on("sendMessage", botApiError(BOT_API_ERRORS.blocked), {
      times: 1,
      when: (c) => String(c.payload.chat_id) === CHAT_A,
    });
    const event = alarmSnsEvent({
      alarmName: "SignalPipeline-analystErrors",
      newState: "ALARM",
      oldState: "OK",
    });
    await expect(handler()(event)).resolves.toBeUndefined();
    expect(sent().map((m) => m.chat)).toEqual([CHAT_A, CHAT_B]);

    fake.on("sendMessage", botApiError(BOT_API_ERRORS.retryAfter), {
      times: 1,
      when: (c) => String(c.payload.chat_id) === CHAT_B,
    });
    await expect(handler()(event)).rejects.toThrow(`alarm not delivered to ${CHAT_B}; retrying`);
  });

  it("drops a message that is not an alarm state change without failing", async () => {
    const event = alarmSnsEvent({ alarmName: "x", newState: "ALARM", oldState: "OK" });
    const record = event.Records[0];
    if (record) record.Sns.Message = JSON.stringify({ AlarmName: "x", NewStateValue: "BROKEN" });
    await expect(handler()(event)).resolves.toBeUndefined();
    expect(sent()).toEqual([]);
  });
});

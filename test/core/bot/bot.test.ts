import { describe, expect, it } from "vitest";
import {
  type BotContext,
  type BotReplier,
  handleUpdate,
  type PipelineHealth,
} from "../../../functions/core/bot/bot";
import { UpdateSchema } from "../../../functions/core/bot/update";
import { parseConfig } from "../../../functions/core/config";
import type { OutgoingMessage, SendOutcome } from "../../../functions/core/notify";
import { InMemoryStore } from "../../support/in-memory-store";
import {
  ALLOWED_CHAT,
  callbackUpdate,
  editedMessageUpdate,
  GROUP_CHAT,
  messageUpdate,
  STRANGER_CHAT,
  sampleSignal,
} from "../../support/telegram-fixtures";

class RecordingReplier implements BotReplier {
  readonly sent: OutgoingMessage[] = [];
  readonly answers: { id: string; text?: string }[] = [];
  readonly script: SendOutcome[] = [];
  async send(message: OutgoingMessage) {
    this.sent.push(message);
    return this.script.shift() ?? { kind: "sent" as const };
  }
  async answerCallback(id: string, text?: string) {
    this.answers.push({ id, text });
  }
  get texts() {
    return this.sent.map((m) => m.text);
  }
}

const NOW = Date.parse("2024-03-05T15:30:00Z");
const config = parseConfig({
  watchlist: ["BTC-USD", "ETH-USD"],
  timezone: "Europe/Berlin",
  analyst: { dailyBudgetUsd: 0.5 },
  alerts: { minConfidence: 0.7, cooldownMinutes: 240, quietHours: { from: "22:00", to: "07:00" } },
});

const healthy: PipelineHealth = {
  deadLetters: [
    { queue: "analysis", depth: 0 },
    { queue: "failed ticks", depth: 0 },
    { queue: "notifier failures", depth: 0 },
  ],
  firingAlarms: [],
};

function setup(options: { allowlist?: string[]; health?: PipelineHealth } = {}) {
  const store = new InMemoryStore();
  const telegram = new RecordingReplier();
  const ctx: BotContext = {
    config,
    store,
    telegram,
    allowlist: new Set(options.allowlist ?? [String(ALLOWED_CHAT), String(GROUP_CHAT)]),
    health: async () => options.health ?? healthy,
    clock: { now: () => NOW },
  };
  const send = (update: unknown) => handleUpdate(UpdateSchema.parse(update), ctx);
  return { store, telegram, ctx, send };
}

const hourly = (hour: number, overrides = {}) =>
  sampleSignal({
    candleTime: new Date(Date.parse("2024-03-05T00:00:00Z") + hour * 3_600_000).toISOString(),
    ...overrides,
  });

describe("bot commands", () => {
  it("/start shows the chat id and how to add it to the allowlist", async () => {
    const { telegram, send } = setup();
    expect(await send(messageUpdate("/start"))).toMatchObject({
      kind: "answered",
      command: "start",
      delivery: "sent",
    });
    expect(telegram.sent[0]).toMatchObject({ chatId: String(ALLOWED_CHAT), format: "html" });
    expect(telegram.texts[0]).toContain(`<code>${ALLOWED_CHAT}</code>`);
    expect(telegram.texts[0]).toContain("on the allowlist");
  });

  it("answers /start from anyone while the allowlist is empty, so the first user learns their id", async () => {
    const { telegram, send } = setup({ allowlist: [] });
    await send(messageUpdate("/start", STRANGER_CHAT));
    expect(telegram.texts[0]).toContain(`<code>${STRANGER_CHAT}</code>`);
    expect(telegram.texts[0]).toContain('telegram: { chatIds: ["9999999"] }');
    expect(telegram.texts[0]).toContain("TELEGRAM_CHAT_ID=9999999");
    expect(await send(messageUpdate("/history BTC-USD", STRANGER_CHAT))).toMatchObject({
      reason: "stranger",
    });
    expect(telegram.sent).toHaveLength(1);
  });

  it("ignores strangers without a reply once an allowlist exists", async () => {
    const { telegram, send } = setup();
    for (const text of ["/start", "/history BTC-USD", "hello"])
      expect(await send(messageUpdate(text, STRANGER_CHAT))).toEqual({
        kind: "ignored",
        reason: "stranger",
        chatId: String(STRANGER_CHAT),
      });
    expect(await send(callbackUpdate("mute:BTC-USD:1h", STRANGER_CHAT))).toMatchObject({
      reason: "stranger",
    });
    expect(telegram.sent).toEqual([]);
    expect(telegram.answers).toEqual([]);
  });

  it("ignores edited messages: an edited /mute must not mute again", async () => {
    const { store, telegram, send } = setup();
    expect(await send(editedMessageUpdate("/mute BTC-USD 2h"))).toMatchObject({
      kind: "ignored",
      reason: "edited",
    });
    expect(store.muted.size).toBe(0);
    expect(telegram.sent).toEqual([]);
  });

  it("/help lists every command", async () => {
    const { telegram, send } = setup();
    await send(messageUpdate("/help"));
    for (const command of ["/start", "/last", "/history", "/status", "/mute", "/unmute", "/watchlist"])
      expect(telegram.texts[0]).toContain(command);
  });

  it("/history SYMBOL N answers with the newest N signals of the symbol", async () => {
    const { store, telegram, send } = setup();
    await store.seed(
      hourly(10, { action: "HOLD", analyst: "gate", confidence: undefined, alert: false, reasons: [] }),
      hourly(11, { action: "SELL", confidence: 0.74, reasons: ["RSI <70> & falling"] }),
      hourly(12, { action: "BUY" }),
      hourly(12, { symbol: "ETH-USD", price: 3400 }),
    );
    await send(messageUpdate("/history BTC-USD 2"));
    const text = telegram.texts[0] ?? "";
    expect(text).toContain("<b>BTC-USD 1h</b> · last 2");
    const lines = text
      .split("\n")
      .filter((l) => l.includes("<b>BUY</b>") || l.includes("<b>SELL</b>") || l.includes("HOLD"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("<b>BUY</b>");
    expect(lines[0]).toContain("close Tue 5 Mar 14:00 CET"); // 12:00 UTC candle closes 13:00 UTC
    expect(lines[1]).toContain("<b>SELL</b>");
    expect(text).toContain("RSI &lt;70&gt; &amp; falling");
    expect(text).not.toContain("3,400");
  });

  it("/history SYMBOL 7d limits by window, and says so when nothing is stored", async () => {
    const { store, telegram, send } = setup();
    await store.seed(sampleSignal({ candleTime: "2024-02-01T00:00:00.000Z" }), hourly(1));
    await send(messageUpdate("/history btc 7d"));
    expect(telegram.texts[0]).toContain("last 7d");
    expect(telegram.texts[0]?.match(/🟢/g)).toHaveLength(1);
    await send(messageUpdate("/history ETH-USD"));
    expect(telegram.texts[1]).toBe("No signals stored for <b>ETH-USD</b> 1h (last 10).");
  });

  it("/last N lists the latest alerts across symbols", async () => {
    const { store, telegram, send } = setup();
    await store.seed(
      hourly(1),
      hourly(2, { symbol: "ETH-USD", action: "SELL", price: 3400 }),
      hourly(3, { alert: false, action: "HOLD" }),
    );
    await send(messageUpdate("/last 5"));
    const text = telegram.texts[0] ?? "";
    expect(text.indexOf("ETH-USD")).toBeLessThan(text.indexOf("BTC-USD"));
    expect(text).not.toContain("HOLD");
  });

  it("/last and /history label the time as the candle's close, and show the year of a close from another year", async () => {
    const { store, telegram, ctx, send } = setup();
    // A 2016 replay read in 2026: the bot's clock follows the replay, the reader's is the wall clock.
    ctx.clock = { now: () => Date.parse("2016-03-29T00:00:00Z") };
    ctx.readerClock = { now: () => Date.parse("2026-12-02T12:00:00Z") };
    await store.seed(sampleSignal({ candleTime: "2016-03-28T10:00:00.000Z" }));
    await send(messageUpdate("/last"));
    await send(messageUpdate("/history BTC-USD"));
    for (const text of telegram.texts) expect(text).toContain("close Mon 28 Mar 2016 13:00 CEST");
  });

  it("/status shows the last tick per watched symbol, each DLQ's depth, the alarms and today's LLM spend against the budget", async () => {
    const { store, telegram, send } = setup({
      health: {
        deadLetters: [
          { queue: "analysis", depth: 3 },
          { queue: "failed ticks", depth: 1 },
          { queue: "notifier failures", depth: 0 },
        ],
        firingAlarms: ["noTicks", "analysisDlq"],
      },
    });
    await store.seed(hourly(14, { action: "HOLD", analyst: "gate", confidence: undefined, alert: false }));
    // Four calls billed $0.0123 in all, reserved and settled as the analyst does.
    for (const usd of [0.0123, 0, 0, 0]) expect(await store.reserve("2024-03-05", usd, 0.5)).toBe(true);
    await store.settle("2024-03-05", 0, { prompt: 3000, completion: 400 });
    await send(messageUpdate("/status"));
    const text = telegram.texts[0] ?? "";
    expect(text).toContain("BTC-USD: last close Tue 5 Mar 16:00 CET · HOLD (indicator gate)");
    expect(text).toContain("ETH-USD: no signal stored yet");
    expect(text).toContain("Analysis DLQ: 3 messages ⚠️");
    expect(text).toContain("Failed ticks DLQ: 1 message ⚠️");
    expect(text).toContain("Notifier failures DLQ: 0 messages");
    expect(text).toContain("🚨 In ALARM: noTicks, analysisDlq");
    expect(text).toContain("LLM spend today (2024-03-05): $0.0123 of $0.5000 (2%) · 4 calls");
  });

  it("/status says a DLQ depth is unknown when the queue cannot be read, and that no alarm fires", async () => {
    const { telegram, send } = setup({ health: { deadLetters: [{ queue: "analysis" }], firingAlarms: [] } });
    await send(messageUpdate("/status"));
    expect(telegram.texts[0]).toContain("Analysis DLQ: unknown");
    expect(telegram.texts[0]).toContain("Alarms: none firing");
  });

  it("/mute, /watchlist and /unmute change and show the symbol's mute", async () => {
    const { store, telegram, send } = setup();
    await send(messageUpdate("/mute BTC-USD 2h"));
    expect(store.muted.get("BTC-USD")).toBe(NOW + 2 * 3_600_000);
    expect(telegram.texts[0]).toContain("BTC-USD muted until Tue 5 Mar 18:30 CET");
    await send(messageUpdate("/watchlist"));
    expect(telegram.texts[1]).toContain("• BTC-USD 🔕 until Tue 5 Mar 18:30 CET");
    expect(telegram.texts[1]).toContain("• ETH-USD");
    expect(telegram.texts[1]).toContain("quiet hours 22:00–07:00 (Europe/Berlin)");
    await send(messageUpdate("/unmute BTC-USD"));
    expect(store.muted.has("BTC-USD")).toBe(false);
    expect(telegram.texts[2]).toContain("resumed");
  });

  it("explains a wrong command, and says which commands exist", async () => {
    const { telegram, send } = setup();
    await send(messageUpdate("/mute BTC-USD forever"));
    await send(messageUpdate("/buy"));
    expect(telegram.texts[0]).toContain("⚠️ /mute SYMBOL DURATION");
    expect(telegram.texts[1]).toContain("Unknown command /buy");
  });

  it("answers plain text with help in a private chat, and stays quiet in groups", async () => {
    const { telegram, send } = setup();
    await send(messageUpdate("what's up?"));
    expect(telegram.texts[0]).toContain("<b>Commands</b>");
    expect(await send(messageUpdate("nice call", GROUP_CHAT, { group: true }))).toMatchObject({
      reason: "not-a-command",
    });
    await send(messageUpdate("/last", GROUP_CHAT, { group: true }));
    expect(telegram.sent.at(-1)?.chatId).toBe(String(GROUP_CHAT));
  });

  it("apologises, and reports the error, when the store fails", async () => {
    const { store, telegram, send } = setup();
    store.history = async () => {
      throw new Error("ProvisionedThroughputExceededException");
    };
    const outcome = await send(messageUpdate("/history BTC-USD"));
    expect(outcome).toMatchObject({ kind: "answered", error: "ProvisionedThroughputExceededException" });
    expect(telegram.texts[0]).toContain("failed on our side");
  });

  it("resends a reply as plain text when Telegram cannot parse it", async () => {
    const { telegram, send } = setup();
    telegram.script.push({ kind: "unparseable", description: "Bad Request: can't parse entities" });
    expect(await send(messageUpdate("/help"))).toMatchObject({ delivery: "sent" });
    expect(telegram.sent.map((m) => m.format)).toEqual(["html", "plain"]);
  });
});

describe("inline buttons", () => {
  it("Mute 1h / Mute 24h mute the symbol and answer the button", async () => {
    const { store, telegram, send } = setup();
    expect(await send(callbackUpdate("mute:BTC-USD:24h"))).toMatchObject({
      kind: "answered",
      command: "button:mute",
      delivery: "toast",
    });
    expect(store.muted.get("BTC-USD")).toBe(NOW + 24 * 3_600_000);
    expect(telegram.answers).toEqual([
      { id: "4382bfdwdsb323b2d9", text: "BTC-USD muted until Wed 6 Mar 16:30 CET" },
    ]);
  });

  it("History answers the button and sends the symbol's history", async () => {
    const { store, telegram, send } = setup();
    await store.seed(hourly(3));
    await send(callbackUpdate("history:BTC-USD"));
    expect(telegram.answers).toEqual([{ id: "4382bfdwdsb323b2d9", text: undefined }]);
    expect(telegram.texts[0]).toContain("<b>BTC-USD 1h</b> · last 10");
  });

  it("answers a button it does not know, so the spinner stops", async () => {
    const { telegram, send } = setup();
    expect(await send(callbackUpdate("drop:tables"))).toMatchObject({
      kind: "ignored",
      reason: "unknown-button",
    });
    expect(telegram.answers[0]?.text).toContain("no longer supported");
  });

  it("refuses a forged mute button for a symbol it does not know, and stores no mute", async () => {
    const { store, send } = setup();
    for (const data of ["mute:NOPE-USD:24h", `mute:${"A".repeat(20)}:1h`, "history:DROP-TABLES"])
      expect(await send(callbackUpdate(data))).toMatchObject({ kind: "ignored", reason: "unknown-button" });
    expect(store.muted.size).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import type { Config } from "../../../functions/core/config";
import {
  type ChartRenderer,
  type Messenger,
  type NotifyDeps,
  notifySignal,
  type OutgoingMessage,
  type SendOutcome,
} from "../../../functions/core/notify";
import type { Signal } from "../../../functions/core/signal";
import { InMemoryStore } from "../../support/in-memory-store";
import { sampleSignal } from "../../support/telegram-fixtures";

/** Answers each chat from its script, then "sent"; records every attempt. */
class ScriptedMessenger implements Messenger {
  readonly attempts: OutgoingMessage[] = [];
  private readonly scripts = new Map<string, SendOutcome[]>();
  script(chatId: string, ...outcomes: SendOutcome[]) {
    this.scripts.set(chatId, outcomes);
  }
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    this.attempts.push(message);
    return this.scripts.get(message.chatId)?.shift() ?? { kind: "sent" };
  }
  deliveredTo(chatId: string) {
    return this.attempts.filter((m) => m.chatId === chatId);
  }
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

function setup(options: { chartRenderer?: ChartRenderer } = {}) {
  const store = new InMemoryStore();
  const messenger = new ScriptedMessenger();
  const waits: number[] = [];
  const deps: NotifyDeps = {
    config: { timezone: "Europe/Berlin" } as Config,
    deliveries: store,
    messenger,
    chartRenderer: options.chartRenderer,
    clock: { now: () => Date.parse("2024-03-05T14:00:09Z") },
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
  /** The alert as the analyst stored it: the notifier only ever sees stored signals (the table is the outbox). */
  const stored = async (overrides: Partial<Signal> = {}) => {
    const signal = sampleSignal(overrides);
    await store.seed(signal);
    return signal;
  };
  return { store, messenger, waits, deps, stored };
}

const retryAfter = (seconds: number): SendOutcome => ({
  kind: "rate-limited",
  retryAfterSeconds: seconds,
  description: `Too Many Requests: retry after ${seconds}`,
});

describe("notifySignal", () => {
  it("sends the alert with its keyboard to every chat, records each delivery, and sets notifiedAt once", async () => {
    const { store, messenger, deps, stored } = setup();
    const signal = await stored();
    const result = await notifySignal(signal, ["1", "2", "2"], deps, { remainingMs: 30_000 });
    expect(result).toMatchObject({ status: "notified", sentTo: ["1", "2"], chart: "none" });
    expect(messenger.attempts).toHaveLength(2);
    const [first] = messenger.attempts;
    expect(first).toMatchObject({ chatId: "1", format: "html", silent: false });
    expect(first?.text).toContain("<b>BUY BTC-USD</b>");
    expect(first?.keyboard?.[0]?.map((b) => b.text)).toEqual(["Mute 1h", "Mute 24h", "History"]);
    expect(await store.deliveredTo(signal)).toEqual(new Set(["1", "2"]));
    expect(store.notified(signal)).toBe("2024-03-05T14:00:09.000Z");
  });

  it("adds the Dashboard button for private chats when the dashboard's URL is known", async () => {
    const { messenger, deps, stored } = setup();
    const url = "https://abc.lambda-url.eu-west-1.on.aws/app";
    await notifySignal(await stored(), ["1", "-1002"], { ...deps, dashboardUrl: url }, { remainingMs: 0 });
    const [person, group] = messenger.attempts;
    expect(person?.keyboard?.[1]).toEqual([{ text: "📊 Dashboard", webAppUrl: url }]);
    expect(group?.keyboard).toHaveLength(1);
  });

  it("sends silently when the policy flagged quiet hours", async () => {
    const { messenger, deps, stored } = setup();
    await notifySignal(await stored({ silent: true }), ["1"], deps, { remainingMs: 0 });
    expect(messenger.attempts[0]?.silent).toBe(true);
  });

  it("never sends twice: a retried record skips chats already reached, then finds nothing left", async () => {
    const { store, messenger, deps, stored } = setup();
    const signal = await stored();
    await store.markDelivered(signal, "1");
    const retried = await notifySignal(signal, ["1", "2"], deps, { remainingMs: 0 });
    expect(retried).toMatchObject({ status: "notified", sentTo: ["2"], alreadyDeliveredTo: ["1"] });
    const again = await notifySignal(signal, ["1", "2"], deps, { remainingMs: 0 });
    expect(again).toMatchObject({ status: "already-notified", sentTo: [] });
    expect(messenger.attempts.map((m) => m.chatId)).toEqual(["2"]);
  });

  it("waits out a 429 while the budget lasts, then sends", async () => {
    const { messenger, waits, deps, stored } = setup();
    messenger.script("1", retryAfter(3), retryAfter(2));
    const budget = { remainingMs: 10_000 };
    const result = await notifySignal(await stored(), ["1"], deps, budget);
    expect(result).toMatchObject({ status: "notified", sentTo: ["1"], waitedMs: 5000 });
    expect(waits).toEqual([3000, 2000]);
    expect(budget.remainingMs).toBe(5000);
    expect(messenger.attempts).toHaveLength(3);
  });

  it("fails the record when the 429 asks for longer than the budget, keeping what was delivered", async () => {
    const { store, messenger, waits, deps, stored } = setup();
    const signal = await stored();
    messenger.script("2", retryAfter(2282));
    const result = await notifySignal(signal, ["1", "2", "3"], deps, { remainingMs: 45_000 });
    expect(result.status).toBe("retry");
    expect(result.retryReason).toContain("retry after 2282");
    expect(waits).toEqual([]);
    expect(await store.deliveredTo(signal)).toEqual(new Set(["1"]));
    expect(store.notified(signal)).toBeUndefined();

    // The stream retries the record later: chat 1 is not sent to again.
    const retried = await notifySignal(signal, ["1", "2", "3"], deps, { remainingMs: 45_000 });
    expect(retried).toMatchObject({ status: "notified", sentTo: ["2", "3"] });
    expect(messenger.deliveredTo("1")).toHaveLength(1);
  });

  it("marks a chat that blocked the bot undeliverable, delivers to the others, and skips it from then on", async () => {
    const { store, messenger, deps, stored } = setup();
    messenger.script("2", { kind: "undeliverable", description: "Forbidden: bot was blocked by the user" });
    const first = await notifySignal(await stored(), ["1", "2"], deps, { remainingMs: 0 });
    expect(first).toMatchObject({
      status: "notified",
      sentTo: ["1"],
      undeliverable: [{ chatId: "2", reason: "Forbidden: bot was blocked by the user" }],
    });
    expect(await store.undeliverableChats()).toEqual(
      new Map([["2", "Forbidden: bot was blocked by the user"]]),
    );

    const next = await stored({ candleTime: "2024-03-05T18:00:00.000Z", action: "SELL" });
    await notifySignal(next, ["1", "2"], deps, { remainingMs: 0 });
    expect(messenger.deliveredTo("2")).toHaveLength(1);
    expect(messenger.deliveredTo("1")).toHaveLength(2);
  });

  it("resends as plain text when Telegram cannot parse the HTML", async () => {
    const { messenger, deps, stored } = setup();
    messenger.script("1", { kind: "unparseable", description: "Bad Request: can't parse entities" });
    const result = await notifySignal(await stored({ reasons: ["a < b"] }), ["1"], deps, { remainingMs: 0 });
    expect(result).toMatchObject({ status: "notified", sentTo: ["1"], plainTextTo: ["1"] });
    const [html, plain] = messenger.attempts;
    expect(html?.format).toBe("html");
    expect(plain?.format).toBe("plain");
    expect(plain?.text).toContain("BUY BTC-USD");
    expect(plain?.text).toContain("• a < b");
    expect(plain?.text).not.toMatch(/<b>|&lt;/);
    expect(plain?.keyboard).toEqual(html?.keyboard);
  });

  it("attaches the chart as a photo with a caption that fits, and falls back to text when rendering fails", async () => {
    const rendered: string[] = [];
    const working = setup({
      chartRenderer: {
        render: async (svg) => {
          rendered.push(svg);
          return PNG;
        },
      },
    });
    const ok = await notifySignal(await working.stored(), ["1"], working.deps, { remainingMs: 0 });
    expect(ok.chart).toBe("attached");
    expect(rendered[0]).toMatch(/^<svg/);
    expect(working.messenger.attempts[0]?.photo).toBe(PNG);
    expect(working.messenger.attempts[0]?.text.length).toBeLessThanOrEqual(1024);

    const broken = setup({
      chartRenderer: {
        render: async () => {
          throw new Error("wasm missing");
        },
      },
    });
    const text = await notifySignal(await broken.stored(), ["1"], broken.deps, { remainingMs: 0 });
    expect(text).toMatchObject({ status: "notified", chart: "render-failed", chartError: "wasm missing" });
    expect(broken.messenger.attempts[0]?.photo).toBeUndefined();
  });

  it("sends text when Telegram refuses the photo", async () => {
    const { messenger, deps, stored } = setup({ chartRenderer: { render: async () => PNG } });
    messenger.script("1", { kind: "rejected", description: "Bad Request: PHOTO_INVALID_DIMENSIONS" });
    const result = await notifySignal(await stored(), ["1"], deps, { remainingMs: 0 });
    expect(result.status).toBe("notified");
    expect(messenger.attempts.map((m) => m.photo === undefined)).toEqual([false, true]);
  });

  it("fails the record on a network or server error, so the stream retries it", async () => {
    const { store, messenger, deps, stored } = setup();
    messenger.script("1", { kind: "failed", description: "500 Internal Server Error" });
    const result = await notifySignal(await stored(), ["1"], deps, { remainingMs: 0 });
    expect(result.status).toBe("retry");
    expect(store.notified(sampleSignal())).toBeUndefined();
  });

  it("reports what it cannot act on: no alert, no chat, nobody reachable", async () => {
    const { store, messenger, deps, stored } = setup();
    const alert = await stored();
    expect((await notifySignal(sampleSignal({ alert: false }), ["1"], deps, { remainingMs: 0 })).status).toBe(
      "not-an-alert",
    );
    expect((await notifySignal(alert, [], deps, { remainingMs: 0 })).status).toBe("no-recipients");
    await store.markChatUndeliverable(
      "1",
      "Forbidden: bot was kicked from the group chat",
      "2024-03-05T14:00:08.000Z",
    );
    const nobody = await notifySignal(alert, ["1"], deps, { remainingMs: 0 });
    expect(nobody.status).toBe("undeliverable");
    expect(store.notified(alert)).toBeUndefined();
    expect(messenger.attempts).toEqual([]);
  });
});

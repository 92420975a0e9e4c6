import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { botDepsFromEnv } from "../../functions/bot/wiring";
import { parseConfig } from "../../functions/core/config";
import { htmlToPlain } from "../../functions/core/message";
import type { Signal } from "../../functions/core/signal";
import { formatRate, formatReturn } from "../../functions/core/track-record/rates";
import { type BotWebhookServer, startBotWebhookServer } from "../../local/telegram-bot-server";
import { startTestTable } from "../support/emulators";
import { type FakeBotApi, startFakeBotApi } from "../support/fake-bot-api";
import { ALLOWED_CHAT, messageUpdate, sampleSignal } from "../support/telegram-fixtures";

const config = parseConfig({ watchlist: ["BTC-USD", "ETH-USD"], timezone: "UTC" });
const NOW = Date.parse("2024-03-05T15:00:00Z");
const HOUR = 3_600_000;
const at = (hoursBefore: number) => new Date(NOW - hoursBefore * HOUR).toISOString();

/** 32 hourly LLM BUYs on BTC-USD, newest first (n = 1 is the latest): a sawtooth path. */
const BUYS = 32;
const price = (n: number) => 50_000 + (n % 4) * 400 - n * 50;
const buy = (n: number): Signal =>
  sampleSignal({
    candleTime: at(n),
    price: price(n),
    promptVersion: "<v2>",
    outcomes: Object.fromEntries(
      [1, 4, 24]
        .filter((h) => n - h >= 1)
        .map((h) => [String(h), { price: price(n - h), return: price(n - h) / price(n) - 1 }]),
    ),
  });
const gateHold = (symbol: string, hoursBefore: number, value: number) =>
  sampleSignal({
    symbol,
    candleTime: at(hoursBefore),
    price: value,
    action: "HOLD",
    analyst: "gate",
    model: undefined,
    promptVersion: undefined,
    confidence: undefined,
    reasons: [],
    alert: false,
  });

let table: Awaited<ReturnType<typeof startTestTable>>;
let fake: FakeBotApi;
let server: BotWebhookServer;

beforeAll(async () => {
  [table, fake] = await Promise.all([startTestTable(), startFakeBotApi()]);
  for (let n = 1; n <= BUYS; n++) await table.store.putSignal(buy(n));
  await table.store.putSignal(
    sampleSignal({
      candleTime: at(40),
      price: 48_000,
      action: "ABSTAIN",
      confidence: undefined,
      reasons: ["budget"],
      promptVersion: "<v2>",
    }),
  );
  await table.store.putSignal(gateHold("ETH-USD", 48, 3000));
  await table.store.putSignal(gateHold("ETH-USD", 2, 2900));
  // Older than the default 30 days: outside the window.
  await table.store.putSignal(gateHold("BTC-USD", 31 * 24, 10));
});
afterAll(() => Promise.all([table.close(), fake.close()]));
beforeEach(async () => {
  fake.calls.length = 0;
  vi.stubEnv("TELEGRAM_API_ROOT", fake.apiRoot);
  vi.stubEnv("TELEGRAM_BOT_TOKEN", fake.token);
  vi.stubEnv("TELEGRAM_CHAT_ID", String(ALLOWED_CHAT));
  vi.stubEnv("TELEGRAM_WEBHOOK_SECRET", "stats-secret");
  server = await startBotWebhookServer({
    deps: botDepsFromEnv(config, { store: table.store, clock: { now: () => NOW } }),
    port: 0,
  });
});
afterEach(async () => {
  await server.stop();
  vi.unstubAllEnvs();
});

/** Telegram posts the update to the webhook; the reply goes out through the (fake) Bot API. */
async function ask(text: string): Promise<string> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": server.secret },
    body: JSON.stringify(messageUpdate(text)),
  });
  expect(response.status).toBe(200);
  const [call] = fake.callsOf("sendMessage");
  expect(call?.payload).toMatchObject({ chat_id: String(ALLOWED_CHAT), parse_mode: "HTML" });
  return String(call?.payload.text);
}

/** Hits at horizon h, counted here from the price path. */
const hitsAt = (h: number) =>
  Array.from({ length: BUYS }, (_, i) => i + 1)
    .filter((n) => n - h >= 1)
    .filter((n) => price(n - h) > price(n)).length;

describe("/stats over the fake Bot API", () => {
  it("answers with the track record of every watchlist symbol, sized for a phone", async () => {
    const text = await ask("/stats");
    const lines = htmlToPlain(text).split("\n");
    expect(lines).toContain("BTC-USD, ETH-USD · 1h · last 30d");
    expect(text).toContain("<b>gpt-4o-mini (prompt &lt;v2&gt;)</b>");
    expect(lines).toContain("🟢 BUY ×32");
    expect(lines).toContain(`  @1 ${formatRate(hitsAt(1), 31)}`);
    expect(hitsAt(1)).toBeGreaterThan(0);
    expect(lines).toContain(`  @4 too few to judge (n=${BUYS - 4})`);
    expect(lines).toContain("⚠️ ABSTAIN ×1: budget 1");
    // From the earliest signal in the window (the ABSTAIN) to the latest.
    const btcHold = price(1) / 48_000 - 1;
    const ethHold = 2900 / 3000 - 1;
    expect(lines).toContain(`Buy & hold ${formatReturn((btcHold + ethHold) / 2)}`);
    expect(lines).toContain("  equal-weight mean of 2 symbols");
    expect(lines).toContain("2 gate HOLDs, not scored.");
    // Short lines for a phone; only the closing note may wrap.
    for (const line of lines.slice(0, -1)) expect(line.length).toBeLessThanOrEqual(40);
  });

  it("narrows to one symbol and a window", async () => {
    const text = htmlToPlain(await ask("/stats eth 7d"));
    expect(text).toContain("ETH-USD · 1h · last 7d");
    expect(text).toContain("No analyst verdicts in this window.");
    expect(text).toContain(`Buy & hold ${formatReturn(2900 / 3000 - 1)}\n  ETH-USD`);
  });

  it("explains a wrong use in one line", async () => {
    expect(await ask("/stats NOPE-XYZ")).toMatch(
      /^⚠️ unknown symbol &quot;NOPE-XYZ&quot;; .*\. Use \/stats \[SYMBOL\] \[30d\]$/,
    );
  });
});

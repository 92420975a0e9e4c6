import { describe, expect, it } from "vitest";
import {
  alertKeyboard,
  dashboardButtonUrl,
  type InlineButton,
  parseCallbackData,
} from "../../../functions/core/bot/callbacks";
import {
  alertMessage,
  escapeHtml,
  fitLines,
  formatPrice,
  htmlToPlain,
  mainIndicators,
  TELEGRAM_CAPTION_LIMIT,
  TELEGRAM_TEXT_LIMIT,
} from "../../../functions/core/message";
import { sampleSignal } from "../../support/telegram-fixtures";

/** The readers' present in these tests: the sample signal's own year. */
const NOW_2024 = Date.parse("2024-06-01T00:00:00Z");

const tagsBalanced = (html: string) =>
  ["b", "i", "code"].every((tag) => html.split(`<${tag}>`).length === html.split(`</${tag}>`).length);

describe("alert message", () => {
  it("shows symbol, action, confidence, price, the main reasons, indicators, analyst and local time", () => {
    const html = alertMessage(sampleSignal(), { timezone: "Europe/Berlin", now: NOW_2024 });
    expect(html).toContain("<b>BUY BTC-USD</b>");
    expect(html).toContain("confidence 82%");
    expect(html).toContain("Price <b>63,412.50</b>");
    // The 13:00 UTC candle of 1h closes at 14:00 UTC = 15:00 in Berlin (CET).
    expect(html).toContain("1h candle · close Tue 5 Mar 15:00 CET");
    expect(html).toContain("• RSI(14) back above 30 after an oversold dip");
    expect(html).toContain("• Volume 2.1σ above average");
    expect(html).toMatch(/<i>rsi14 31\.2 · macdHistogram 12\.37 · bbPercentB 0\.04 · volumeZ 2\.1<\/i>/);
    expect(html).toContain("Analyst: gpt-4o-mini (prompt v1)");
  });

  it("names the rules analyst when no model made the call, and shows times in the configured zone", () => {
    const html = alertMessage(
      sampleSignal({
        analyst: "rules",
        model: undefined,
        promptVersion: undefined,
        candleTime: "2024-07-01T12:00:00.000Z",
      }),
      { timezone: "America/New_York", now: NOW_2024 },
    );
    expect(html).toContain("Analyst: rules analyst");
    expect(html).toContain("Mon 1 Jul 09:00"); // 13:00 UTC close, EDT
  });

  it("dates a close from another year with its year, in the configured zone", () => {
    // A 2016 replay read in 2026: the 10:00 UTC candle of 1h closes at 11:00 UTC, 13:00 in Berlin (CEST).
    const replayed = sampleSignal({ candleTime: "2016-03-28T10:00:00.000Z" });
    const html = alertMessage(replayed, {
      timezone: "Europe/Berlin",
      now: Date.parse("2026-12-02T12:00:00Z"),
    });
    expect(html).toContain("1h candle · close Mon 28 Mar 2016 13:00 CEST");
  });

  it("says what the verdict's horizon means: how long the call is meant to hold", () => {
    const html = alertMessage(sampleSignal({ horizon: "days" }), { timezone: "UTC", now: NOW_2024 });
    expect(html).toContain("Analyst: gpt-4o-mini (prompt v1) · meant to hold for days");
    expect(html).not.toContain("horizon days");
  });

  it("escapes everything that comes from the analysis", () => {
    const html = alertMessage(
      sampleSignal({ reasons: ["price <ma50> & falling", 'said "sell"'], model: "gpt<x>" }),
      { timezone: "UTC", now: NOW_2024 },
    );
    expect(html).toContain("price &lt;ma50&gt; &amp; falling");
    expect(html).toContain("said &quot;sell&quot;");
    expect(html).toContain("gpt&lt;x&gt;");
    expect(html).not.toContain("<ma50>");
    expect(htmlToPlain(html)).toContain("price <ma50> & falling");
  });

  it("keeps only the three main reasons", () => {
    const html = alertMessage(sampleSignal({ reasons: ["one", "two", "three", "four", "five"] }), {
      timezone: "UTC",
      now: NOW_2024,
    });
    expect(html).toContain("• three");
    expect(html).not.toContain("• four");
  });

  it("always fits Telegram's limits, however long the analysis is", () => {
    const huge = sampleSignal({
      reasons: Array.from({ length: 12 }, (_, i) => `${i} ${"<&>".repeat(3000)}`),
      model: "m".repeat(5000),
      horizon: "h".repeat(5000),
      indicators: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`${"x".repeat(300)}${i}`, i])),
    });
    const text = alertMessage(huge, { timezone: "UTC", now: NOW_2024, limit: TELEGRAM_TEXT_LIMIT });
    const caption = alertMessage(huge, { timezone: "UTC", now: NOW_2024, limit: TELEGRAM_CAPTION_LIMIT });
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(caption.length).toBeLessThanOrEqual(1024);
    for (const html of [text, caption]) {
      expect(html).toContain("BUY BTC-USD");
      expect(html).toContain("63,412.50");
      expect(tagsBalanced(html)).toBe(true);
      expect(html).not.toMatch(/&[a-z]*…/); // no entity cut in half
    }
  });

  it("formats prices for their size", () => {
    expect(formatPrice(63412.5)).toBe("63,412.50");
    expect(formatPrice(2.34567)).toBe("2.3457");
    expect(formatPrice(0.000123456789)).toBe("0.000123457");
  });

  it("turns its HTML back into the same plain text for the fallback", () => {
    expect(htmlToPlain(`<b>${escapeHtml('a < b & "c" &lt;')}</b>`)).toBe('a < b & "c" &lt;');
  });
});

const callbackOf = (button: InlineButton): string => ("callbackData" in button ? button.callbackData : "");

describe("inline keyboard", () => {
  it("offers Mute 1h, Mute 24h and History, with callback data Telegram accepts and the bot reads back", () => {
    const [row = []] = alertKeyboard("ETH-USD");
    expect(row.map((b) => b.text)).toEqual(["Mute 1h", "Mute 24h", "History"]);
    for (const button of row) expect(Buffer.byteLength(callbackOf(button))).toBeLessThanOrEqual(64);
    expect(row.map((b) => parseCallbackData(callbackOf(b)))).toEqual([
      { kind: "mute", symbol: "ETH-USD", duration: "1h" },
      { kind: "mute", symbol: "ETH-USD", duration: "24h" },
      { kind: "history", symbol: "ETH-USD" },
    ]);
  });

  it("adds a Dashboard web_app button below, only with an https URL and only for a private chat", () => {
    const url = "https://abc.lambda-url.eu-west-1.on.aws/app";
    expect(alertKeyboard("ETH-USD", url)[1]).toEqual([{ text: "📊 Dashboard", webAppUrl: url }]);
    expect(alertKeyboard("ETH-USD")).toHaveLength(1);
    expect(dashboardButtonUrl(url, "1111111")).toBe(url);
    // Telegram refuses web_app buttons in groups, and http URLs (the local runtime's) anywhere.
    expect(dashboardButtonUrl(url, "-1001234567890")).toBeUndefined();
    expect(dashboardButtonUrl("http://127.0.0.1:8787/app", "1111111")).toBeUndefined();
    expect(dashboardButtonUrl(undefined, "1111111")).toBeUndefined();
  });

  it("ignores callback data it did not make", () => {
    for (const data of [
      undefined,
      "",
      "mute:BTC-USD:5y",
      "history",
      "drop:BTC-USD",
      "mute:btc usd:1h",
      "history:BTC-USD:1h",
    ])
      expect(parseCallbackData(data)).toBeUndefined();
  });
});

describe("fitLines", () => {
  it("keeps whole lines under the limit and says how many were left out", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${"x".repeat(90)}`);
    const text = fitLines(lines, 1000);
    expect(text.length).toBeLessThanOrEqual(1000);
    const kept = text.split("\n");
    expect(kept.at(-1)).toMatch(/^… \d+ more$/);
    expect(kept.length - 1 + Number(/(\d+) more/.exec(text)?.[1])).toBe(100);
  });
});

describe("mainIndicators", () => {
  it("takes one indicator of each kind before a second of any, and never the close", () => {
    const picked = mainIndicators(
      {
        close: 100,
        macd: -185.2,
        macdSignal: -25.3,
        macdHist: -159.9,
        rsi: 34.6,
        bbPercentB: null,
        atr: 80,
        atrPct: 1.2,
      },
      4,
    );
    expect(picked).toEqual([
      ["rsi", 34.6],
      ["macdHist", -159.9],
      ["atrPct", 1.2],
      ["atr", 80],
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { TELEGRAM_TEXT_LIMIT } from "../../../functions/core/message";
import { computeStats } from "../../../functions/core/track-record/stats";
import { statsPhone } from "../../../functions/core/track-record/stats-phone";
import { scopeLine, statsTable } from "../../../functions/core/track-record/stats-table";
import { sampleSignal } from "../../support/telegram-fixtures";

const scope = { symbols: ["BTC-USD"], timeframe: "1h", window: "30d" };
const empty = computeStats([], { horizons: [1] });

describe("the stats renderers", () => {
  it("say plainly when there is nothing to judge", () => {
    expect(statsTable(empty, scope)).toMatch(
      /^Track record · BTC-USD · 1h · last 30d · no signals\n\nNo analyst verdicts/,
    );
    expect(statsPhone(empty, scope)).toBe(
      "📊 <b>Track record</b>\nBTC-USD · 1h · last 30d\nNo signals stored in this window.",
    );
  });

  it("name up to four symbols, and count more", () => {
    expect(scopeLine({ ...scope, symbols: ["A", "B", "C", "D"] })).toBe("A, B, C, D · 1h · last 30d");
    expect(scopeLine({ ...scope, symbols: ["A", "B", "C", "D", "E"] })).toBe("5 symbols · 1h · last 30d");
  });

  it("escape what came from outside for Telegram's HTML", () => {
    const record = computeStats(
      [sampleSignal({ model: "m<&>", action: "ABSTAIN", confidence: undefined, reasons: ["<odd>"] })],
      { horizons: [1] },
    );
    const phone = statsPhone(record, { ...scope, symbols: ["A&B"] });
    expect(phone).toContain("<b>m&lt;&amp;&gt; (prompt v1)</b>");
    expect(phone).toContain("ABSTAIN ×1: &lt;odd&gt; 1");
    expect(phone).toContain("A&amp;B · 1h");
    expect(phone).not.toMatch(/<(?!\/?(b|i)>)/);
  });

  it("fit one Telegram message however many groups there are", () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      sampleSignal({ candleTime: new Date(Date.UTC(2024, 0, 1, i)).toISOString(), promptVersion: `v${i}` }),
    );
    const phone = statsPhone(computeStats(many, { horizons: [1, 4, 24] }), scope);
    expect(phone.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(phone).toMatch(/… \d+ more$/);
  });
});

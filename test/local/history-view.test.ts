import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  historyCsv,
  historyReport,
  readHistoryWindow,
  selectRows,
  TABLE_LIMIT,
} from "../../bin/commands/history-view";
import { startTestTable } from "../support/emulators";
import { sampleSignal } from "../support/telegram-fixtures";

/** What a new user met: 168 hourly rows, the newest 50 all gate HOLDs, and 2 alerts further back. */
const ROWS = 168;
const START = Date.parse("2026-11-23T00:00:00Z");
const NOW = START + ROWS * 3_600_000;
const ALERT_HOURS = [60, 100];
const hold = {
  action: "HOLD",
  analyst: "gate",
  confidence: undefined,
  alert: false,
  reasons: ["no trigger"],
};
const at = (hour: number) =>
  sampleSignal({
    candleTime: new Date(START + hour * 3_600_000).toISOString(),
    ...(ALERT_HOURS.includes(hour) ? { reasons: ['RSI "oversold", exit', "line\nbreak"] } : hold),
  } as Parameters<typeof sampleSignal>[0]);
const view = { timezone: "UTC", now: NOW };

let table: Awaited<ReturnType<typeof startTestTable>>;
const readAll = (since?: number) =>
  readHistoryWindow(table.store, { symbol: "BTC-USD", timeframe: "1h", since, where: "local store" });

beforeAll(async () => {
  table = await startTestTable();
  for (let n = 0; n < ROWS; n += 24)
    await Promise.all(Array.from({ length: 24 }, (_, i) => table.store.putSignal(at(n + i))));
}, 60_000);
afterAll(() => table.close());

describe("history's table", () => {
  it("says it shows 50 of 168 and counts the window's alerts, not the page's", async () => {
    const text = historyReport(await readAll(), { ...view, limit: TABLE_LIMIT });
    expect(text).toContain("showing 50 of 168 signals (--limit shows more), 2 alerts (1h) from local store");
    expect(text).not.toContain("50 signals, 0 alerts");
  });

  it("lists the window's alerts after the table when the shown rows do not include them", async () => {
    const text = historyReport(await readAll(), { ...view, limit: TABLE_LIMIT });
    const [, section] = text.split("Alerts in this window, not among the rows above (2):\n");
    const alertRows = (section ?? "").split("\n").filter((line) => / BUY /.test(line));
    // The alert of hour 100 is the candle of Fri 27 Nov 04:00 UTC, which closes at 05:00.
    expect(alertRows[0]).toMatch(/^Fri 27 Nov 05:00 UTC\s+BUY/);
    expect(alertRows).toHaveLength(2);
  });

  it("does not silently cut --since 7d to 50 rows", async () => {
    const week = await readAll(NOW - 7 * 86_400_000);
    expect(week.signals).toHaveLength(168);
    expect(historyReport(week, { ...view, limit: TABLE_LIMIT })).toContain("showing 50 of 168 signals");
  });

  it("shows only the alerts with --alerts, and says the count singular when there is one", async () => {
    const text = historyReport(await readAll(), { ...view, limit: TABLE_LIMIT, alertsOnly: true });
    expect(text.split("\n").filter((line) => / BUY /.test(line))).toHaveLength(2);
    expect(text).not.toMatch(/ HOLD /);
    expect(text).toContain("2 alerts (1h) from local store");
    const one = historyReport(await readAll(), { ...view, limit: 1, alertsOnly: true });
    expect(one).toContain("showing 1 of 2 alerts");
    const latest = historyReport(await readAll(NOW - 3_600_000), view);
    expect(latest).toContain("1 signal, 0 alerts (1h)");
  });

  it("labels its times as candle closes in the configured zone, with the year when not this one", async () => {
    const text = historyReport(await readAll(), { timezone: "Europe/Berlin", now: NOW, limit: 1 });
    // The newest candle opens 29 Nov 23:00 UTC, closes 30 Nov 00:00 UTC = 01:00 in Berlin.
    expect(text).toMatch(/^close \(Europe\/Berlin\)\s+action/);
    expect(text).toContain("Mon 30 Nov 01:00 CET");
    expect(text).toContain("Times are candle closes in Europe/Berlin");
    const nextYear = historyReport(await readAll(), {
      timezone: "UTC",
      now: Date.parse("2027-02-01T00:00:00Z"),
    });
    expect(nextYear).toContain("Mon 30 Nov 2026 00:00 UTC");
  });
});

describe("history --csv", () => {
  it("prints a header and one RFC 4180 row per signal, quoting commas, quotes and line breaks", async () => {
    const { shown } = selectRows(await readAll(), { alertsOnly: true });
    const csv = historyCsv(shown);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(
      "symbol,timeframe,candleTime,closeTime,action,confidence,price,analyst,model,promptVersion,horizon,alert,notifiedAt,provider,triggers,reasons,error,costUsd",
    );
    expect(csv).toContain(
      'BTC-USD,1h,2026-11-27T04:00:00.000Z,2026-11-27T05:00:00.000Z,BUY,0.82,63412.5,llm,gpt-4o-mini,v1,,true,,coinbase,rsi-oversold-exit,"RSI ""oversold"", exit; line\nbreak",,0.00018\r\n',
    );
    expect(csv.endsWith("\r\n")).toBe(true);
  });
});

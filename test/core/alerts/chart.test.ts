import { describe, expect, it } from "vitest";
import { ALERT_CHART_CANDLES } from "../../../functions/core/analyse";
import { alertChartSvg, CHART_SIZE, triggerText } from "../../../functions/core/chart";
import { formatTick, priceTicks, timeAxisTicks } from "../../../functions/core/chart-axes";
import { chartedSignal } from "../../support/chart-fixtures";
import { sampleSignal } from "../../support/telegram-fixtures";

const view = { timezone: "Europe/Berlin", now: Date.parse("2024-03-05T15:00:00Z") };
const HOUR = 3_600_000;

/** The elements of one class, each as its attribute map and text. */
function elements(svg: string, className: string) {
  const pattern = new RegExp(`<(\\w+) class="${className}"([^>]*?)/?>(?:([^<]*)</\\1>)?`, "g");
  return [...svg.matchAll(pattern)].map((match) => {
    const attributes = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]),
    );
    return { attributes, text: match[3] ?? "" };
  });
}
const texts = (svg: string, className: string) => elements(svg, className).map((e) => e.text);
const num = (value: string | undefined) => Number(value);

describe("the alert chart", () => {
  const signal = chartedSignal();
  const svg = alertChartSvg(signal, view) ?? "";

  it("draws every stored candle with its wick, and a volume bar under each", () => {
    expect(elements(svg, "candle")).toHaveLength(ALERT_CHART_CANDLES);
    expect(elements(svg, "wick")).toHaveLength(ALERT_CHART_CANDLES);
    expect(elements(svg, "volume")).toHaveLength(ALERT_CHART_CANDLES);
    // Left to right in time, inside the canvas.
    const xs = elements(svg, "wick").map((e) => num(e.attributes.x1));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.max(...xs)).toBeLessThan(CHART_SIZE.width);
  });

  it("has a title with the symbol, timeframe, action and price, and the close time in the zone", () => {
    expect(texts(svg, "title")).toEqual(["BTC-USD · 1h"]);
    expect(texts(svg, "action")).toEqual([
      `BUY ${new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(signal.price)}`,
    ]);
    expect(texts(svg, "subtitle")[0]).toBe("close Tue 5 Mar 15:00 CET · confidence 82%");
  });

  it("labels the price axis with round prices that cover the candles", () => {
    const labels = texts(svg, "price-label").map((t) => Number(t.replace(/,/g, "")));
    expect(labels.length).toBeGreaterThanOrEqual(3);
    const closes = (signal.chartCandles ?? []).map((c) => c[4]);
    expect(Math.min(...labels)).toBeLessThan(Math.max(...closes));
    expect(Math.max(...labels)).toBeGreaterThan(Math.min(...closes));
    expect(texts(svg, "price-tag")).toHaveLength(1);
  });

  it("labels the time axis in the configured zone", () => {
    const labels = texts(svg, "time-label");
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const label of labels) expect(label).toMatch(/^(\d{2}:\d{2}|\d{1,2} [A-Z][a-z]{2})$/);
    // The last day starts at local midnight: 23:00 UTC on 4 March in Berlin.
    const day = elements(svg, "time-label").find((e) => e.text === "5 Mar");
    const candles = signal.chartCandles ?? [];
    const midnight = candles.findIndex((c) => c[0] === Date.parse("2024-03-04T23:00:00Z"));
    const wick = elements(svg, "wick")[midnight];
    expect(num(day?.attributes.x)).toBe(num(wick?.attributes.x1));
  });

  it("draws the Bollinger bands and the gate's moving averages, with a legend", () => {
    for (const band of ["band-upper", "band-middle", "band-lower", "band-fill"])
      expect(elements(svg, band)[0]?.attributes.d, band).toMatch(/^M[\d.]+ [\d.]+L/);
    expect(elements(svg, "ma")).toHaveLength(2);
    expect(texts(svg, "legend")).toEqual(["BB 20, 2", "SMA 50", "SMA 200"]);
    const ema = alertChartSvg(chartedSignal({ triggers: ["ema-golden-cross"] }), view) ?? "";
    expect(texts(ema, "legend")).toEqual(["BB 20, 2", "EMA 50", "EMA 200"]);
  });

  describe("with an average near the candles, or far from them", () => {
    const candles = signal.chartCandles ?? [];
    const top = Math.max(...candles.map((c) => c[2]));
    const range = top - Math.min(...candles.map((c) => c[3]));
    /** The fixture's alert with one flat SMA at `price`. */
    const withAverageAt = (price: number) =>
      alertChartSvg(
        chartedSignal({
          chartOverlays: {
            movingAverages: [{ kind: "SMA", period: 200, values: candles.map(() => price) }],
          },
        }),
        view,
      ) ?? "";
    const pane = (chart: string) => {
      const rect =
        /<clipPath id="price-pane"><rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/.exec(
          chart,
        );
      return { top: Number(rect?.[1]), bottom: Number(rect?.[1]) + Number(rect?.[2]) };
    };
    const points = (chart: string, className: string) =>
      [...(elements(chart, className)[0]?.attributes.d ?? "").matchAll(/[ML]([\d.]+) ([\d.-]+)/g)].map(
        (m) => ({ x: Number(m[1]), y: Number(m[2]) }),
      );
    const wickTops = (chart: string) => elements(chart, "wick").map((e) => num(e.attributes.y1));
    const near = withAverageAt(top + range * 0.3);

    it("keeps a near one inside the pane, clear of its top; lets a far one leave it", () => {
      const ys = points(near, "ma").map((p) => p.y);
      expect(ys).toHaveLength(candles.length);
      expect(Math.min(...ys)).toBeGreaterThan(pane(near).top + 20);
      expect(Math.min(...wickTops(near))).toBeGreaterThan(Math.min(...ys));

      // Ten ranges away it would squash the candles into a strip: it leaves the pane instead.
      const far = withAverageAt(top + range * 10);
      const { top: farTop, bottom: farBottom } = pane(far);
      expect(Math.min(...points(far, "ma").map((p) => p.y))).toBeLessThan(farTop);
      expect(Math.min(...wickTops(far))).toBeLessThan(farTop + (farBottom - farTop) * 0.4);
    });

    it("puts the triggers' label where it covers no average", () => {
      // Along the bottom of the candles, through the corner the candles alone leave freest.
      const chart = withAverageAt(top - range * 0.95);
      const box = elements(chart, "trigger-box")[0]?.attributes ?? {};
      const [left, boxTop] = [num(box.x), num(box.y)];
      const [right, bottom] = [left + num(box.width), boxTop + num(box.height)];
      const covered = points(chart, "ma").filter(
        (p) => p.x >= left && p.x <= right && p.y >= boxTop && p.y <= bottom,
      );
      expect(covered).toEqual([]);
    });
  });

  it("marks the signal candle and writes the triggers that fired beside it", () => {
    const lastWick = elements(svg, "wick").at(-1);
    const marker = elements(svg, "signal-marker")[0];
    const tip = (marker?.attributes.points ?? "").split(" ")[0]?.split(",").map(Number) ?? [];
    expect(tip[0]).toBe(num(lastWick?.attributes.x1));
    expect(tip[1]).toBeGreaterThan(num(lastWick?.attributes.y2)); // a BUY's arrow under the low
    expect(marker?.attributes.fill).toBe("#16a34a");
    expect(elements(svg, "signal-column")).toHaveLength(1);
    expect(texts(svg, "trigger")).toEqual(["Close below the lower band", "RSI crossed below 30"]);

    const sell = alertChartSvg(chartedSignal({ action: "SELL", triggers: ["band-break-upper"] }), view) ?? "";
    const sellTip = (elements(sell, "signal-marker")[0]?.attributes.points ?? "").split(" ")[0]?.split(",");
    expect(Number(sellTip?.[1])).toBeLessThan(num(elements(sell, "wick").at(-1)?.attributes.y1)); // above the high
    expect(texts(sell, "trigger")).toEqual(["Close above the upper band"]);
  });

  it("writes text for the shipped font, escaped", () => {
    expect(svg).toContain('font-family="DejaVu Sans"');
    const odd = alertChartSvg(chartedSignal({ triggers: ["a<b&c"] }), view) ?? "";
    expect(texts(odd, "trigger")).toEqual(["A&lt;b&amp;c"]);
  });

  it("draws an older row that kept closes only as a line, with the same title and axes", () => {
    const old = alertChartSvg(sampleSignal(), view) ?? "";
    expect(elements(old, "close-line")[0]?.attributes.d).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){6}$/);
    expect(elements(old, "candle")).toHaveLength(0);
    expect(elements(old, "volume")).toHaveLength(0);
    expect(texts(old, "title")).toEqual(["BTC-USD · 1h"]);
    expect(texts(old, "price-label").length).toBeGreaterThanOrEqual(3);
    expect(elements(old, "signal-marker")).toHaveLength(1);
  });

  it("draws nothing without two candles or closes", () => {
    expect(alertChartSvg(sampleSignal({ recentCloses: [1] }), view)).toBeUndefined();
    expect(alertChartSvg(sampleSignal({ recentCloses: undefined }), view)).toBeUndefined();
    const flat = alertChartSvg(sampleSignal({ price: 5, recentCloses: [5, 5, 5] }), view) ?? "";
    expect(flat).not.toContain("NaN");
  });
});

describe("chart axes", () => {
  it("puts time ticks on local round hours and midnights, through a zone's offset", () => {
    const times = Array.from({ length: 80 }, (_, i) => Date.parse("2024-03-02T00:00:00Z") + i * HOUR);
    const berlin = timeAxisTicks(times, HOUR, "Europe/Berlin", 5);
    const utc = timeAxisTicks(times, HOUR, "UTC", 5);
    expect(berlin.length).toBeLessThanOrEqual(5);
    expect(berlin.find((t) => t.label === "3 Mar")?.index).toBe(23);
    expect(utc.find((t) => t.label === "3 Mar")?.index).toBe(24);
    const daily = Array.from({ length: 80 }, (_, i) => Date.parse("2024-01-01T00:00:00Z") + i * 24 * HOUR);
    expect(timeAxisTicks(daily, 24 * HOUR, "UTC", 5).map((t) => t.label)).toEqual(["Feb", "Mar"]);
  });

  it("steps prices in round numbers and labels them with the decimals the step needs", () => {
    expect(priceTicks(61_230, 63_870, 7)).toMatchObject({ step: 500 });
    expect(formatTick(63_500, 500)).toBe("63,500");
    expect(formatTick(0.0425, 0.0025)).toBe("0.0425");
  });

  it("says each trigger in words", () => {
    expect(triggerText("rsi-crossed-below-30")).toBe("RSI crossed below 30");
    expect(triggerText("sma-golden-cross")).toBe("SMA golden cross");
    expect(triggerText("something-new")).toBe("Something new");
  });
});

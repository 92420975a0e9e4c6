import { describe, expect, it } from "vitest";
import { type EquityChartInput, equityChartSvg, timeTicks } from "../../functions/core/equity-chart";

const DAY = 86_400_000;
const START = Date.parse("2023-01-03T00:00:00Z");

/** Daily equity: the strategy grows `daily`, buy-and-hold half as fast, over `days` days. */
function series(days: number, daily: number): EquityChartInput["points"] {
  return Array.from({ length: days }, (_, i) => ({
    time: START + i * DAY,
    strategy: (1 + daily) ** i,
    buyHold: (1 + daily / 2) ** i,
  }));
}

const trades: EquityChartInput["trades"] = [
  { side: "long", entryTime: START + 2 * DAY, exitTime: START + 9 * DAY, return: 0.05 },
  { side: "short", entryTime: START + 12 * DAY, exitTime: START + 20 * DAY, return: -0.01 },
  { side: "long", entryTime: START + 25 * DAY, exitTime: START + 29 * DAY, return: 0.02, openAtEnd: true },
];

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;
/** The vertices of a path's `d`, as [x, y] pairs. */
const vertices = (svg: string, cls: string) => {
  const d = new RegExp(`class="${cls}" d="([^"]+)"`).exec(svg)?.[1] ?? "";
  return [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
};

describe("equityChartSvg", () => {
  const input = { title: "BTC-USD 1d <rules> & co", points: series(30, 0.01), trades };
  const svg = equityChartSvg(input);

  it("has the title (escaped), a legend with the final returns, and both series as paths", () => {
    expect(svg).toContain("BTC-USD 1d &lt;rules&gt; &amp; co");
    // 1.01^29 − 1 = +33.5%; 1.005^29 − 1 = +15.5%.
    expect(svg).toContain("Strategy +33%");
    expect(svg).toContain("Buy and hold +16%");
    expect(vertices(svg, "strategy")).toHaveLength(30);
    expect(vertices(svg, "buy-hold")).toHaveLength(30);
    // SVG y grows downwards: the strategy ends above buy-and-hold.
    expect(vertices(svg, "strategy").at(-1)?.[1]).toBeLessThan(vertices(svg, "buy-hold").at(-1)?.[1] ?? 0);
  });

  it("marks one entry and one exit per trade, on the strategy's line, an open trade's exit hollow", () => {
    expect(count(svg, /class="entry"/g)).toBe(3);
    expect(count(svg, /class="exit"/g)).toBe(3);
    expect(count(svg, /class="exit"[^>]*fill="#ffffff"/g)).toBe(1);
    const line = vertices(svg, "strategy");
    const exits = [...svg.matchAll(/class="exit" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(exits).toEqual([line[9], line[20], line[29]]);
    expect(svg).toContain("3 trades");
  });

  it("labels the axes: returns on a linear axis, calendar days below", () => {
    expect(svg).toMatch(/>\+10%<\/text>/);
    expect(svg).toMatch(/>0%<\/text>/);
    expect(svg).toMatch(/>12 Jan<\/text>/);
    expect(svg).not.toContain("log scale");
  });

  it("switches to a log axis with multiples when the equity spans a wide range", () => {
    const wide = equityChartSvg({ title: "t", points: series(400, 0.01), trades: [] });
    expect(wide).toContain("0 trades, log scale");
    expect(wide).toMatch(/>×10<\/text>/);
    expect(wide).toMatch(/>×1<\/text>/);
  });
});

describe("timeTicks", () => {
  const iso = (ticks: Array<{ time: number }>) =>
    ticks.map((t) => new Date(t.time).toISOString().slice(0, 10));

  it("puts months on round calendar months, years on 1 January", () => {
    const months = timeTicks(Date.parse("2015-09-10T00:00:00Z"), Date.parse("2016-08-13T00:00:00Z"), 8);
    // Eleven months in about eight ticks: every second month, on even months.
    expect(iso(months)).toEqual(["2015-11-01", "2016-01-01", "2016-03-01", "2016-05-01", "2016-07-01"]);
    expect(months[1]?.label).toBe("Jan 2016");
    const years = timeTicks(Date.parse("2005-08-15T00:00:00Z"), Date.parse("2013-03-01T00:00:00Z"), 8);
    expect(years.map((t) => t.label)).toEqual([
      "2006",
      "2007",
      "2008",
      "2009",
      "2010",
      "2011",
      "2012",
      "2013",
    ]);
  });

  it("uses hours within a day", () => {
    const ticks = timeTicks(Date.parse("2023-01-03T13:30:00Z"), Date.parse("2023-01-03T20:00:00Z"), 8);
    expect(ticks[0]?.label).toBe("3 Jan 14:00");
  });
});

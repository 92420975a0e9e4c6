import { describe, expect, it } from "vitest";
import { alertChartSvg, CHART_SIZE } from "../../../functions/core/chart";

const closes = [100, 104, 98, 97, 103, 110];

const polylinePoints = (svg: string) =>
  (/<polyline points="([^"]+)"/.exec(svg)?.[1] ?? "")
    .split(" ")
    .map((p) => p.split(",").map(Number) as [number, number]);

describe("alert chart", () => {
  it("draws every close as a line, left to right, higher prices higher up", () => {
    const svg = alertChartSvg({ action: "BUY", price: 110, recentCloses: closes }) ?? "";
    const points = polylinePoints(svg);
    expect(points).toHaveLength(closes.length);
    const xs = points.map(([x]) => x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    const yOf = (close: number) => points[closes.indexOf(close)]?.[1] ?? Number.NaN;
    expect(yOf(110)).toBeLessThan(yOf(97)); // SVG y grows downwards
    for (const [x, y] of points) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(CHART_SIZE.width);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(CHART_SIZE.height);
    }
  });

  it("marks the signal at the last close in the action's colour, with an arrow the right way up", () => {
    const buy = alertChartSvg({ action: "BUY", price: 110, recentCloses: closes }) ?? "";
    const sell = alertChartSvg({ action: "SELL", price: 110, recentCloses: closes }) ?? "";
    const [lastX, lastY] = polylinePoints(buy).at(-1) ?? [];
    expect(buy).toContain(`<circle cx="${lastX}" cy="${lastY}" r="9" fill="#16a34a"`);
    expect(sell).toContain('fill="#dc2626"');
    const tipY = (svg: string) =>
      Number(/<polygon points="[\d.]+,([\d.]+) /.exec(svg.split("<circle")[1] ?? "")?.[1]);
    expect(tipY(buy)).toBeGreaterThan(lastY ?? 0); // under the point, pointing up
    expect(tipY(sell)).toBeLessThan(lastY ?? 0); // above it, pointing down
  });

  it("needs no fonts: it holds no text", () => {
    const svg = alertChartSvg({ action: "SELL", price: 97, recentCloses: closes }) ?? "";
    expect(svg).not.toMatch(/<text|font/);
  });

  it("draws nothing without at least two closes, and copes with a flat series", () => {
    expect(alertChartSvg({ action: "BUY", price: 1, recentCloses: [1] })).toBeUndefined();
    expect(alertChartSvg({ action: "BUY", price: 1, recentCloses: undefined })).toBeUndefined();
    const flat = alertChartSvg({ action: "BUY", price: 5, recentCloses: [5, 5, 5] }) ?? "";
    expect(polylinePoints(flat).every(([, y]) => Number.isFinite(y))).toBe(true);
  });
});

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it, vi } from "vitest";
import { loadChartFonts } from "../../functions/adapters/chart-font";
import { svgToPng } from "../../functions/adapters/resvg";
import { ResvgChartRenderer } from "../../functions/adapters/telegram-chart-png";
import { alertChartSvg, CHART_SIZE } from "../../functions/core/chart";
import {
  CHART_FONT_FILES,
  chartFontCandidates,
  RESVG_WASM_FILE,
  resvgWasmCandidates,
} from "../../functions/shared/shipped-files";
import { chartedSignal } from "../support/chart-fixtures";
import { PNG_SIGNATURE, pngSize } from "../support/png";
import { sampleSignal } from "../support/telegram-fixtures";

const view = { timezone: "Europe/Berlin", now: Date.parse("2024-03-05T15:00:00Z") };
const shipped = (file: string) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`);

describe("ResvgChartRenderer (wasm, no browser, no native binary)", () => {
  it("says where it looked when the wasm (before it is loaded) or a font file is missing, and rejects what is not SVG", async () => {
    const fonts = chartFontCandidates;
    const noWasm = new ResvgChartRenderer({ wasm: () => ["/nonexistent/index_bg.wasm"], fonts });
    await expect(noWasm.render("<svg/>")).rejects.toThrow(
      "resvg wasm not found; looked in /nonexistent/index_bg.wasm",
    );
    const noFont = new ResvgChartRenderer({
      wasm: resvgWasmCandidates,
      fonts: () => [["/nonexistent/DejaVuSans.ttf"]],
    });
    await expect(noFont.render("<svg/>")).rejects.toThrow(
      "chart font DejaVuSans.ttf not found; looked in /nonexistent/DejaVuSans.ttf",
    );
    await expect(new ResvgChartRenderer().render("not an svg")).rejects.toThrow();
    // An older row (closes only) still renders.
    expect(pngSize(await new ResvgChartRenderer().render(alertChartSvg(sampleSignal(), view) ?? ""))).toEqual(
      CHART_SIZE,
    );
  });

  it("renders the alert chart as a PNG of the chart's size", async () => {
    const png = await new ResvgChartRenderer().render(alertChartSvg(chartedSignal(), view) ?? "");
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual(CHART_SIZE);
    expect(png.byteLength).toBeLessThan(250_000);
  });

  it("draws its text with the font shipped in dejavu-fonts-ttf, never a system font", async () => {
    const fonts = await loadChartFonts();
    expect(fonts.family).toBe("DejaVu Sans");
    expect(fonts.files).toEqual(CHART_FONT_FILES.map(shipped));
    expect(fonts.buffers.map((b) => b.byteLength)).toEqual(
      fonts.files.map((f) => readFileSync(f).byteLength),
    );
    // The same text with the shipped font and with none: only the font draws it (no system fallback).
    await new ResvgChartRenderer().render("<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>");
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="80"><text x="10" y="50" font-size="40" font-family="Arial">BUY 63,412</text></svg>`;
    const blank = svgToPng(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="80"/>`, {
      width: 400,
    });
    expect(svgToPng(svg, { width: 400 }).byteLength).toBe(blank.byteLength);
    const drawn = svgToPng(svg, { width: 400, fonts: fonts.buffers, fontFamily: fonts.family });
    expect(drawn.byteLength).toBeGreaterThan(blank.byteLength + 500);
  });

  it("renders from a second copy of the adapter in the same process, which finds resvg loaded", async () => {
    await new ResvgChartRenderer().render("<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>");
    vi.resetModules();
    const second = await import("../../functions/adapters/resvg");
    await expect(second.loadResvgWasm()).resolves.toBeUndefined();
    const png = second.svgToPng(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"/>`, {
      width: 40,
    });
    expect(pngSize(png)).toEqual({ width: 40, height: 20 });
  });

  it("looks beside the bundle first, then in the task root and node_modules", () => {
    const candidates = resvgWasmCandidates();
    expect(candidates[0]).toMatch(new RegExp(`functions/shared/${RESVG_WASM_FILE}$`));
    expect(candidates.at(-1)).toMatch(/node_modules\/@resvg\/resvg-wasm\/index_bg\.wasm$/);
    for (const [i, each] of chartFontCandidates().entries()) {
      expect(each[0]).toMatch(new RegExp(`functions/shared/${CHART_FONT_FILES[i]}$`));
      expect(each.at(-1)).toBe(shipped(CHART_FONT_FILES[i] ?? ""));
    }
  });
});

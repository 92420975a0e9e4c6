import { describe, expect, it } from "vitest";
import {
  RESVG_WASM_FILE,
  ResvgChartRenderer,
  resvgWasmCandidates,
} from "../../functions/adapters/telegram-chart-png";
import { alertChartSvg, CHART_SIZE } from "../../functions/core/chart";
import { PNG_SIGNATURE, pngSize } from "../support/png";
import { sampleSignal } from "../support/telegram-fixtures";

describe("ResvgChartRenderer (wasm, no browser, no native binary)", () => {
  it("says where it looked when the wasm file is missing, and works once it can find it", async () => {
    const missing = new ResvgChartRenderer(() => ["/nonexistent/index_bg.wasm"]);
    await expect(missing.render("<svg/>")).rejects.toThrow(
      "resvg wasm not found; looked in /nonexistent/index_bg.wasm",
    );
    const svg = alertChartSvg(sampleSignal()) ?? "";
    const png = await new ResvgChartRenderer().render(svg);
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual(CHART_SIZE);
  });

  it("renders a SELL chart too, and rejects what is not SVG", async () => {
    const renderer = new ResvgChartRenderer();
    const png = await renderer.render(alertChartSvg(sampleSignal({ action: "SELL" })) ?? "");
    expect(png.byteLength).toBeGreaterThan(1000);
    await expect(renderer.render("not an svg")).rejects.toThrow();
  });

  it("looks beside the bundle first, then in node_modules", () => {
    const candidates = resvgWasmCandidates();
    expect(candidates[0]).toMatch(new RegExp(`functions/adapters/${RESVG_WASM_FILE}$`));
    expect(candidates.at(-1)).toMatch(/node_modules\/@resvg\/resvg-wasm\/index_bg\.wasm$/);
  });
});

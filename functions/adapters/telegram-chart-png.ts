import { CHART_SIZE } from "../core/chart";
import type { ChartRenderer } from "../core/notify";
import { chartFontCandidates, resvgWasmCandidates } from "../shared/shipped-files";
import { loadChartFonts } from "./chart-font";
import { loadResvgWasm, svgToPng } from "./resvg";

export interface ChartFiles {
  wasm: () => string[];
  fonts: () => string[][];
}

/**
 * The alert chart as PNG: resvg's wasm and the shipped font, each read once per container (beside the
 * bundle on Lambda, from node_modules locally).
 */
export class ResvgChartRenderer implements ChartRenderer {
  constructor(
    private readonly files: ChartFiles = { wasm: resvgWasmCandidates, fonts: chartFontCandidates },
  ) {}

  async render(svg: string): Promise<Uint8Array> {
    const [, fonts] = await Promise.all([
      loadResvgWasm(this.files.wasm()),
      loadChartFonts(this.files.fonts()),
    ]);
    return svgToPng(svg, { width: CHART_SIZE.width, fonts: fonts.buffers, fontFamily: fonts.family });
  }
}

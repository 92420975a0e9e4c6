import { CHART_SIZE } from "../core/chart";
import type { ChartRenderer } from "../core/notify";
import { loadResvgWasm, resvgWasmCandidates, svgToPng } from "./resvg";

export { RESVG_WASM_FILE, resvgWasmCandidates } from "./resvg";

/** The alert chart (no text, so no fonts) as PNG, with resvg's wasm loaded once per container. */
export class ResvgChartRenderer implements ChartRenderer {
  constructor(private readonly wasmCandidates: () => string[] = resvgWasmCandidates) {}

  async render(svg: string): Promise<Uint8Array> {
    await loadResvgWasm(this.wasmCandidates());
    return svgToPng(svg, { width: CHART_SIZE.width });
  }
}

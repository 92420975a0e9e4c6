import { writeFile } from "node:fs/promises";
import { loadChartFonts } from "../functions/adapters/chart-font";
import { loadResvgWasm, svgToPng } from "../functions/adapters/resvg";
import { EQUITY_CHART_SIZE, type EquityChartInput, equityChartSvg } from "../functions/core/equity-chart";
import { chartFontCandidates } from "../functions/shared/shipped-files";

export interface EquityPngResult {
  /** The font files the text was drawn with: the ones shipped with the code (dejavu-fonts-ttf). */
  fonts: string[];
}

/** Renders the equity chart to a PNG file at `path`, with the charts' shipped font. */
export async function writeEquityPng(
  path: string,
  input: EquityChartInput,
  fontCandidates: string[][] = chartFontCandidates(),
): Promise<EquityPngResult> {
  const [, fonts] = await Promise.all([loadResvgWasm(), loadChartFonts(fontCandidates)]);
  const png = svgToPng(equityChartSvg(input), {
    width: EQUITY_CHART_SIZE.width,
    fonts: fonts.buffers,
    fontFamily: fonts.family,
  });
  await writeFile(path, png);
  return { fonts: fonts.files };
}

import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { loadResvgWasm, svgToPng } from "../functions/adapters/resvg";
import { EQUITY_CHART_SIZE, type EquityChartInput, equityChartSvg } from "../functions/core/equity-chart";

/**
 * Fonts the chart's text may use, first found wins: the wasm renderer reads no system fonts by itself,
 * so a usual sans-serif of each desktop OS is read by path (Debian/Ubuntu fonts-dejavu-core, Fedora,
 * Arch, macOS, Windows).
 */
export const CHART_FONT_CANDIDATES: ReadonlyArray<{ path: string; family: string }> = [
  { path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", family: "DejaVu Sans" },
  { path: "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", family: "DejaVu Sans" },
  { path: "/usr/share/fonts/TTF/DejaVuSans.ttf", family: "DejaVu Sans" },
  { path: "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", family: "Liberation Sans" },
  { path: "/System/Library/Fonts/Supplemental/Arial.ttf", family: "Arial" },
  { path: "/Library/Fonts/Arial.ttf", family: "Arial" },
  { path: "C:\\Windows\\Fonts\\arial.ttf", family: "Arial" },
];

/** The regular face's bold sibling, when the system has it (DejaVuSans.ttf → DejaVuSans-Bold.ttf). */
const boldOf = (path: string) =>
  path.replace(/(-Regular)?\.ttf$/i, "-Bold.ttf").replace(/arial-Bold\.ttf$/i, "arialbd.ttf");

export interface EquityPngResult {
  /** The font file the text was drawn with; undefined when none was found and the PNG has no text. */
  font?: string;
}

/** Renders the equity chart to a PNG file at `path`. */
export async function writeEquityPng(
  path: string,
  input: EquityChartInput,
  fonts: ReadonlyArray<{ path: string; family: string }> = CHART_FONT_CANDIDATES,
): Promise<EquityPngResult> {
  const font = fonts.find((candidate) => existsSync(candidate.path));
  const files = font ? [font.path, boldOf(font.path)].filter((file, i) => i === 0 || existsSync(file)) : [];
  await loadResvgWasm();
  const png = svgToPng(equityChartSvg(input), {
    width: EQUITY_CHART_SIZE.width,
    fonts: await Promise.all(files.map((file) => readFile(file))),
    fontFamily: font?.family,
  });
  await writeFile(path, png);
  return font ? { font: font.path } : {};
}

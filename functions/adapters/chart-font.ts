import { readFile } from "node:fs/promises";
import { findShipped, shippedFileCandidates } from "./resvg";

/**
 * The charts' font, shipped with the code (the dejavu-fonts-ttf package): the wasm renderer sees no
 * system fonts, and a chart must read the same on a laptop and on Lambda. A Lambda bundle ships these
 * files beside index.mjs (lib/notifier.ts).
 */
export const CHART_FONT_FAMILY = "DejaVu Sans";
export const CHART_FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] as const;

const packagePath = (file: string) => `dejavu-fonts-ttf/ttf/${file}`;

/** For each font file, where it may be: beside the bundle, in the task root, in node_modules. */
export const chartFontCandidates = (): string[][] =>
  CHART_FONT_FILES.map((file) => shippedFileCandidates(file, packagePath(file)));

export interface ChartFonts {
  family: string;
  /** The files read, so a caller can say which. */
  files: string[];
  buffers: Uint8Array[];
}

/** Loaded fonts by where they were looked for. */
const loaded = new Map<string, Promise<ChartFonts>>();

/** Reads the font files once per process; a failure is not cached, so a later render tries again. */
export function loadChartFonts(candidates: string[][] = chartFontCandidates()): Promise<ChartFonts> {
  const key = JSON.stringify(candidates);
  let fonts = loaded.get(key);
  if (!fonts) {
    fonts = (async () => {
      const files = candidates.map((each, i) => findShipped(`chart font ${CHART_FONT_FILES[i] ?? ""}`, each));
      const buffers = await Promise.all(files.map((file) => readFile(file)));
      return { family: CHART_FONT_FAMILY, files, buffers };
    })();
    loaded.set(key, fonts);
    fonts.catch(() => loaded.delete(key));
  }
  return fonts;
}

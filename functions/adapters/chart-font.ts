import { readFile } from "node:fs/promises";
import {
  CHART_FONT_FAMILY,
  CHART_FONT_FILES,
  chartFontCandidates,
  findShipped,
} from "../shared/shipped-files";

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

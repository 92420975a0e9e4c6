import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { optionalEnv } from "../runtime/env";

// Files the notifier's bundle ships beside index.mjs, named here as plain data: the stack (lib/) copies
// them at synth without loading the renderer, and the renderer finds them at run time.

/**
 * The resvg wasm binary's file name. A Lambda bundle must ship it beside the bundled handler (the
 * stack copies node_modules/@resvg/resvg-wasm/index_bg.wasm there after bundling).
 */
export const RESVG_WASM_FILE = "index_bg.wasm";

/**
 * Where a file a bundle ships may be: beside the bundle (or this module), in the Lambda task root, or
 * in node_modules as `packagePath` (dev, tests), in that order.
 */
export function shippedFileCandidates(file: string, packagePath: string): string[] {
  const candidates: string[] = [];
  const attempt = (locate: () => string) => {
    try {
      candidates.push(locate());
    } catch {
      // That way of locating it does not apply in this runtime (no import.meta.url, no node_modules).
    }
  };
  attempt(() => fileURLToPath(new URL(file, import.meta.url)));
  const taskRoot = optionalEnv("LAMBDA_TASK_ROOT");
  if (taskRoot) candidates.push(join(taskRoot, file));
  attempt(() => createRequire(import.meta.url).resolve(packagePath));
  return [...new Set(candidates)];
}

/** Where the wasm may be: beside the bundle, in the Lambda task root, or in node_modules (dev, tests). */
export const resvgWasmCandidates = (): string[] =>
  shippedFileCandidates(RESVG_WASM_FILE, `@resvg/resvg-wasm/${RESVG_WASM_FILE}`);

/** The first candidate that exists, or an error that says where it looked. */
export function findShipped(what: string, candidates: string[]): string {
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) throw new Error(`${what} not found; looked in ${candidates.join(", ")}`);
  return path;
}

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

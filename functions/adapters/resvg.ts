import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { optionalEnv } from "../runtime/env";
import { onceUntilFailure } from "../runtime/once";

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

let wasmCandidates: string[] = [];
// resvg's wasm can be initialised once per process, from the first call's candidates.
const initResvgOnce = onceUntilFailure(async () =>
  initWasm(await readFile(findShipped("resvg wasm", wasmCandidates))),
);

/** Loads the wasm once per process; a failure is not cached, so a later render tries again. */
export function loadResvgWasm(candidates: string[] = resvgWasmCandidates()): Promise<void> {
  wasmCandidates = candidates;
  return initResvgOnce();
}

export interface SvgToPngOptions {
  width: number;
  /** Raw TTF/OTF files for the SVG's text; none renders no text (no system font is ever read). */
  fonts?: Uint8Array[];
  /** The family of `fonts` that generic and unknown families fall back to. */
  fontFamily?: string;
}

/** SVG → PNG with resvg compiled to wasm: no browser, no native binary. Call loadResvgWasm first. */
export function svgToPng(svg: string, options: SvgToPngOptions): Uint8Array {
  const family = options.fontFamily
    ? { defaultFontFamily: options.fontFamily, sansSerifFamily: options.fontFamily }
    : {};
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: options.width },
    // Only the fonts given: what the chart looks like must not depend on the machine.
    font: {
      loadSystemFonts: false,
      ...(options.fonts?.length ? { fontBuffers: options.fonts } : {}),
      ...family,
    },
    background: "#ffffff",
  });
  try {
    const image = resvg.render();
    const png = image.asPng();
    image.free();
    return png;
  } finally {
    resvg.free();
  }
}

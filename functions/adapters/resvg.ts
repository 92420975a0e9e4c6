import { readFile } from "node:fs/promises";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { errorMessage } from "../core/errors";
import { onceUntilFailure } from "../runtime/once";
import { findShipped, resvgWasmCandidates } from "../shared/shipped-files";

let wasmCandidates: string[] = [];
// resvg's wasm can be initialised once per process, from the first call's candidates. Another copy
// of this module in the same process (a second bundle, a test runner that re-evaluates sources) may
// have done it already: resvg then refuses a second init, and its one instance serves both.
const initResvgOnce = onceUntilFailure(async () => {
  const wasm = await readFile(findShipped("resvg wasm", wasmCandidates));
  try {
    await initWasm(wasm);
  } catch (error) {
    if (!/already initiali[sz]ed/i.test(errorMessage(error))) throw error;
  }
});

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

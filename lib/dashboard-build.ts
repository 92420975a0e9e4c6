import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DashboardFile } from "../functions/adapters/dashboard-assets";

/**
 * The dashboard (Telegram Mini App) build: dashboard/main.ts and everything it imports, lightweight-charts
 * included, bundled by esbuild into one script beside a static page and stylesheet. Nothing is loaded
 * from a CDN at run time. The stack runs it while bundling the bot; the local runtime runs it in memory.
 */
export const DASHBOARD_SOURCE_DIR = fileURLToPath(new URL("../dashboard/", import.meta.url));
const ENTRY = join(DASHBOARD_SOURCE_DIR, "main.ts");
const ESBUILD_BIN = fileURLToPath(new URL("../node_modules/esbuild/bin/esbuild", import.meta.url));

/** One set of options for both ways of running esbuild (its API and its command line). */
const OPTIONS = { bundle: true, minify: true, format: "iife", target: "es2020" } as const;

/** Shell commands that write index.html, app.js and app.css into `outputDir` (the bot's asset folder). */
export function dashboardBuildCommands(outputDir: string): string[] {
  return [
    `mkdir -p "${outputDir}"`,
    `"${ESBUILD_BIN}" "${ENTRY}" --bundle --minify --format=${OPTIONS.format} --target=${OPTIONS.target} --outfile="${join(outputDir, "app.js")}" --log-level=warning`,
    `cp "${join(DASHBOARD_SOURCE_DIR, "index.html")}" "${join(DASHBOARD_SOURCE_DIR, "app.css")}" "${outputDir}/"`,
  ];
}

/** The same build in memory, for the local runtime and tests. */
export async function buildDashboard(): Promise<Record<DashboardFile, string>> {
  const { build } = await import("esbuild");
  const result = await build({ ...OPTIONS, entryPoints: [ENTRY], write: false, logLevel: "silent" });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error("the dashboard build wrote no script");
  return {
    "index.html": readFileSync(join(DASHBOARD_SOURCE_DIR, "index.html"), "utf8"),
    "app.js": script,
    "app.css": readFileSync(join(DASHBOARD_SOURCE_DIR, "app.css"), "utf8"),
  };
}

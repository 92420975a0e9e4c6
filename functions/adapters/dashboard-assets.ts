import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The dashboard's static files: the page, its one bundled script and its stylesheet. */
export const DASHBOARD_FILES = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
} as const;
export type DashboardFile = keyof typeof DASHBOARD_FILES;

export interface DashboardAsset {
  body: string;
  contentType: string;
}

export interface DashboardAssets {
  /** Undefined when the name is not one of DASHBOARD_FILES, or the file is not there. */
  get(name: string): Promise<DashboardAsset | undefined>;
}

export const isDashboardFile = (name: string): name is DashboardFile => Object.hasOwn(DASHBOARD_FILES, name);

/** The folder the build puts beside the bot's bundle (lib/telegram-bot.ts). */
export const DASHBOARD_DIR = "dashboard";

/** Files read once from `dir` (on Lambda: `dashboard/` beside index.mjs) and kept for the container's life. */
export function fileDashboardAssets(
  dir = join(dirname(fileURLToPath(import.meta.url)), DASHBOARD_DIR),
): DashboardAssets {
  const cache = new Map<string, Promise<DashboardAsset | undefined>>();
  return {
    get(name) {
      if (!isDashboardFile(name)) return Promise.resolve(undefined);
      let asset = cache.get(name);
      if (!asset) {
        asset = readFile(join(dir, name), "utf8").then(
          (body) => ({ body, contentType: DASHBOARD_FILES[name] }),
          () => undefined,
        );
        cache.set(name, asset);
      }
      return asset;
    },
  };
}

/** Assets already in memory: the local runtime's fresh build. */
export const memoryDashboardAssets = (files: Partial<Record<DashboardFile, string>>): DashboardAssets => ({
  async get(name) {
    if (!isDashboardFile(name)) return undefined;
    const body = files[name];
    return body === undefined ? undefined : { body, contentType: DASHBOARD_FILES[name] };
  },
});

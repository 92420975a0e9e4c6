import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** ../shared beside the checkout: recorded real responses and data, never copied into the repo. */
export const SHARED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared");

export const sharedPath = (...parts: string[]) => join(SHARED_DIR, ...parts);
export const hasShared = (...parts: string[]) => existsSync(sharedPath(...parts));

/** The reason shown when a test skips because ../shared (or one file of it) is absent. */
export const sharedMissing = (...parts: string[]) =>
  `needs ../shared/${parts.join("/")} (recorded real data), absent on this machine`;

export const readShared = (...parts: string[]) => readFileSync(sharedPath(...parts), "utf8");
export const readSharedJson = <T = unknown>(...parts: string[]): T => JSON.parse(readShared(...parts)) as T;

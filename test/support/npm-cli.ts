import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO_ROOT = join(import.meta.dirname, "../..");

export interface NpmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs an npm script as a user would, with no real keys or tokens unless `env` sets them (undefined
 * removes a variable); resolves with the exit code instead of throwing.
 */
export async function npmRun(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<NpmResult> {
  const merged = { ...process.env, OPENAI_API_KEY: "", TELEGRAM_BOT_TOKEN: "", TELEGRAM_CHAT_ID: "", ...env };
  const fullEnv = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  try {
    const { stdout, stderr } = await run("npm", ["run", "-s", ...args], {
      cwd: REPO_ROOT,
      env: fullEnv,
      timeout: 180_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

import { Console } from "node:console";
import { vi } from "vitest";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a CLI run changes in this process, put back when it ends. */
function saveProcessState() {
  const env = { ...process.env };
  const { argv, exitCode } = process;
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const tty = { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY };
  const console = globalThis.console;
  return () => {
    for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name];
    Object.assign(process.env, env);
    process.argv = argv;
    process.exitCode = exitCode;
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    process.stdout.isTTY = tty.stdout;
    process.stderr.isTTY = tty.stderr;
    globalThis.console = console;
  };
}

/** Replaces a stream's write with one that appends to `chunks`, as a pipe to a parent would collect it. */
function capture(stream: NodeJS.WriteStream, chunks: string[]): void {
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const done = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof stream.write;
}

/**
 * `npm run -s signals -- <args>` in this process: the same commander program and the same start-up
 * (bin/cli-env.ts, then bin/program.ts's main), with stdout and stderr captured as pipes, `env` set
 * for the run (undefined removes a variable) and everything restored after. No real keys or tokens
 * unless `env` sets them, as with npmRun. The modules are evaluated afresh for each run, as in a new
 * process: loggers, config and AWS clients read the run's env, not an earlier run's.
 *
 * Spawning a process costs seconds of tsx start-up per run; this costs a fraction of one. Keep a few
 * true spawns (test/support/npm-cli.ts) for what only a process shows: exit codes through npm, a TTY,
 * signals.
 */
export async function runSignals(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const restore = saveProcessState();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const argv = [process.execPath, "bin/signals.ts", ...args];
  try {
    const runEnv = { OPENAI_API_KEY: "", TELEGRAM_BOT_TOKEN: "", TELEGRAM_CHAT_ID: "", ...env };
    for (const [name, value] of Object.entries(runEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    process.argv = argv;
    process.exitCode = undefined;
    // As npm's pipes to a parent: not a terminal, so no progress bar and JSON logs.
    process.stdout.isTTY = false;
    process.stderr.isTTY = false;
    capture(process.stdout, stdout);
    capture(process.stderr, stderr);
    globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
    vi.resetModules();
    await import("../../bin/cli-env");
    const { main } = await import("../../bin/program");
    const code = await main(argv);
    return { code, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    restore();
  }
}

import { format } from "node:util";

/**
 * On a terminal the handlers' Powertools JSON lines (console.info/warn/error/debug in its dev mode)
 * are printed as one readable line each: level, function, symbol, message and error. Anything that
 * is not such a JSON line passes through unchanged, so the CLI's own output is untouched.
 */
export function readableLogLine(text: string): string | undefined {
  if (!text.startsWith("{")) return undefined;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof entry.level !== "string" || typeof entry.message !== "string") return undefined;
  const where = [entry.function_name, entry.symbol].filter((part) => typeof part === "string").join(" ");
  const error =
    typeof entry.error === "string"
      ? entry.error
      : typeof (entry.error as { message?: unknown } | undefined)?.message === "string"
        ? (entry.error as { message: string }).message
        : undefined;
  return `${entry.level.padEnd(5)} ${where ? `${where}: ` : ""}${entry.message}${error ? ` (${error})` : ""}`;
}

export function installReadableLogs(
  target: Pick<Console, "info" | "warn" | "error" | "debug"> = console,
): void {
  for (const method of ["info", "warn", "error", "debug"] as const) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => {
      const line = args.length === 1 && typeof args[0] === "string" ? readableLogLine(args[0]) : undefined;
      original(line ?? format(...args));
    };
  }
}

import { vi } from "vitest";

/** Runs `task` with the logger at `level`, collecting the JSON lines it writes to stdout and stderr. */
export async function captureLogs<T>(task: () => Promise<T>, level: "INFO" | "WARN" = "WARN") {
  const { logger } = await import("../../functions/runtime/logger");
  const lines: Array<Record<string, unknown>> = [];
  const collect = (chunk: unknown) => {
    for (const line of String(chunk).split("\n")) if (line.startsWith("{")) lines.push(JSON.parse(line));
    return true;
  };
  const writes = [vi.spyOn(process.stdout, "write"), vi.spyOn(process.stderr, "write")];
  for (const write of writes) write.mockImplementation(collect);
  logger.setLogLevel(level);
  try {
    return { result: await task(), lines };
  } finally {
    logger.setLogLevel("SILENT");
    for (const write of writes) write.mockRestore();
  }
}

import { Logger } from "@aws-lambda-powertools/logger";
import { describe, expect, it } from "vitest";
import { installReadableLogs, readableLogLine } from "../../local/readable-logs";

describe("readable log lines on a terminal (#11 finding 6)", () => {
  it("turns a handler's JSON entry into one line: level, function, symbol, message and error", () => {
    const entry = JSON.stringify(
      {
        level: "WARN",
        message: "analysis failed; SQS will retry",
        timestamp: "2026-12-02T17:54:43.181Z",
        service: "signal-pipeline",
        function_name: "analyst",
        symbol: "BTC-USD",
        error: "500 The server had an error",
      },
      null,
      4,
    );
    expect(readableLogLine(entry)).toBe(
      "WARN  analyst BTC-USD: analysis failed; SQS will retry (500 The server had an error)",
    );
    expect(
      readableLogLine(JSON.stringify({ level: "ERROR", message: "boom", error: { message: "why" } })),
    ).toBe("ERROR boom (why)");
  });

  it("leaves everything else as it is", () => {
    expect(readableLogLine("error: unknown symbol")).toBeUndefined();
    expect(readableLogLine("{not json")).toBeUndefined();
    expect(readableLogLine('{"a":1}')).toBeUndefined();
  });

  it("rewrites what a Powertools logger prints through the console it was given", () => {
    const printed: string[] = [];
    const record = (...args: unknown[]) => printed.push(args.map(String).join(" "));
    const sink = { info: record, warn: record, error: record, debug: record };
    installReadableLogs(sink);
    const logger = new Logger({ serviceName: "test", logLevel: "WARN" });
    // The logger's own console stands in for the global one it uses in dev mode.
    (logger as unknown as { console: typeof sink }).console = sink;
    logger.appendKeys({ symbol: "ETH-USD" });
    logger.warn("moving to the DLQ", { error: "ThrottlingException" });
    sink.error("error: %s", "plain");
    expect(printed).toEqual(["WARN  ETH-USD: moving to the DLQ (ThrottlingException)", "error: plain"]);
  });
});

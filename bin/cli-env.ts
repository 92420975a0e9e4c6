// Imported first by the CLI, before any module creates a logger, metrics buffer or AWS client:
// those read these settings once, when they are created.
import { installReadableLogs } from "../local/readable-logs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// The handlers' JSON logs are for CloudWatch; on a terminal only warnings and errors are shown.
process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

// On a terminal, one readable line per log entry, unless asked for the JSON Lambda writes.
const asked = process.argv.findIndex((arg) => arg === "--log-format" || arg.startsWith("--log-format="));
const logFormat = asked < 0 ? undefined : (process.argv[asked]?.split("=")[1] ?? process.argv[asked + 1]);
if ((logFormat ?? (process.stderr.isTTY ? "text" : "json")) === "text") {
  // Powertools writes through the global console in its dev mode, which the readable lines replace.
  process.env.POWERTOOLS_DEV = "true";
  installReadableLogs();
}

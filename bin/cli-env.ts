// Imported first by the CLI, before any module creates a logger, metrics buffer or AWS client:
// those read these settings once, when they are created.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// The handlers' JSON logs are for CloudWatch; on a terminal only warnings and errors are shown.
process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

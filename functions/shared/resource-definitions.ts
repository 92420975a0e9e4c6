/**
 * Plain data that both the CDK stack (lib/) and the local runtime (local/) build resources from,
 * so the emulated table and queues have the same keys, indexes and redrive as the deployed ones.
 */
export const SIGNALS_TABLE = {
  partitionKey: "pk",
  sortKey: "sk",
  ttlAttribute: "expiresAt",
  /**
   * All sparse: only the rows that carry an index's keys are in it. Alert rows carry gsi1/gsi2 (whole
   * items projected: the notifier and /history read them whole); BUY and SELL rows carry gsi3, whose
   * index holds only what scoring an outcome reads, so the query at every close reads those few
   * small rows instead of every signal of the last 24 candles.
   */
  indexes: {
    alerts: { name: "alerts", partitionKey: "gsi1pk", sortKey: "gsi1sk", projection: "ALL" },
    alertsBySymbol: { name: "alertsBySymbol", partitionKey: "gsi2pk", sortKey: "gsi2sk", projection: "ALL" },
    sides: {
      name: "sides",
      partitionKey: "gsi3pk",
      sortKey: "gsi3sk",
      // ScoredSide's fields (functions/core/ports.ts); keys are always projected.
      projection: ["symbol", "timeframe", "candleTime", "action", "price", "outcomes"],
    },
  },
} as const satisfies {
  partitionKey: string;
  sortKey: string;
  ttlAttribute: string;
  indexes: Record<
    string,
    { name: string; partitionKey: string; sortKey: string; projection: "ALL" | readonly string[] }
  >;
};

export const FUNCTION_TIMEOUT_SECONDS = {
  fetcher: 120,
  analyst: 60,
  notifier: 60,
  bot: 15,
  "alarm-notifier": 30,
} as const;

/** The custom metric namespace (Powertools adds the `service` dimension) and the metrics alarms read. */
export const METRICS = { namespace: "SignalPipeline", service: "signal-pipeline" } as const;
/** Closes refused the LLM because the day's budget was spent. */
export const BUDGET_ABSTAINS_METRIC = "BudgetAbstains";

export const ANALYSIS_QUEUE = {
  /** After this many receives a message moves to the DLQ. */
  maxReceiveCount: 5,
  /** AWS's guidance for an SQS event source: at least 6x the function timeout. */
  visibilityTimeoutSeconds: 6 * FUNCTION_TIMEOUT_SECONDS.analyst,
  batchSize: 10,
  maxBatchingWindowSeconds: 5,
  retentionDays: 4,
  dlqRetentionDays: 14,
} as const;

export const NOTIFIER_STREAM = {
  batchSize: 10,
  retryAttempts: 5,
  maxRecordAgeSeconds: 6 * 3600,
  /** Lambda event filter: only inserted signals the alert policy flagged reach the notifier. */
  filterPattern: {
    eventName: ["INSERT"],
    dynamodb: { NewImage: { alert: { BOOL: [true] } } },
  },
} as const;

/** Environment variables the stack sets on functions (names only: values are never secrets). */
export const ENV_NAMES = {
  tableName: "TABLE_NAME",
  queueUrl: "QUEUE_URL",
  dlqUrl: "DLQ_URL",
  failedTicksUrl: "FAILED_TICKS_URL",
  notifierFailuresUrl: "NOTIFIER_FAILURES_URL",
  /** The stack's alarm names start with this (the stack name and a hyphen). */
  alarmNamePrefix: "ALARM_NAME_PREFIX",
  openaiKeyParameter: "OPENAI_API_KEY_PARAMETER",
  botTokenParameter: "TELEGRAM_BOT_TOKEN_PARAMETER",
  /** The dashboard's https URL (the bot's Function URL + /app), for the alerts' Dashboard button. */
  dashboardUrl: "DASHBOARD_URL",
} as const;

/** CloudFormation output keys of the stack; the CLI resolves the deployed resources from them. */
export const STACK_OUTPUTS = {
  tableName: "TableName",
  analysisQueueUrl: "AnalysisQueueUrl",
  analysisDlqUrl: "AnalysisDlqUrl",
  notifierFailureQueueUrl: "NotifierFailureQueueUrl",
  failedTicksQueueUrl: "FailedTicksQueueUrl",
  webhookUrl: "WebhookUrl",
  alarmTopicArn: "AlarmTopicArn",
} as const;

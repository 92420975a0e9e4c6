import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../functions/core/config";
import { scheduleExpression } from "../../functions/core/timeframes";
import {
  FUNCTION_TIMEOUT_SECONDS,
  SIGNALS_TABLE,
  STACK_OUTPUTS,
} from "../../functions/shared/resource-definitions";
import rawConfig from "../../signals.config";
import { logicalIdOf, resourcesOf, type Synthesized, synthesize } from "./synth";

type Props = Record<string, unknown>;
const getAtt = (id: string, attribute = "Arn") => ({ "Fn::GetAtt": [id, attribute] });

let synth: Synthesized;
let ids: Record<
  "fetcher" | "analyst" | "notifier" | "bot" | "alarm-notifier" | "table" | "queue" | "dlq",
  string
>;
function props(id: string): Props {
  const resource = (synth.json.Resources as Record<string, { Properties: Props }>)[id];
  if (!resource) throw new Error(`no resource ${id} in the template`);
  return resource.Properties;
}

beforeAll(() => {
  synth = synthesize();
  const fn = (prefix: string) => logicalIdOf(synth.json, "AWS::Lambda::Function", prefix);
  ids = {
    fetcher: fn("Fetcher"),
    analyst: fn("Analyst"),
    notifier: fn("Notifier"),
    bot: fn("Bot"),
    "alarm-notifier": fn("Alarms"),
    table: logicalIdOf(synth.json, "AWS::DynamoDB::Table", "Signals"),
    queue: logicalIdOf(synth.json, "AWS::SQS::Queue", "AnalysisQueue"),
    dlq: logicalIdOf(synth.json, "AWS::SQS::Queue", "AnalysisDeadLetters"),
  };
});

const scheduleNamed = (prefix: string) =>
  resourcesOf(synth.json, "AWS::Scheduler::Schedule")[
    logicalIdOf(synth.json, "AWS::Scheduler::Schedule", prefix)
  ]?.Properties as Props;
const fetchSchedule = () => scheduleNamed("FetcherSchedule");

describe("schedule", () => {
  it("fires the fetcher at every candle close of the configured timeframe, in UTC", () => {
    expect(Object.keys(resourcesOf(synth.json, "AWS::Scheduler::Schedule"))).toHaveLength(2);
    const schedule = fetchSchedule();
    expect(schedule.ScheduleExpression).toBe(scheduleExpression(parseConfig(rawConfig).timeframe));
    expect(schedule.ScheduleExpressionTimezone).toBe("Etc/UTC");
    expect(schedule.State).toBe("ENABLED");
    expect(schedule.FlexibleTimeWindow).toEqual({ Mode: "OFF" });
    const target = schedule.Target as Props;
    expect(target.Arn).toEqual(getAtt(ids.fetcher));
  });

  it("passes the scheduled time as the fetcher's input, and keeps undeliverable ticks", () => {
    const target = fetchSchedule().Target as Props;
    expect(JSON.parse(target.Input as string)).toEqual({ scheduledTime: "<aws.scheduler.scheduled-time>" });
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    const failedTicks = logicalIdOf(synth.json, "AWS::SQS::Queue", "FetcherFailedTicks");
    expect(target.DeadLetterConfig).toEqual({ Arn: getAtt(failedTicks) });
    // The same queue takes the fetcher's failed asynchronous invocations.
    expect(props(ids.fetcher).DeadLetterConfig).toEqual({ TargetArn: getAtt(failedTicks) });
  });
});

describe("outbox sweep schedule", () => {
  it("invokes the notifier with the sweep event at every candle close, through its own role", () => {
    const schedule = scheduleNamed("NotifierSweepSchedule");
    expect(schedule.ScheduleExpression).toBe(scheduleExpression(parseConfig(rawConfig).timeframe));
    expect(schedule.State).toBe("ENABLED");
    const target = schedule.Target as Props;
    expect(target.Arn).toEqual(getAtt(ids.notifier));
    expect(JSON.parse(target.Input as string)).toEqual({ sweep: "outbox" });
    expect(target.RoleArn).toEqual(
      getAtt(logicalIdOf(synth.json, "AWS::IAM::Role", "NotifierSweepScheduleRole")),
    );
  });
});

describe("analysis queue", () => {
  it("moves a message to the DLQ after 5 receives", () => {
    expect(props(ids.queue).RedrivePolicy).toEqual({
      deadLetterTargetArn: getAtt(ids.dlq),
      maxReceiveCount: 5,
    });
  });

  it("hides a received message for at least 6x the analyst's timeout", () => {
    const visibility = props(ids.queue).VisibilityTimeout as number;
    const analystTimeout = props(ids.analyst).Timeout as number;
    expect(analystTimeout).toBe(FUNCTION_TIMEOUT_SECONDS.analyst);
    expect(visibility).toBeGreaterThanOrEqual(6 * analystTimeout);
  });

  it("feeds the analyst in batches that report partial failures", () => {
    const mappings = Object.values(resourcesOf(synth.json, "AWS::Lambda::EventSourceMapping"))
      .map((mapping) => mapping.Properties as Props)
      .filter((mapping) => JSON.stringify(mapping.EventSourceArn) === JSON.stringify(getAtt(ids.queue)));
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0] as Props;
    expect(mapping.FunctionName).toEqual({ Ref: ids.analyst });
    expect(mapping.BatchSize).toBe(10);
    expect(mapping.MaximumBatchingWindowInSeconds).toBeGreaterThan(0);
    expect(mapping.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
  });

  it("encrypts every queue at rest and denies every request without TLS", () => {
    const queues = Object.keys(resourcesOf(synth.json, "AWS::SQS::Queue"));
    expect(queues.length).toBeGreaterThanOrEqual(4);
    const policies = Object.values(resourcesOf(synth.json, "AWS::SQS::QueuePolicy")).map(
      (p) => p.Properties as Props,
    );
    for (const queue of queues) {
      expect(props(queue).SqsManagedSseEnabled, queue).toBe(true);
      const policy = policies.find((p) => JSON.stringify(p.Queues) === JSON.stringify([{ Ref: queue }]));
      const statements = (policy?.PolicyDocument as { Statement: Props[] } | undefined)?.Statement ?? [];
      expect(statements, queue).toContainEqual(
        expect.objectContaining({
          Effect: "Deny",
          Action: "sqs:*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      );
    }
  });
});

describe("notifier stream", () => {
  function streamMapping(): Props {
    const mapping = Object.values(resourcesOf(synth.json, "AWS::Lambda::EventSourceMapping"))
      .map((resource) => resource.Properties)
      .find(
        (properties) => JSON.stringify(properties.FunctionName) === JSON.stringify({ Ref: ids.notifier }),
      );
    if (!mapping) throw new Error("no event source mapping for the notifier");
    return mapping;
  }

  it("reads the table's stream, filtered to inserted signals flagged as alerts", () => {
    const mapping = streamMapping();
    expect(mapping.EventSourceArn).toEqual(getAtt(ids.table, "StreamArn"));
    expect(mapping.StartingPosition).toBe("LATEST");
    const filters = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { eventName: ["INSERT"], dynamodb: { NewImage: { alert: { BOOL: [true] } } } },
    ]);
  });

  it("bisects failing batches, retries a bounded number of times, then records the failure in a queue", () => {
    const mapping = streamMapping();
    expect(mapping.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.MaximumRetryAttempts).toBe(5);
    expect(mapping.MaximumRecordAgeInSeconds).toBe(6 * 3600);
    expect(mapping.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
    const failures = logicalIdOf(synth.json, "AWS::SQS::Queue", "NotifierFailedRecords");
    expect(mapping.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt(failures) } });
  });
});

describe("signals table", () => {
  it("has the shared key design, the three sparse indexes and a TTL", () => {
    const table = props(ids.table);
    expect(table.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    const indexes = (table.GlobalSecondaryIndexes as Props[]).map((index) => [
      index.IndexName,
      index.KeySchema,
    ]);
    expect(indexes).toEqual([
      [
        "alerts",
        [
          { AttributeName: "gsi1pk", KeyType: "HASH" },
          { AttributeName: "gsi1sk", KeyType: "RANGE" },
        ],
      ],
      [
        "alertsBySymbol",
        [
          { AttributeName: "gsi2pk", KeyType: "HASH" },
          { AttributeName: "gsi2sk", KeyType: "RANGE" },
        ],
      ],
      [
        "sides",
        [
          { AttributeName: "gsi3pk", KeyType: "HASH" },
          { AttributeName: "gsi3sk", KeyType: "RANGE" },
        ],
      ],
    ]);
    expect(table.TimeToLiveSpecification).toEqual({
      AttributeName: SIGNALS_TABLE.ttlAttribute,
      Enabled: true,
    });
  });

  it("projects whole items into the alert indexes and only what scoring reads into the sides index", () => {
    const projections = Object.fromEntries(
      (props(ids.table).GlobalSecondaryIndexes as Props[]).map((index) => [
        index.IndexName,
        index.Projection,
      ]),
    );
    expect(projections).toEqual({
      alerts: { ProjectionType: "ALL" },
      alertsBySymbol: { ProjectionType: "ALL" },
      sides: {
        ProjectionType: "INCLUDE",
        NonKeyAttributes: ["symbol", "timeframe", "candleTime", "action", "price", "outcomes"],
      },
    });
  });

  it("is on demand, recoverable to a point in time, streams new images and survives stack deletion", () => {
    const table = props(ids.table);
    expect(table.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.StreamSpecification).toEqual({ StreamViewType: "NEW_IMAGE" });
    const resource = (synth.json.Resources as Record<string, Props>)[ids.table];
    expect(resource?.DeletionPolicy).toBe("Retain");
    expect(resource?.UpdateReplacePolicy).toBe("Retain");
  });
});

describe("functions", () => {
  it("are exactly the five handlers, each on Node 24, ARM64, outside any VPC", () => {
    const functions = resourcesOf(synth.json, "AWS::Lambda::Function");
    expect(Object.keys(functions).sort()).toEqual(
      [ids.analyst, ids.bot, ids.fetcher, ids.notifier, ids["alarm-notifier"]].sort(),
    );
    for (const [id, fn] of Object.entries(functions)) {
      expect(fn.Properties.Runtime, id).toBe("nodejs24.x");
      expect(fn.Properties.Architectures, id).toEqual(["arm64"]);
      expect(fn.Properties.VpcConfig, id).toBeUndefined();
      expect(fn.Properties.Handler, id).toBe("index.handler");
    }
  });

  it("take their timeouts from FUNCTION_TIMEOUT_SECONDS and set a memory size", () => {
    for (const name of ["fetcher", "analyst", "notifier", "bot", "alarm-notifier"] as const) {
      expect(props(ids[name]).Timeout, name).toBe(FUNCTION_TIMEOUT_SECONDS[name]);
      expect(props(ids[name]).MemorySize, name).toBeGreaterThanOrEqual(128);
    }
  });

  it("log to their own log group with a retention, with source maps and Powertools settings", () => {
    const logGroups = resourcesOf(synth.json, "AWS::Logs::LogGroup");
    for (const name of ["fetcher", "analyst", "notifier", "bot", "alarm-notifier"] as const) {
      const fn = props(ids[name]);
      const logGroupId = ((fn.LoggingConfig as Props).LogGroup as { Ref: string }).Ref;
      expect(logGroups[logGroupId]?.Properties.RetentionInDays, name).toBeGreaterThan(0);
      expect((fn.Environment as { Variables: Props }).Variables).toMatchObject({
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_METRICS_NAMESPACE: "SignalPipeline",
        POWERTOOLS_SERVICE_NAME: "signal-pipeline",
        POWERTOOLS_LOG_LEVEL: "INFO",
      });
    }
  });

  it("are told where their resources are through the ENV_NAMES variables", () => {
    const env = (name: keyof typeof ids) => (props(ids[name]).Environment as { Variables: Props }).Variables;
    expect(env("fetcher").QUEUE_URL).toEqual({ Ref: ids.queue });
    for (const name of ["fetcher", "analyst", "notifier", "bot"] as const)
      expect(env(name).TABLE_NAME).toEqual({ Ref: ids.table });
    expect(env("bot").DLQ_URL).toEqual({ Ref: ids.dlq });
  });
});

describe("bot webhook", () => {
  it("is a public Function URL on the bot (Telegram cannot sign requests; the handler checks the secret)", () => {
    const urls = Object.values(resourcesOf(synth.json, "AWS::Lambda::Url")).map((url) => url.Properties);
    expect(urls).toEqual([{ AuthType: "NONE", TargetFunctionArn: getAtt(ids.bot) }]);
  });
});

describe("stack outputs", () => {
  it("name the table, the queues and the webhook URL under the keys the CLI reads", () => {
    const outputs = synth.json.Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(Object.values(STACK_OUTPUTS).sort());
    expect(outputs.TableName?.Value).toEqual({ Ref: ids.table });
    expect(outputs.AnalysisQueueUrl?.Value).toEqual({ Ref: ids.queue });
    expect(outputs.AnalysisDlqUrl?.Value).toEqual({ Ref: ids.dlq });
    const failures = logicalIdOf(synth.json, "AWS::SQS::Queue", "NotifierFailedRecords");
    expect(outputs.NotifierFailureQueueUrl?.Value).toEqual({ Ref: failures });
    const ticks = logicalIdOf(synth.json, "AWS::SQS::Queue", "FetcherFailedTicks");
    expect(outputs.FailedTicksQueueUrl?.Value).toEqual({ Ref: ticks });
    const url = logicalIdOf(synth.json, "AWS::Lambda::Url", "Bot");
    expect(outputs.WebhookUrl?.Value).toEqual(getAtt(url, "FunctionUrl"));
  });
});

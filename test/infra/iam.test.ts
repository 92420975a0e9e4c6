import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../functions/core/config";
import { SIGNALS_TABLE } from "../../functions/shared/resource-definitions";
import rawConfig from "../../signals.config";
import { logicalIdOf, resourcesOf, type Synthesized, synthesize } from "./synth";

interface Statement {
  effect: string;
  actions: string[];
  resources: string[];
}

/** Renders a CloudFormation value readably: GetAtt → `Id.Attr`, Ref → `Id`, Join → the joined parts. */
function render(value: unknown): string {
  if (typeof value === "string") return value;
  const intrinsic = value as Record<string, unknown>;
  if (intrinsic.Ref) return `${intrinsic.Ref}`;
  if (intrinsic["Fn::GetAtt"]) return (intrinsic["Fn::GetAtt"] as string[]).join(".");
  if (intrinsic["Fn::Join"]) {
    const [separator, parts] = intrinsic["Fn::Join"] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  return JSON.stringify(value);
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

let synth: Synthesized;
const config = parseConfig(rawConfig);
const parameterArn = (name: string) =>
  `arn:AWS::Partition:ssm:AWS::Region:AWS::AccountId:parameter${name.startsWith("/") ? name : `/${name}`}`;

/** Every Allow/Deny statement in the policies attached to the role whose logical id starts with `prefix`. */
function statementsOf(rolePrefix: string): Statement[] {
  const role = logicalIdOf(synth.json, "AWS::IAM::Role", rolePrefix);
  return Object.values(resourcesOf(synth.json, "AWS::IAM::Policy"))
    .filter((policy) => list(policy.Properties.Roles as unknown[]).some((ref) => render(ref) === role))
    .flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    )
    .map((statement) => ({
      effect: statement.Effect as string,
      actions: list(statement.Action as string | string[]),
      resources: list(statement.Resource).map(render),
    }));
}

/** Resources granted for actions of one service (`dynamodb`, `sqs`, `ssm`, ...), across the role's statements. */
const resourcesFor = (statements: Statement[], service: string) =>
  [
    ...new Set(
      statements
        .filter((statement) => statement.actions.some((action) => action.startsWith(`${service}:`)))
        .flatMap((statement) => statement.resources),
    ),
  ].sort();

const actionsFor = (statements: Statement[], service: string) =>
  [
    ...new Set(statements.flatMap((s) => s.actions).filter((action) => action.startsWith(`${service}:`))),
  ].sort();

let table: string;
let queue: string;
let dlq: string;

beforeAll(() => {
  synth = synthesize();
  table = logicalIdOf(synth.json, "AWS::DynamoDB::Table", "Signals");
  queue = logicalIdOf(synth.json, "AWS::SQS::Queue", "AnalysisQueue");
  dlq = logicalIdOf(synth.json, "AWS::SQS::Queue", "AnalysisDeadLetters");
});

describe("function roles", () => {
  const roles = [
    "FetcherFunctionRole",
    "AnalystFunctionRole",
    "NotifierFunctionRole",
    "BotFunctionRole",
    "AlarmsFunctionRole",
  ];

  it("carry no AWS managed policy and no inline wildcard action", () => {
    for (const prefix of roles) {
      const role = logicalIdOf(synth.json, "AWS::IAM::Role", prefix);
      const properties = resourcesOf(synth.json, "AWS::IAM::Role")[role]?.Properties ?? {};
      expect(properties.ManagedPolicyArns, prefix).toBeUndefined();
      for (const statement of statementsOf(prefix)) {
        expect(statement.effect).toBe("Allow");
        for (const action of statement.actions) expect(action, prefix).not.toMatch(/(^\*$|:\*$)/);
      }
    }
  });

  it("have no `*` resource for DynamoDB, SQS or SSM, except ListStreams, which takes no resource", () => {
    for (const prefix of roles) {
      for (const statement of statementsOf(prefix)) {
        if (!statement.resources.includes("*")) continue;
        expect(statement.actions, prefix).toEqual(["dynamodb:ListStreams"]);
      }
    }
  });

  it("may write logs only to their own log group", () => {
    for (const prefix of roles) {
      const name = prefix.replace("FunctionRole", "");
      const logGroup = logicalIdOf(synth.json, "AWS::Logs::LogGroup", `${name}FunctionLogs`);
      expect(resourcesFor(statementsOf(prefix), "logs"), prefix).toEqual([`${logGroup}.Arn`]);
    }
  });

  it("may send only the DynamoDB item commands their code sends, on the table and the indexes they query", () => {
    const onTable = (...actions: string[]) => ({
      effect: "Allow",
      actions: actions.map((action) => `dynamodb:${action}`),
      resources: [`${table}.Arn`],
    });
    const queryOn = (...indexes: string[]) => ({
      effect: "Allow",
      actions: ["dynamodb:Query"],
      resources: indexes.map((name) => `${table}.Arn/index/${name}`),
    });
    const dynamoStatements = (prefix: string) =>
      statementsOf(prefix).filter((s) => s.actions.some((a) => a.startsWith("dynamodb:")));
    const { alerts } = SIGNALS_TABLE.indexes;
    // latestCandleTime: a key-only Query of each symbol's partition.
    expect(dynamoStatements("FetcherFunctionRole")).toEqual([onTable("Query")]);
    // Signal, verdict, claim, spend, outcomes, mutes, failures; every index by name (the last alert
    // and the scored sides), so an index added to SIGNALS_TABLE is granted with it.
    expect(dynamoStatements("AnalystFunctionRole")).toEqual([
      onTable("GetItem", "PutItem", "UpdateItem", "Query"),
      queryOn(...Object.values(SIGNALS_TABLE.indexes).map((index) => index.name)),
    ]);
    // Deliveries and chat states, the outbox sweep's alerts index, and the stream its event source reads.
    expect(dynamoStatements("NotifierFunctionRole")).toEqual([
      onTable("GetItem", "PutItem", "UpdateItem", "Query"),
      queryOn(alerts.name),
      { effect: "Allow", actions: ["dynamodb:ListStreams"], resources: ["*"] },
      {
        effect: "Allow",
        actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        resources: [`${table}.StreamArn`],
      },
    ]);
    // Spend, mute and unmute, history, and /last through the alerts index.
    expect(dynamoStatements("BotFunctionRole")).toEqual([
      onTable("GetItem", "PutItem", "DeleteItem", "Query"),
      queryOn(alerts.name),
    ]);
    expect(dynamoStatements("AlarmsFunctionRole")).toEqual([]);
  });

  it("never get a DynamoDB scan, batch, transaction, describe or table-management action", () => {
    for (const prefix of roles) {
      for (const action of actionsFor(statementsOf(prefix), "dynamodb"))
        expect(action, prefix).not.toMatch(
          /:(Scan|Batch.*|Transact.*|ConditionCheckItem|DescribeTable|(Create|Update|Delete)Table)$/,
        );
    }
  });

  it("touch only their own queues: fetcher sends, analyst consumes, bot reads the DLQ depth", () => {
    const failedTicks = logicalIdOf(synth.json, "AWS::SQS::Queue", "FetcherFailedTicks");
    const failedRecords = logicalIdOf(synth.json, "AWS::SQS::Queue", "NotifierFailedRecords");
    expect(resourcesFor(statementsOf("FetcherFunctionRole"), "sqs")).toEqual(
      [`${queue}.Arn`, `${failedTicks}.Arn`].sort(),
    );
    expect(actionsFor(statementsOf("FetcherFunctionRole"), "sqs")).not.toContain("sqs:ReceiveMessage");
    expect(resourcesFor(statementsOf("AnalystFunctionRole"), "sqs")).toEqual([`${queue}.Arn`]);
    expect(actionsFor(statementsOf("AnalystFunctionRole"), "sqs")).toContain("sqs:DeleteMessage");
    expect(resourcesFor(statementsOf("NotifierFunctionRole"), "sqs")).toEqual([`${failedRecords}.Arn`]);
    // The bot reads the depth of each DLQ for /status, and nothing else in SQS.
    expect(actionsFor(statementsOf("BotFunctionRole"), "sqs")).toEqual(["sqs:GetQueueAttributes"]);
    expect(resourcesFor(statementsOf("BotFunctionRole"), "sqs")).toEqual(
      [`${dlq}.Arn`, `${failedTicks}.Arn`, `${failedRecords}.Arn`].sort(),
    );
    expect(
      statementsOf("BotFunctionRole").filter((s) => s.actions.some((a) => a.startsWith("cloudwatch:"))),
    ).toEqual([
      {
        effect: "Allow",
        actions: ["cloudwatch:DescribeAlarms"],
        resources: [
          `arn:AWS::Partition:cloudwatch:AWS::Region:AWS::AccountId:alarm:${synth.stack.stackName}-*`,
        ],
      },
    ]);
    const failedNotifications = logicalIdOf(synth.json, "AWS::SQS::Queue", "AlarmsFailedNotifications");
    expect(
      statementsOf("AlarmsFunctionRole").filter((s) => s.actions.some((a) => a.startsWith("sqs:"))),
    ).toEqual([{ effect: "Allow", actions: ["sqs:SendMessage"], resources: [`${failedNotifications}.Arn`] }]);
  });

  it("read exactly the SSM parameters the config names, each only where it is needed", () => {
    const openAi = parameterArn(config.openai.apiKeyParameter);
    const botToken = parameterArn(config.telegram.botTokenParameter);
    expect(resourcesFor(statementsOf("FetcherFunctionRole"), "ssm")).toEqual([]);
    expect(resourcesFor(statementsOf("AnalystFunctionRole"), "ssm")).toEqual([openAi]);
    expect(resourcesFor(statementsOf("NotifierFunctionRole"), "ssm")).toEqual([botToken]);
    expect(resourcesFor(statementsOf("BotFunctionRole"), "ssm")).toEqual([botToken]);
    expect(resourcesFor(statementsOf("AlarmsFunctionRole"), "ssm")).toEqual([botToken]);
    // Powertools' getParameter sends GetParameter (WithDecryption) and nothing else.
    for (const prefix of roles) {
      const reads = statementsOf(prefix).filter((s) => s.actions.some((a) => a.startsWith("ssm:")));
      for (const statement of reads) expect(statement.actions, prefix).toEqual(["ssm:GetParameter"]);
    }
  });

  it("need no KMS grant: the parameters use the aws/ssm key, whose key policy allows use through SSM", () => {
    for (const prefix of roles) expect(actionsFor(statementsOf(prefix), "kms"), prefix).toEqual([]);
  });
});

describe("sweep scheduler role", () => {
  it("is assumed by EventBridge Scheduler and may only invoke the notifier", () => {
    const role = logicalIdOf(synth.json, "AWS::IAM::Role", "NotifierSweepScheduleRole");
    const trust = resourcesOf(synth.json, "AWS::IAM::Role")[role]?.Properties.AssumeRolePolicyDocument;
    expect(JSON.stringify(trust)).toContain("scheduler.amazonaws.com");
    const notifier = logicalIdOf(synth.json, "AWS::Lambda::Function", "Notifier");
    expect(statementsOf("NotifierSweepScheduleRole")).toEqual([
      {
        effect: "Allow",
        actions: ["lambda:InvokeFunction"],
        resources: [`${notifier}.Arn`, `${notifier}.Arn:*`],
      },
    ]);
  });
});

describe("scheduler role", () => {
  it("is assumed by EventBridge Scheduler and may only invoke the fetcher and write its DLQ", () => {
    const role = logicalIdOf(synth.json, "AWS::IAM::Role", "FetcherScheduleRole");
    const trust = resourcesOf(synth.json, "AWS::IAM::Role")[role]?.Properties.AssumeRolePolicyDocument;
    expect(JSON.stringify(trust)).toContain("scheduler.amazonaws.com");
    const fetcher = logicalIdOf(synth.json, "AWS::Lambda::Function", "Fetcher");
    const failedTicks = logicalIdOf(synth.json, "AWS::SQS::Queue", "FetcherFailedTicks");
    expect(statementsOf("FetcherScheduleRole")).toEqual([
      {
        effect: "Allow",
        actions: ["lambda:InvokeFunction"],
        resources: [`${fetcher}.Arn`, `${fetcher}.Arn:*`],
      },
      { effect: "Allow", actions: ["sqs:SendMessage"], resources: [`${failedTicks}.Arn`] },
    ]);
  });
});

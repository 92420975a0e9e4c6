import { beforeAll, describe, expect, it } from "vitest";
import { ALARMS, alarmDescription } from "../../functions/core/alarms";
import { parseConfig } from "../../functions/core/config";
import { timeframeMs } from "../../functions/core/timeframes";
import { ALARM_SETTINGS } from "../../lib/alarms";
import rawConfig from "../../signals.config";
import { logicalIdOf, resourcesOf, type Synthesized, synthesize } from "./synth";

type Props = Record<string, unknown>;
const config = parseConfig(rawConfig);
let synth: Synthesized;
let alarms: Record<string, Props>;
let topic: string;

/** The alarm whose name ends with the catalog id. */
const alarm = (id: keyof typeof ALARMS): Props => {
  const found = Object.values(alarms).find((a) => String(a.AlarmName).endsWith(`-${id}`));
  if (!found) throw new Error(`no alarm ${id}`);
  return found;
};
const queueId = (prefix: string) => logicalIdOf(synth.json, "AWS::SQS::Queue", prefix);
const functionId = (prefix: string) => logicalIdOf(synth.json, "AWS::Lambda::Function", prefix);

beforeAll(() => {
  synth = synthesize();
  alarms = Object.fromEntries(
    Object.entries(resourcesOf(synth.json, "AWS::CloudWatch::Alarm")).map(([id, r]) => [id, r.Properties]),
  );
  topic = logicalIdOf(synth.json, "AWS::SNS::Topic", "AlarmsTopic");
});

describe("alarms", () => {
  it("are one per catalog entry, at most 10 (CloudWatch's free tier), named and described in plain words", () => {
    expect(Object.keys(alarms)).toHaveLength(Object.keys(ALARMS).length);
    expect(Object.keys(alarms).length).toBeLessThanOrEqual(10);
    for (const id of Object.keys(ALARMS) as Array<keyof typeof ALARMS>) {
      expect(alarm(id).AlarmName).toBe(`${synth.stack.stackName}-${id}`);
      expect(alarm(id).AlarmDescription).toBe(alarmDescription(id));
    }
  });

  it("send both ALARM and OK to the topic", () => {
    for (const props of Object.values(alarms)) {
      expect(props.AlarmActions).toEqual([{ Ref: topic }]);
      expect(props.OKActions).toEqual([{ Ref: topic }]);
    }
  });

  it.each([
    ["analysisDlq", "AnalysisDeadLetters"],
    ["failedTicks", "FetcherFailedTicks"],
    ["notifierFailures", "NotifierFailedRecords"],
  ] as const)("%s fires on one visible message in its queue, quiet when there is no data", (id, queue) => {
    const props = alarm(id);
    expect(props).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Statistic: "Maximum",
      Period: ALARM_SETTINGS.periodMinutes * 60,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
    });
    expect(props.Dimensions).toEqual([
      { Name: "QueueName", Value: { "Fn::GetAtt": [queueId(queue), "QueueName"] } },
    ]);
  });

  it("noTicks is a dead man: no successful tick for 3 candle intervals, missing data breaching", () => {
    const props = alarm("noTicks");
    expect(props).toMatchObject({
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      EvaluationPeriods: ALARM_SETTINGS.silentCandles,
      TreatMissingData: "breaching",
    });
    expect(ALARM_SETTINGS.silentCandles).toBe(3);
    const metrics = props.Metrics as Array<Props>;
    const expression = metrics.find((m) => m.Expression);
    expect(expression?.Expression).toBe("invocations - FILL(errors, 0)");
    const period = timeframeMs(config.timeframe) / 1000;
    const fetcher = { Ref: functionId("FetcherFunction") };
    for (const [id, name] of [
      ["invocations", "Invocations"],
      ["errors", "Errors"],
    ]) {
      const stat = metrics.find((m) => m.Id === id)?.MetricStat as Props;
      expect(stat).toMatchObject({ Period: period, Stat: "Sum" });
      expect(stat.Metric).toEqual({
        Namespace: "AWS/Lambda",
        MetricName: name,
        Dimensions: [{ Name: "FunctionName", Value: fetcher }],
      });
    }
  });

  it.each([
    ["analystErrors", "AnalystFunction"],
    ["notifierErrors", "NotifierFunction"],
  ] as const)("%s fires on any error of its function", (id, fn) => {
    expect(alarm(id)).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Statistic: "Sum",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: functionId(fn) } }],
    });
  });

  it("notifierBacklog fires when the notifier lags the stream by 10 minutes", () => {
    expect(alarm("notifierBacklog")).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "IteratorAge",
      Statistic: "Maximum",
      Threshold: 600_000,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: functionId("NotifierFunction") } }],
    });
  });

  it("llmBudget fires when a close was refused the LLM for budget, from the analyst's own metric", () => {
    expect(alarm("llmBudget")).toMatchObject({
      Namespace: "SignalPipeline",
      MetricName: "BudgetAbstains",
      Dimensions: [{ Name: "service", Value: "signal-pipeline" }],
      Statistic: "Sum",
      Period: 3600,
      Threshold: 1,
      TreatMissingData: "notBreaching",
    });
  });
});

describe("the alarm topic", () => {
  it("requires TLS from publishers", () => {
    const policies = Object.values(resourcesOf(synth.json, "AWS::SNS::TopicPolicy"));
    const statements = policies.flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Props[] }).Statement,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });

  it("reaches the alarm notifier function, with a dead-letter queue for what it cannot deliver", () => {
    const subscriptions = Object.values(resourcesOf(synth.json, "AWS::SNS::Subscription")).map(
      (s) => s.Properties,
    );
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]).toMatchObject({
      Protocol: "lambda",
      TopicArn: { Ref: topic },
      Endpoint: { "Fn::GetAtt": [functionId("AlarmsFunction"), "Arn"] },
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [queueId("AlarmsFailedNotifications"), "Arn"] } },
    });
    const permissions = Object.values(resourcesOf(synth.json, "AWS::Lambda::Permission")).map(
      (p) => p.Properties,
    );
    expect(permissions).toContainEqual(
      expect.objectContaining({ Principal: "sns.amazonaws.com", SourceArn: { Ref: topic } }),
    );
  });

  it("adds an e-mail subscription when alarms.email is set", () => {
    const withEmail = synthesize({ alarms: { email: "owner@example.com" } });
    const subscriptions = Object.values(resourcesOf(withEmail.json, "AWS::SNS::Subscription")).map(
      (s) => s.Properties,
    );
    expect(subscriptions.map((s) => s.Protocol).sort()).toEqual(["email", "lambda"]);
    expect(subscriptions.find((s) => s.Protocol === "email")?.Endpoint).toBe("owner@example.com");
  });

  it("refuses an alarms.email that is not an address, naming the field", () => {
    expect(() => synthesize({ alarms: { email: "owner" } })).toThrow(/alarms\.email = "owner"/);
  });
});

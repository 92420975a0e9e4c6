import { Duration, Stack, Validations } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription, LambdaSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type AlarmId, alarmDescription, alarmName } from "../functions/core/alarms";
import type { Config } from "../functions/core/config";
import { timeframeMs } from "../functions/core/timeframes";
import { BUDGET_ABSTAINS_METRIC, METRICS } from "../functions/shared/resource-definitions";
import { DeadLetterQueue } from "./encrypted-queue";
import { PipelineFunction } from "./pipeline-function";
import { grantSecret, type SecretParameter } from "./secret-parameters";

export interface PipelineAlarmsProps {
  config: Config;
  fetcher: IFunction;
  analyst: IFunction;
  notifier: IFunction;
  deadLetterQueues: Record<"analysisDlq" | "failedTicks" | "notifierFailures", IQueue>;
  telegramBotToken: SecretParameter;
}

/** Alarm thresholds, named so the infra tests and the README read the same numbers. */
export const ALARM_SETTINGS = {
  /** Errors and DLQ depth are judged over 5 minutes. */
  periodMinutes: 5,
  /** The dead man's switch: this many candle intervals with no successful tick. */
  silentCandles: 3,
  /** The notifier may lag the stream by this much before alerts count as late. */
  iteratorAgeMs: 10 * 60_000,
} as const;

/**
 * The alarms that tell the owner the deployed pipeline broke (8: CloudWatch's first 10 are free), an
 * SNS topic for their ALARM and OK changes, and the function that posts those changes to Telegram.
 * An optional e-mail subscription covers the case where Telegram itself is what broke.
 */
export class PipelineAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Record<AlarmId, Alarm>;
  readonly function: PipelineFunction;
  readonly failedNotifications: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.topic = new Topic(this, "Topic", {
      displayName: "Signal Pipeline alarms",
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key, and a customer-managed " +
        "key costs $1 a month; the messages hold alarm names and states only, never a secret or a signal.",
    });

    this.failedNotifications = new DeadLetterQueue(this, "FailedNotifications", {
      usedBy: "the alarm topic's subscriptions and the alarm notifier's asynchronous invocations",
    });
    Validations.of(this.failedNotifications).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This queue is itself a dead-letter queue (of the alarm topic and the alarm notifier).",
    });

    this.function = new PipelineFunction(this, "Function", {
      name: "alarm-notifier",
      memorySize: 256,
      deadLetterQueue: this.failedNotifications,
    });
    grantSecret(this.function, props.telegramBotToken);
    this.topic.addSubscription(
      new LambdaSubscription(this.function, { deadLetterQueue: this.failedNotifications }),
    );
    if (props.config.alarms.email)
      this.topic.addSubscription(
        new EmailSubscription(props.config.alarms.email, { deadLetterQueue: this.failedNotifications }),
      );

    const period = Duration.minutes(ALARM_SETTINGS.periodMinutes);
    const depth = (queue: IQueue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period, statistic: "Maximum" });
    const candle = Duration.millis(timeframeMs(props.config.timeframe));
    const successfulTicks = new MathExpression({
      expression: "invocations - FILL(errors, 0)",
      usingMetrics: {
        invocations: props.fetcher.metricInvocations({ period: candle, statistic: "Sum" }),
        errors: props.fetcher.metricErrors({ period: candle, statistic: "Sum" }),
      },
      period: candle,
      label: "Successful fetch ticks",
    });
    const errors = (fn: IFunction) => fn.metricErrors({ period, statistic: "Sum" });

    const atLeastOne = {
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    };
    const specs: Record<
      AlarmId,
      {
        metric: IMetric;
        threshold: number;
        comparisonOperator: ComparisonOperator;
        evaluationPeriods?: number;
        missing?: TreatMissingData;
      }
    > = {
      analysisDlq: { metric: depth(props.deadLetterQueues.analysisDlq), ...atLeastOne },
      failedTicks: { metric: depth(props.deadLetterQueues.failedTicks), ...atLeastOne },
      notifierFailures: { metric: depth(props.deadLetterQueues.notifierFailures), ...atLeastOne },
      noTicks: {
        metric: successfulTicks,
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: ALARM_SETTINGS.silentCandles,
        // No data at all is the loudest silence: the schedule or the function is gone.
        missing: TreatMissingData.BREACHING,
      },
      analystErrors: { metric: errors(props.analyst), ...atLeastOne },
      notifierErrors: { metric: errors(props.notifier), ...atLeastOne },
      notifierBacklog: {
        metric: new Metric({
          namespace: "AWS/Lambda",
          metricName: "IteratorAge",
          dimensionsMap: { FunctionName: props.notifier.functionName },
          statistic: "Maximum",
          period,
        }),
        threshold: ALARM_SETTINGS.iteratorAgeMs,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      },
      llmBudget: {
        metric: new Metric({
          namespace: METRICS.namespace,
          metricName: BUDGET_ABSTAINS_METRIC,
          dimensionsMap: { service: METRICS.service },
          statistic: "Sum",
          period: Duration.hours(1),
        }),
        ...atLeastOne,
      },
    };

    const action = new SnsAction(this.topic);
    this.alarms = Object.fromEntries(
      Object.entries(specs).map(([key, spec]) => {
        const alarmId = key as AlarmId;
        const alarm = new Alarm(this, alarmId, {
          alarmName: alarmName(stackName, alarmId),
          alarmDescription: alarmDescription(alarmId),
          metric: spec.metric,
          threshold: spec.threshold,
          comparisonOperator: spec.comparisonOperator,
          evaluationPeriods: spec.evaluationPeriods ?? 1,
          treatMissingData: spec.missing ?? TreatMissingData.NOT_BREACHING,
        });
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        return [alarmId, alarm];
      }),
    ) as Record<AlarmId, Alarm>;
  }
}

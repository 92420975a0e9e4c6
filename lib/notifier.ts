import { createRequire } from "node:module";
import { Duration, Stack, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { type CfnFunction, FilterCriteria, StartingPosition } from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import { Schedule, ScheduleExpression, ScheduleTargetInput } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import { Construct } from "constructs";
import { scheduleExpression, type Timeframe } from "../functions/core/timeframes";
import type { OutboxSweepEvent } from "../functions/notifier/handler";
import { ENV_NAMES, NOTIFIER_STREAM } from "../functions/shared/resource-definitions";
import { chartFontCandidates, findShipped, RESVG_WASM_FILE } from "../functions/shared/shipped-files";
import { DeadLetterQueue } from "./encrypted-queue";
import { PipelineFunction } from "./pipeline-function";
import { grantSecret, type SecretParameter } from "./secret-parameters";
import type { SignalsTable } from "./signals-table";

export interface NotifierProps {
  signals: SignalsTable;
  telegramBotToken: SecretParameter;
  /** The outbox sweep fires at every candle close of this timeframe, like the fetch. */
  timeframe: Timeframe;
}

const SWEEP_EVENT: OutboxSweepEvent = { sweep: "outbox" };

/**
 * The notifier: reads the table's stream (the outbox), filtered to inserted signals the alert policy
 * flagged, and sends them to Telegram. A record that keeps failing is bisected out of its batch,
 * retried a bounded number of times, then described in the failure queue.
 */
export class Notifier extends Construct {
  readonly function: PipelineFunction;
  readonly failedRecords: DeadLetterQueue;
  /** Delivers alerts whose stream record was lost (expired past its maximum age). */
  readonly sweepSchedule: Schedule;

  constructor(scope: Construct, id: string, props: NotifierProps) {
    super(scope, id);
    this.failedRecords = new DeadLetterQueue(this, "FailedRecords", {
      usedBy: "the notifier's stream event source (on-failure destination)",
    });
    Validations.of(this.failedRecords).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is itself a dead-letter queue: the on-failure destination of the notifier's stream.",
    });

    this.function = new PipelineFunction(this, "Function", {
      name: "notifier",
      // The chart is rendered in-process: SVG to PNG with resvg's wasm and the shipped font, both read
      // beside the bundle.
      memorySize: 512,
      filesBesideBundle: [
        createRequire(import.meta.url).resolve(`@resvg/resvg-wasm/${RESVG_WASM_FILE}`),
        ...chartFontCandidates().map((candidates) => findShipped("chart font", candidates)),
      ],
      environment: { [ENV_NAMES.tableName]: props.signals.table.tableName },
    });
    // GetItem: deliveredTo; UpdateItem: deliveredTo and notifiedAt; PutItem: an undeliverable chat;
    // Query: the chat states, and the alerts index for the outbox sweep. Stream reads come with the
    // event source below.
    props.signals.grantItemActions(this.function, {
      actions: ["GetItem", "PutItem", "UpdateItem", "Query"],
      queriedIndexes: ["alerts"],
    });
    grantSecret(this.function, props.telegramBotToken);

    this.function.addEventSource(
      new DynamoEventSource(props.signals.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: NOTIFIER_STREAM.batchSize,
        filters: [FilterCriteria.filter(NOTIFIER_STREAM.filterPattern)],
        bisectBatchOnError: true,
        retryAttempts: NOTIFIER_STREAM.retryAttempts,
        maxRecordAge: Duration.seconds(NOTIFIER_STREAM.maxRecordAgeSeconds),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.failedRecords),
      }),
    );

    Validations.of(this.function.role ?? this.function).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "The stream event source grants dynamodb:ListStreams, which has no resource-level permissions; " +
        "every other stream and table action is scoped to the table's ARNs.",
    });
    Validations.of(this.function).acknowledge({
      id: "Serverless-LambdaDLQ",
      reason:
        "Stream batches are synchronous and fail to the event source's on-failure destination (the " +
        "FailedRecords queue); the only asynchronous invocation is the outbox sweep, whose next firing " +
        "reads the same window, so a failed sweep loses nothing a DLQ would keep.",
    });

    // Scheduler's own role, allowed to invoke this function only. A missed sweep needs no DLQ:
    // the next one reads the same window.
    const sweepRole = new Role(this, "SweepScheduleRole", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com"),
      description: "Signal Pipeline: lets the outbox sweep schedule invoke the notifier",
    });
    Validations.of(sweepRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason:
        "LambdaInvoke also allows the function's versions and aliases (`<arn>:*`); it is still this one function.",
    });
    this.sweepSchedule = new Schedule(this, "SweepSchedule", {
      description: "Signal Pipeline: deliver stored alerts that were never notified (the outbox sweep)",
      schedule: ScheduleExpression.expression(scheduleExpression(props.timeframe)),
      target: new LambdaInvoke(this.function, {
        input: ScheduleTargetInput.fromObject(SWEEP_EVENT),
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        role: sweepRole,
      }),
    });
  }
}

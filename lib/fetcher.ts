import { Duration, Stack, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { Timeframe } from "../functions/core/timeframes";
import { scheduleExpression } from "../functions/core/timeframes";
import { ENV_NAMES } from "../functions/shared/resource-definitions";
import { DeadLetterQueue } from "./encrypted-queue";
import { PipelineFunction } from "./pipeline-function";
import type { SignalsTable } from "./signals-table";

export interface FetcherProps {
  timeframe: Timeframe;
  analysisQueue: IQueue;
  /** Read for each symbol's last stored signal, so missed closes are caught up. */
  signals: SignalsTable;
}

/**
 * The fetcher and its clock: an EventBridge Scheduler schedule fires at every candle close (UTC) and
 * passes its scheduled time, so a late or retried invocation still fetches the candle it was meant for.
 */
export class Fetcher extends Construct {
  readonly function: PipelineFunction;
  readonly schedule: Schedule;
  /** Ticks that never ran: Scheduler could not deliver them, or the fetcher failed all its async retries. */
  readonly failedTicks: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: FetcherProps) {
    super(scope, id);
    this.failedTicks = new DeadLetterQueue(this, "FailedTicks", {
      usedBy: "the fetch schedule and the fetcher's asynchronous invocations",
    });
    Validations.of(this.failedTicks).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is itself a dead-letter queue (of EventBridge Scheduler and Lambda async invocation).",
    });

    this.function = new PipelineFunction(this, "Function", {
      name: "fetcher",
      memorySize: 256,
      deadLetterQueue: this.failedTicks,
      environment: {
        [ENV_NAMES.queueUrl]: props.analysisQueue.queueUrl,
        [ENV_NAMES.tableName]: props.signals.table.tableName,
      },
    });
    props.analysisQueue.grantSendMessages(this.function);
    // latestCandleTime: one key-only Query of each symbol's own partition, to catch up missed closes.
    props.signals.grantItemActions(this.function, { actions: ["Query"] });

    // Scheduler's own role, so its grants (and their acknowledgement) stay inside this construct.
    const schedulerRole = new Role(this, "ScheduleRole", {
      // Only schedules of this account may assume it (the confused-deputy guard AWS documents).
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
      description: "Signal Pipeline: lets the fetch schedule invoke the fetcher",
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason:
        "LambdaInvoke also allows the function's versions and aliases (`<arn>:*`); it is still this one function.",
    });
    this.schedule = new Schedule(this, "Schedule", {
      description: "Signal Pipeline: fetch closed candles at every candle close",
      schedule: ScheduleExpression.expression(scheduleExpression(props.timeframe)),
      target: new LambdaInvoke(this.function, {
        input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        // Delivery failures (throttling) are retried briefly; a tick older than an hour goes to the DLQ.
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.failedTicks,
        role: schedulerRole,
      }),
    });
  }
}

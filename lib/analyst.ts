import { Duration, Validations } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ANALYSIS_QUEUE, ENV_NAMES } from "../functions/shared/resource-definitions";
import { PipelineFunction } from "./pipeline-function";
import { grantSecret, type SecretParameter } from "./secret-parameters";
import { ALL_SIGNALS_INDEXES, type SignalsTable } from "./signals-table";

export interface AnalystProps {
  signals: SignalsTable;
  analysisQueue: IQueue;
  openAiApiKey: SecretParameter;
}

/**
 * At most this many analyst invocations run at once (2 is SQS's minimum), which keeps a burst of
 * closes from becoming a burst of LLM calls and OpenAI rate limits.
 */
const MAX_CONCURRENT_BATCHES = 2;

/** The analyst: consumes the analysis queue in batches and writes one Signal per candle close. */
export class Analyst extends Construct {
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: AnalystProps) {
    super(scope, id);
    this.function = new PipelineFunction(this, "Function", {
      name: "analyst",
      memorySize: 256,
      environment: { [ENV_NAMES.tableName]: props.signals.table.tableName },
    });
    // GetItem: the signal and the billed verdict; PutItem: claim, verdict, signal, failure record;
    // UpdateItem: spend and outcomes; Query: history, mutes, and through the indexes the last alert
    // and the scored sides. Every index by name, so one added to SIGNALS_TABLE is readable at once.
    props.signals.grantItemActions(this.function, {
      actions: ["GetItem", "PutItem", "UpdateItem", "Query"],
      queriedIndexes: ALL_SIGNALS_INDEXES,
    });
    grantSecret(this.function, props.openAiApiKey);

    this.function.addEventSource(
      new SqsEventSource(props.analysisQueue, {
        batchSize: ANALYSIS_QUEUE.batchSize,
        maxBatchingWindow: Duration.seconds(ANALYSIS_QUEUE.maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: MAX_CONCURRENT_BATCHES,
      }),
    );

    Validations.of(this.function).acknowledge({
      id: "Serverless-LambdaDLQ",
      reason:
        "Invoked synchronously by its SQS event source only; failed messages go to the analysis queue's DLQ.",
    });
    Validations.of(this.function).acknowledge({
      id: "Serverless-LambdaEventSourceMappingDestination",
      reason:
        "SQS event source mappings take no on-failure destination; the queue's redrive policy " +
        `moves a message to the DLQ after ${ANALYSIS_QUEUE.maxReceiveCount} receives.`,
    });
  }
}

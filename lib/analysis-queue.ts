import { Duration } from "aws-cdk-lib";
import { Construct } from "constructs";
import { ANALYSIS_QUEUE } from "../functions/shared/resource-definitions";
import { DeadLetterQueue, EncryptedQueue } from "./encrypted-queue";

/**
 * The queue between the fetcher and the analyst: one AnalysisRequest per symbol and candle close.
 * A message that fails maxReceiveCount times moves to the DLQ, whose depth the bot's /status reports.
 * The analyst reads the same ANALYSIS_QUEUE.maxReceiveCount: on that last delivery it stores a
 * transient LLM failure as ABSTAIN `unavailable`, so only bodies it cannot parse (or store) get here.
 */
export class AnalysisQueue extends Construct {
  readonly queue: EncryptedQueue;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetters", {
      usedBy: "the analysis queue",
      retention: Duration.days(ANALYSIS_QUEUE.dlqRetentionDays),
    });
    this.queue = new EncryptedQueue(this, "Queue", {
      visibilityTimeout: Duration.seconds(ANALYSIS_QUEUE.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(ANALYSIS_QUEUE.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: ANALYSIS_QUEUE.maxReceiveCount },
    });
  }
}

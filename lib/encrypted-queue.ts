import { Duration, Validations } from "aws-cdk-lib";
import { Queue, QueueEncryption, type QueueProps } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/** An SQS queue encrypted at rest with SQS-managed keys (SSE-SQS) that refuses requests without TLS. */
export class EncryptedQueue extends Queue {
  constructor(scope: Construct, id: string, props: Omit<QueueProps, "encryption" | "enforceSSL"> = {}) {
    super(scope, id, { ...props, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
  }
}

/**
 * A queue that is itself the last stop for failed messages, so it has no redrive of its own.
 * Kept 14 days (the SQS maximum) for inspection and manual redrive.
 */
export class DeadLetterQueue extends EncryptedQueue {
  constructor(scope: Construct, id: string, props: { usedBy: string; retention?: Duration }) {
    super(scope, id, { retentionPeriod: props.retention ?? Duration.days(14) });
    Validations.of(this).acknowledge({
      id: "Serverless-SQSRedrivePolicy",
      reason: `This queue is the dead-letter destination of ${props.usedBy}; a DLQ of a DLQ would only hide failures.`,
    });
  }
}

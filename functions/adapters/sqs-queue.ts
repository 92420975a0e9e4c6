import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { AnalysisRequest } from "../core/analysis-request";
import { errorMessage } from "../core/errors";
import type { AnalysisQueue, SendResult } from "../core/ports";
import { sqs } from "./sqs-client";

const MAX_ENTRIES = 10;
/** SQS caps a batch's total payload; stay under 256 KiB, which every region and emulator accepts. */
const MAX_BATCH_BYTES = 250 * 1024;

/** Splits requests into SendMessageBatch calls by count and by payload size. */
export function planBatches(bodies: string[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  bodies.forEach((body, index) => {
    const size = Buffer.byteLength(body);
    if (current.length > 0 && (current.length === MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

export class SqsAnalysisQueue implements AnalysisQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = sqs(),
  ) {}

  async send(requests: AnalysisRequest[]): Promise<SendResult[]> {
    const bodies = requests.map((request) => JSON.stringify(request));
    const results: SendResult[] = requests.map((request) => ({ request }));
    await Promise.all(
      planBatches(bodies).map(async (batch) => {
        try {
          const response = await this.client.send(
            new SendMessageBatchCommand({
              QueueUrl: this.queueUrl,
              Entries: batch.map((index) => ({ Id: String(index), MessageBody: bodies[index] })),
            }),
          );
          for (const failure of response.Failed ?? []) {
            const result = results[Number(failure.Id)];
            if (result) result.error = `${failure.Code ?? "error"}: ${failure.Message ?? "send failed"}`;
          }
        } catch (error) {
          for (const index of batch) {
            const result = results[index];
            if (result) result.error = errorMessage(error);
          }
        }
      }),
    );
    return results;
  }
}

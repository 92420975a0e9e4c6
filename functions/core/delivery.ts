/**
 * Where a message is in its redrive policy. SQS moves a message to the DLQ after maxReceiveCount
 * failed receives, so the delivery whose receive count reaches it is the last chance to store
 * something for the close.
 */
export interface Delivery {
  /** The record's ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  /** The queue's redrive maxReceiveCount. */
  maxReceiveCount: number;
}

export const isLastDelivery = (delivery: Delivery | undefined): boolean =>
  delivery !== undefined && delivery.receiveCount >= delivery.maxReceiveCount;

/** What happens to a message that fails on this delivery, for the log line. */
export const afterFailure = (delivery: Delivery | undefined): string =>
  isLastDelivery(delivery) ? "moving to the DLQ" : "SQS will retry";

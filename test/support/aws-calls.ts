import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";

export interface AwsCallCounter {
  /**
   * Calls by operation (x-amz-target's last part), the host:port they went to, and the SDK's attempt
   * (amz-sdk-request; 1 for a call without it, as the stream proxy's own).
   */
  calls: Array<{ operation: string; host: string; attempt: number }>;
  count(filter: { operation?: string; host?: string }): number;
  stop(): void;
}

const CHANNEL = "http.client.request.start";

/**
 * Counts AWS JSON-protocol calls made over node:http in this process (the SDK's, and the stream
 * proxy's to dynalite), from Node's own diagnostics channel: no wrapper around our code.
 */
export function countAwsCalls(): AwsCallCounter {
  const calls: AwsCallCounter["calls"] = [];
  const listener = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const target = request.getHeader("x-amz-target");
    if (target === undefined) return;
    const attempt = /attempt=(\d+)/.exec(String(request.getHeader("amz-sdk-request") ?? ""))?.[1];
    calls.push({
      operation: String(target).split(".").at(-1) ?? "",
      host: String(request.getHeader("host")),
      attempt: attempt ? Number(attempt) : 1,
    });
  };
  subscribe(CHANNEL, listener);
  return {
    calls,
    count: ({ operation, host }) =>
      calls.filter((call) => (!operation || call.operation === operation) && (!host || call.host === host))
        .length,
    stop: () => unsubscribe(CHANNEL, listener),
  };
}

import type { Server } from "node:http";

/**
 * Keeps a local server's idle keep-alive connections open until it closes. Node closes them after
 * 5 s by default, and a client that reuses one at that moment loses the answer to a request the
 * server has already carried out; the AWS SDK then sends it again. That made a queued close twice
 * (SendMessageBatch) and a second, refused signal put. AWS's endpoints keep connections far longer.
 * Node's server.close() still ends idle connections.
 */
export function keepIdleConnections<T extends Pick<Server, "keepAliveTimeout">>(server: T): T {
  server.keepAliveTimeout = 0;
  return server;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { keepIdleConnections } from "../../local/keep-alive";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Milliseconds to wait before answering (timeouts, latency). */
  delayMs?: number;
  /** Close the connection without an answer, as a server does to a kept-alive socket it timed out. */
  dropConnection?: boolean;
}

export type Route = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the route that answers every request. */
  answer(route: Route): void;
  close(): Promise<void>;
}

/**
 * A small local HTTP server that answers as a real API does (status, headers, body) and records every
 * request, so adapters are tested over the wire against real response formats.
 */
export async function startFakeServer(route: Route = () => ({ status: 404 })): Promise<FakeServer> {
  let current = route;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://localhost");
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json,
    };
    requests.push(recorded);
    const reply = await current(recorded);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    if (reply.dropConnection) {
      res.socket?.destroy();
      return;
    }
    const text =
      typeof reply.body === "string"
        ? reply.body
        : reply.body === undefined
          ? ""
          : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, {
      "content-type": typeof reply.body === "string" ? "text/plain" : "application/json",
      ...reply.headers,
    });
    res.end(text);
  });
  // Clients (undici, 4 s) close idle kept-alive sockets before a server would (5 s by default); on a
  // loaded machine their timers fire late and a request could go out on a socket the server was just
  // closing. A server that keeps idle sockets leaves the closing to the client, as real APIs do.
  keepIdleConnections(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One DynamoDB JSON request as the proxy sees it: the operation and its parsed body. */
export interface DynamoCall {
  target: string;
  body: { TableName?: string; Item?: Record<string, { S?: string }>; Key?: Record<string, { S?: string }> };
}

export interface DynamoFaultProxy {
  /** Point a DynamoDB client here: requests go on to dynalite unless `fails` picks them. */
  endpoint: string;
  /** Which requests to answer with a throttling error instead of forwarding; none by default. */
  fails: (call: DynamoCall) => boolean;
  /** How many requests were answered with the error. */
  failed: number;
  /** Requests seen, by operation and key prefix (`PutItem SIGNAL`), failed or not. */
  seen: Map<string, number>;
  close(): Promise<void>;
}

const THROTTLED = {
  __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
  message: "The level of configured provisioned throughput for the table was exceeded.",
};

/** A small HTTP proxy in front of dynalite that fails chosen requests exactly as DynamoDB throttles. */
export async function startDynamoFaultProxy(dynaliteEndpoint: string): Promise<DynamoFaultProxy> {
  const proxy: DynamoFaultProxy = {
    endpoint: "",
    fails: () => false,
    failed: 0,
    seen: new Map(),
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    const body = JSON.parse(raw.toString("utf8") || "{}") as DynamoCall["body"] & { IndexName?: string };
    const prefix = (body.Item?.pk?.S ?? body.Key?.pk?.S ?? body.IndexName ?? "").split("#")[0];
    const kind = `${target} ${prefix}`.trim();
    proxy.seen.set(kind, (proxy.seen.get(kind) ?? 0) + 1);
    if (proxy.fails({ target, body })) {
      proxy.failed += 1;
      res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify(THROTTLED));
      return;
    }
    const forwarded = await fetch(dynaliteEndpoint, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !["host", "connection", "content-length"].includes(name),
        ),
      ) as Record<string, string>,
      body: raw,
    });
    res.writeHead(forwarded.status, { "content-type": forwarded.headers.get("content-type") ?? "" });
    res.end(Buffer.from(await forwarded.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/** A PutItem of a signal item (pk SIGNAL#…), the write after the LLM has answered. */
export const isSignalPut = (call: DynamoCall): boolean =>
  call.target === "PutItem" && (call.body.Item?.pk?.S ?? "").startsWith("SIGNAL#");

/** A PutItem of a billed verdict (pk VERDICT#…), the write right after the LLM has answered. */
export const isVerdictPut = (call: DynamoCall): boolean =>
  call.target === "PutItem" && (call.body.Item?.pk?.S ?? "").startsWith("VERDICT#");

/**
 * The close whose billed LLM answer a PutItem keeps, or undefined: a billed verdict (pk VERDICT#…),
 * or a signal that carries the answer's tokens (written even when the verdict's write failed).
 */
export function closeKeptBy(call: DynamoCall): string | undefined {
  const item = call.body.Item;
  if (call.target !== "PutItem" || !item) return undefined;
  const [kind, ...key] = (item.pk?.S ?? "").split("#");
  const keeps = kind === "VERDICT" || (kind === "SIGNAL" && "tokens" in item);
  return keeps ? `${key.join("#")} ${item.sk?.S}` : undefined;
}

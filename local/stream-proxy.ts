import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout } from "node:timers/promises";
import { crc32 } from "node:zlib";
import type { DynamoDBRecord } from "aws-lambda";
import { SIGNALS_TABLE } from "../functions/shared/resource-definitions";
import { keepIdleConnections } from "./keep-alive";

type AttributeMap = Record<string, unknown>;
type WriteRequest = { TableName: string; Item?: AttributeMap; Key?: AttributeMap; ReturnValues?: string };

export interface StreamProxy {
  /** Point AWS_ENDPOINT_URL_DYNAMODB here: requests go on to dynalite, writes become stream records. */
  endpoint: string;
  /** Takes the stream records written since the last call, in write order. */
  take(): DynamoDBRecord[];
  close(): Promise<void>;
}

const WRITE_TARGETS = new Set(["PutItem", "UpdateItem", "DeleteItem"]);
const IMAGE_READ_ATTEMPTS = 20;
const IMAGE_READ_RETRY_MS = 20;

/**
 * dynalite has no streams, so this proxy sits in front of it and records what DynamoDB Streams would
 * (NEW_IMAGE view): each successful PutItem/UpdateItem/DeleteItem becomes an INSERT, MODIFY or REMOVE
 * record with the item's new image. The old and new items come back with the write (ReturnValues), so
 * a put costs dynalite one call, as it costs the caller; only an update is read before it.
 */
export async function startStreamProxy(dynaliteEndpoint: string, region = "us-east-1"): Promise<StreamProxy> {
  let records: DynamoDBRecord[] = [];
  let sequence = 0;

  // One kept-alive connection pool to the upstream: lighter than fetch for thousands of small calls.
  const upstreamUrl = new URL(dynaliteEndpoint);
  const agent = new Agent({ keepAlive: true });
  const send = (method: string, headers: OutgoingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const outgoing = httpRequest(
        upstreamUrl,
        { method, agent, headers: { ...headers, "content-length": body.length } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });

  const call = async (target: string, body: unknown, headers: IncomingHttpHeaders) => {
    const response = await send(
      "POST",
      {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `DynamoDB_20120810.${target}`,
        authorization: String(
          headers.authorization ?? "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb",
        ),
        "x-amz-date": String(headers["x-amz-date"] ?? "20240101T000000Z"),
      },
      Buffer.from(JSON.stringify(body)),
    );
    return { status: response.status, text: response.body.toString("utf8") };
  };

  /**
   * The item as stored now. DynamoDB Streams never miss a write, so a read the upstream refuses (a
   * throttle in front of it, for instance) is tried again rather than recorded as a missing image.
   */
  const imageOf = async (tableName: string, key: AttributeMap, headers: IncomingHttpHeaders) => {
    for (let attempt = 1; ; attempt += 1) {
      const { status, text } = await call(
        "GetItem",
        { TableName: tableName, Key: key, ConsistentRead: true },
        headers,
      );
      if (status === 200) return (JSON.parse(text) as { Item?: AttributeMap }).Item ?? undefined;
      if (attempt >= IMAGE_READ_ATTEMPTS)
        throw new Error(`stream proxy: the item image stayed unreadable (${status} ${text.slice(0, 200)})`);
      await setTimeout(IMAGE_READ_RETRY_MS);
    }
  };

  const record = (
    tableName: string,
    key: AttributeMap,
    eventName: "INSERT" | "MODIFY" | "REMOVE",
    after: AttributeMap | undefined,
  ) => {
    sequence += 1;
    records.push({
      eventID: `local-${sequence}`,
      eventName,
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: region,
      eventSourceARN: `arn:aws:dynamodb:${region}:123456789012:table/${tableName}/stream/local`,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: key as never,
        NewImage: after as never,
        SequenceNumber: String(sequence).padStart(21, "0"),
        SizeBytes: Buffer.byteLength(JSON.stringify(after ?? key)),
        StreamViewType: "NEW_IMAGE",
      },
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let raw = Buffer.concat(chunks);
    const target = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    const request = WRITE_TARGETS.has(target)
      ? (JSON.parse(raw.toString("utf8")) as WriteRequest)
      : undefined;
    const key =
      request &&
      (request.Key ??
        Object.fromEntries(
          [SIGNALS_TABLE.partitionKey, SIGNALS_TABLE.sortKey].map((name) => [name, request.Item?.[name]]),
        ));
    // The old item (put, delete) or the new one (update) comes back with the write itself; where the
    // caller asked for no values, the proxy asks, and takes them out of the answer again.
    const asked = request?.ReturnValues ?? "NONE";
    const addsValues = request !== undefined && asked === "NONE";
    const wanted = target === "UpdateItem" ? "ALL_NEW" : "ALL_OLD";
    if (addsValues) raw = Buffer.from(JSON.stringify({ ...request, ReturnValues: wanted }));
    // An update's answer does not say whether it created the item, so that is read before it.
    const before =
      request && key && target === "UpdateItem"
        ? await imageOf(request.TableName, key, req.headers)
        : undefined;

    const forwarded = await send(
      req.method ?? "POST",
      Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !["host", "connection", "content-length"].includes(name),
        ),
      ),
      raw,
    );
    let answer = forwarded.body;
    let crc = forwarded.headers["x-amz-crc32"];

    if (request && key && forwarded.status === 200) {
      const returned = (JSON.parse(answer.toString("utf8")) as { Attributes?: AttributeMap }).Attributes;
      // PutItem and DeleteItem take only NONE and ALL_OLD, so what they return is the old item.
      const old = target === "UpdateItem" ? before : returned;
      const after =
        target === "DeleteItem"
          ? undefined
          : target === "PutItem"
            ? request.Item
            : asked === "NONE" || asked === "ALL_NEW"
              ? returned
              : await imageOf(request.TableName, key, req.headers);
      if (addsValues) {
        // The caller gets the answer it asked for: without the values the proxy asked for.
        const { Attributes: _, ...rest } = JSON.parse(answer.toString("utf8")) as Record<string, unknown>;
        answer = Buffer.from(JSON.stringify(rest));
        crc = String(crc32(answer));
      }
      // DynamoDB Streams record no deletion of an item that was not there.
      if (after || old) record(request.TableName, key, after ? (old ? "MODIFY" : "INSERT") : "REMOVE", after);
    }
    const passed = ["content-type", "x-amzn-requestid"].flatMap((name) => {
      const value = forwarded.headers[name];
      return value === undefined ? [] : [[name, value] as const];
    });
    res.writeHead(forwarded.status, Object.fromEntries([...passed, ...(crc ? [["x-amz-crc32", crc]] : [])]));
    res.end(answer);
  };
  // An upstream that drops the connection drops the caller's too, so its SDK retries, as on AWS.
  const server = keepIdleConnections(
    createServer((req, res) => void handle(req, res).catch(() => res.destroy())),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take: () => {
      const taken = records;
      records = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout } from "node:timers/promises";
import type { DynamoDBRecord } from "aws-lambda";
import { SIGNALS_TABLE } from "../functions/adapters/resource-definitions";

type AttributeMap = Record<string, unknown>;

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
 * record with the item's new image, read back from dynalite after the write.
 */
export async function startStreamProxy(dynaliteEndpoint: string, region = "us-east-1"): Promise<StreamProxy> {
  let records: DynamoDBRecord[] = [];
  let sequence = 0;

  const call = async (target: string, body: unknown, headers: IncomingHttpHeaders) => {
    const response = await fetch(dynaliteEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `DynamoDB_20120810.${target}`,
        authorization: String(
          headers.authorization ?? "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb",
        ),
        "x-amz-date": String(headers["x-amz-date"] ?? "20240101T000000Z"),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
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

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    const isWrite = WRITE_TARGETS.has(target);
    const request = isWrite
      ? (JSON.parse(raw.toString("utf8")) as { TableName: string; Item?: AttributeMap; Key?: AttributeMap })
      : undefined;
    const key =
      request &&
      (request.Key ??
        Object.fromEntries(
          [SIGNALS_TABLE.partitionKey, SIGNALS_TABLE.sortKey].map((name) => [name, request.Item?.[name]]),
        ));
    const before = request && key ? await imageOf(request.TableName, key, req.headers) : undefined;

    const forwarded = await fetch(dynaliteEndpoint, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !["host", "connection", "content-length"].includes(name),
        ),
      ) as Record<string, string>,
      body: raw,
    });
    const answer = Buffer.from(await forwarded.arrayBuffer());

    if (request && key && forwarded.status === 200) {
      // A put's new image is the item it wrote; an update's must be read back.
      const after =
        target === "DeleteItem"
          ? undefined
          : target === "PutItem"
            ? request.Item
            : await imageOf(request.TableName, key, req.headers);
      const eventName = !after ? "REMOVE" : before ? "MODIFY" : "INSERT";
      sequence += 1;
      records.push({
        eventID: `local-${sequence}`,
        eventName,
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: region,
        eventSourceARN: `arn:aws:dynamodb:${region}:123456789012:table/${request.TableName}/stream/local`,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
          Keys: key as never,
          NewImage: after as never,
          SequenceNumber: String(sequence).padStart(21, "0"),
          SizeBytes: Buffer.byteLength(JSON.stringify(after ?? key)),
          StreamViewType: "NEW_IMAGE",
        },
      });
    }
    const passed = ["content-type", "x-amzn-requestid", "x-amz-crc32"].flatMap((name) => {
      const value = forwarded.headers.get(name);
      return value === null ? [] : [[name, value] as const];
    });
    res.writeHead(forwarded.status, Object.fromEntries(passed));
    res.end(answer);
  });
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
        server.close(() => resolve());
      }),
  };
}

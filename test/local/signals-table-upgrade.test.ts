import { CreateTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoStore } from "../../functions/adapters/dynamo-store";
import type { Signal } from "../../functions/core/signal";
import {
  createSignalsTable,
  dynamoClientFor,
  type RunningEmulator,
  startDynalite,
} from "../../local/emulators";

const TABLE = "signals-upgrade";
const HOUR = 3_600_000;
const signal = (hour: number, extra: Partial<Signal> = {}): Signal => ({
  symbol: "BTC-USD",
  timeframe: "1h",
  candleTime: `2024-03-02T${String(hour).padStart(2, "0")}:00:00.000Z`,
  price: 100,
  action: "BUY",
  reasons: ["band break"],
  analyst: "rules",
  indicators: { rsi: 61.5 },
  triggers: ["band-break-upper"],
  provider: "coinbase",
  alert: false,
  createdAt: "2024-03-02T23:00:05.000Z",
  ...extra,
});

/** The table as stores kept from before the `sides` index were created: the two alert indexes only. */
const createOldTable = (client: ReturnType<typeof dynamoClientFor>) =>
  client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"].map((name) => ({
        AttributeName: name,
        AttributeType: "S",
      })),
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: ["1", "2"].map((n) => ({
        IndexName: n === "1" ? "alerts" : "alertsBySymbol",
        KeySchema: [
          { AttributeName: `gsi${n}pk`, KeyType: "HASH" },
          { AttributeName: `gsi${n}sk`, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      })),
    }),
  );

describe("a local store kept from before the sides index", () => {
  let dynalite: RunningEmulator;
  let client: ReturnType<typeof dynamoClientFor>;
  let store: DynamoStore;

  beforeAll(async () => {
    dynalite = await startDynalite();
    client = dynamoClientFor(dynalite.endpoint);
    store = new DynamoStore(
      TABLE,
      DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    );
  });
  afterAll(() => dynalite.close());

  it("is rebuilt with every index, its items kept, and its BUY and SELL rows scored again", async () => {
    await createOldTable(client);
    // Written as before the index: the store's putSignal of the time set no side keys.
    const oldDocument = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const rows = [
      signal(1),
      signal(2, { action: "HOLD", analyst: "gate" }),
      signal(3, { action: "SELL", alert: true, silent: false }),
    ];
    for (const row of rows)
      await oldDocument.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            pk: `SIGNAL#${row.symbol}#${row.timeframe}`,
            sk: row.candleTime,
            ...(row.alert ? { gsi2pk: `ALERT#${row.symbol}#${row.timeframe}`, gsi2sk: row.candleTime } : {}),
            ...row,
          },
        }),
      );
    await store.mute("ETH-USD", Date.parse("2030-01-01T00:00:00Z"));

    await createSignalsTable(client, TABLE);

    const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      "alerts",
      "alertsBySymbol",
      "sides",
    ]);
    const since = Date.parse("2024-03-02T00:00:00Z");
    const sides = await store.sidesBetween("BTC-USD", "1h", since, since + 23 * HOUR);
    expect(sides.map((side) => `${side.candleTime.slice(11, 13)} ${side.action}`)).toEqual([
      "03 SELL",
      "01 BUY",
    ]);
    for (const row of rows) expect(await store.getSignal(row)).toEqual(row);
    expect(await store.lastAlert("BTC-USD", "1h")).toEqual(rows[2]);
    expect([...(await store.mutes(0)).keys()]).toEqual(["ETH-USD"]);

    // A second start finds every index and leaves the table as it is.
    await createSignalsTable(client, TABLE);
    expect(await store.sidesBetween("BTC-USD", "1h", since, since + 23 * HOUR)).toHaveLength(2);
  });
});

import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyse, storePorts } from "../../functions/core/analyse";
import { parseConfig } from "../../functions/core/config";
import type { Signal, SignalKey } from "../../functions/core/signal";
import { SIGNALS_TABLE } from "../../functions/shared/resource-definitions";
import { HOUR, jumpCandles, requestFor } from "../core/analyst/series";
import { startTestTable } from "../support/emulators";

const at = (hour: number, extra: Partial<Signal> = {}): Signal => ({
  symbol: "BTC-USD",
  timeframe: "1h",
  candleTime: `2024-03-02T${String(hour).padStart(2, "0")}:00:00.000Z`,
  price: 100,
  action: "BUY",
  confidence: 0.6,
  reasons: ["band break"],
  analyst: "rules",
  indicators: { rsi14: 61.5 },
  triggers: ["band-break-upper"],
  provider: "coinbase",
  alert: false,
  createdAt: "2024-03-02T23:00:05.000Z",
  ...extra,
});
const since = Date.parse("2024-03-02T00:00:00Z");
const until = Date.parse("2024-03-02T23:00:00Z");

describe("DynamoStore outcomes on dynalite", () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  const rawItem = async (key: SignalKey) =>
    (
      await table.documentClient.send(
        new GetCommand({
          TableName: table.tableName,
          Key: { pk: `SIGNAL#${key.symbol}#${key.timeframe}`, sk: key.candleTime },
        }),
      )
    ).Item;

  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(() => table.close());

  it("lists the BUY and SELL signals of a range with their outcomes, not HOLD or ABSTAIN", async () => {
    await table.store.putSignal(at(1));
    await table.store.putSignal(at(2, { action: "SELL", price: 200 }));
    await table.store.putSignal(at(3, { action: "HOLD", analyst: "gate" }));
    await table.store.putSignal(at(4, { action: "ABSTAIN" }));
    await table.store.putSignal(at(5, { symbol: "ETH-USD" }));
    const sides = await table.store.sidesBetween("BTC-USD", "1h", since, Date.parse("2024-03-02T04:00:00Z"));
    expect(sides.map((s) => `${s.candleTime.slice(11, 13)} ${s.action} ${s.price}`).sort()).toEqual([
      "01 BUY 100",
      "02 SELL 200",
    ]);
    expect(await table.store.sidesBetween("BTC-USD", "1h", since + 3 * HOUR, until)).toEqual([]);
  });

  it("reads the sides from the sparse index: BUY and SELL rows carry its keys, projected to what scoring reads", async () => {
    const buy = at(6, { outcomes: { "1": { price: 101, return: 0.01 } } });
    const hold = at(7, { action: "HOLD", analyst: "gate" });
    await table.store.putSignal(buy);
    await table.store.putSignal(hold);
    expect(await rawItem(buy)).toMatchObject({ gsi3pk: "SIDE#BTC-USD#1h", gsi3sk: buy.candleTime });
    expect(await rawItem(hold)).not.toHaveProperty("gsi3pk");
    // The index's own rows: no indicators, reasons or triggers are read to score a signal.
    const rows = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: SIGNALS_TABLE.indexes.sides.name,
        KeyConditionExpression: "gsi3pk = :pk AND gsi3sk = :sk",
        ExpressionAttributeValues: { ":pk": "SIDE#BTC-USD#1h", ":sk": buy.candleTime },
      }),
    );
    expect(Object.keys(rows.Items?.[0] ?? {}).sort()).toEqual(
      [
        "action",
        "candleTime",
        "gsi3pk",
        "gsi3sk",
        "outcomes",
        "pk",
        "price",
        "sk",
        "symbol",
        "timeframe",
      ].sort(),
    );
    expect(await table.store.sidesBetween("BTC-USD", "1h", since + 6 * HOUR, since + 7 * HOUR)).toEqual([
      {
        symbol: "BTC-USD",
        timeframe: "1h",
        candleTime: buy.candleTime,
        action: "BUY",
        price: 100,
        outcomes: { "1": { price: 101, return: 0.01 } },
      },
    ]);
  });

  it("adds outcomes in parts, keeps the ones stored, and changes nothing on a repeat", async () => {
    const signal = at(10);
    await table.store.putSignal(signal);
    await table.store.recordOutcomes(signal, { "1": { price: 101, return: 0.01 } });
    await table.store.recordOutcomes(signal, {
      "1": { price: 55, return: -0.45 }, // already stored: never overwritten
      "4": { price: 98, return: -0.02 },
    });
    await table.store.recordOutcomes(signal, { "4": { price: 98, return: -0.02 } });
    const outcomes = { "1": { price: 101, return: 0.01 }, "4": { price: 98, return: -0.02 } };
    expect((await table.store.getSignal(signal))?.outcomes).toEqual(outcomes);
    // The rest of the record is untouched, and history and the scoring query both carry them.
    expect(await table.store.getSignal(signal)).toEqual({ ...signal, outcomes });
    const [scored] = await table.store.sidesBetween("BTC-USD", "1h", since + 10 * HOUR, since + 10 * HOUR);
    expect(scored?.outcomes).toEqual(outcomes);
  });

  it("refuses to score a signal that is not stored, without creating an item", async () => {
    const missing = at(20);
    await expect(table.store.recordOutcomes(missing, { "1": { price: 1, return: 0 } })).rejects.toThrow(
      /no stored signal BTC-USD 1h 2024-03-02T20:00:00.000Z/,
    );
    expect(await rawItem(missing)).toBeUndefined();
  });

  it("stores a BUY that does not alert without expiresAt, a HOLD with it (the analyse use case)", async () => {
    const config = parseConfig({});
    const jump = requestFor(jumpCandles());
    const now = Date.parse(jump.candleTime) + HOUR + 5_000;
    await table.store.mute("BTC-USD", now + HOUR); // so the BUY is stored without an alert
    const ports = storePorts(table.store, undefined, { now: () => now });
    const result = await analyse(jump, config, ports, { deliveryId: "m-1", leaseMs: 60_000 });
    expect(result).toMatchObject({ status: "stored", signal: { alert: false } });
    expect(["BUY", "SELL"]).toContain(result.status === "exists" ? "" : result.signal.action);
    const item = await rawItem(jump);
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty("expiresAt");

    const hold = at(22, { action: "HOLD", analyst: "gate" });
    await table.store.putSignal(hold, { expiresAt: 1_800_000_000 });
    expect(await rawItem(hold)).toMatchObject({ expiresAt: 1_800_000_000 });
  });
});

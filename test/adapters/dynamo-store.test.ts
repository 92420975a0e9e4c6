import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signalFromStreamRecord } from "../../functions/adapters/dynamo-store";
import type { Signal } from "../../functions/core/signal";
import { startTestTable } from "../support/emulators";

const base: Signal = {
  symbol: "BTC-USD",
  timeframe: "1h",
  candleTime: "2024-03-01T10:00:00.000Z",
  price: 62000,
  action: "HOLD",
  reasons: ["no trigger"],
  analyst: "gate",
  indicators: { rsi14: 51.2 },
  triggers: [],
  provider: "coinbase",
  alert: false,
  createdAt: "2024-03-01T11:00:05.000Z",
};
const at = (hour: number, extra: Partial<Signal> = {}): Signal => ({
  ...base,
  candleTime: `2024-03-01T${String(hour).padStart(2, "0")}:00:00.000Z`,
  ...extra,
});

describe("DynamoStore on dynalite", () => {
  let table: Awaited<ReturnType<typeof startTestTable>>;
  beforeAll(async () => {
    table = await startTestTable();
  });
  afterAll(() => table.close());

  it("stores one signal per key and refuses a second put without overwriting", async () => {
    const first = at(1, { price: 1 });
    expect(await table.store.putSignal(first)).toBe("stored");
    expect(await table.store.putSignal({ ...first, price: 2 })).toBe("duplicate");
    expect((await table.store.getSignal(first))?.price).toBe(1);
  });

  it("returns history newest first within the range, without storage keys", async () => {
    for (const hour of [2, 3, 4, 5]) await table.store.putSignal(at(hour));
    const rows = await table.store.history("BTC-USD", "1h", {
      since: Date.parse("2024-03-01T03:00:00Z"),
      until: Date.parse("2024-03-01T05:00:00Z"),
    });
    expect(rows.map((r) => r.candleTime.slice(11, 13))).toEqual(["05", "04", "03"]);
    expect(Object.keys(rows[0] ?? {})).not.toContain("pk");
    expect(await table.store.history("BTC-USD", "1h", { limit: 2 })).toHaveLength(2);
    expect(await table.store.history("ETH-USD", "1h")).toEqual([]);
  });

  it("finds the latest alerts across symbols and the last alert of one symbol", async () => {
    await table.store.putSignal(at(6, { action: "BUY", confidence: 0.8, alert: true }));
    await table.store.putSignal(at(7, { symbol: "ETH-USD", action: "SELL", confidence: 0.9, alert: true }));
    await table.store.putSignal(at(8, { action: "SELL", confidence: 0.4 }));
    expect((await table.store.latestAlerts(10)).map((s) => `${s.symbol} ${s.action}`)).toEqual([
      "ETH-USD SELL",
      "BTC-USD BUY",
    ]);
    expect((await table.store.lastAlert("BTC-USD", "1h"))?.candleTime).toBe("2024-03-01T06:00:00.000Z");
    expect(await table.store.lastAlert("SOL-USD", "1h")).toBeUndefined();
  });

  it("reserves spend atomically and refuses what would pass the budget", async () => {
    expect(await table.store.reserve("2024-03-01", 0.3, 0.5)).toBe(true);
    expect(await table.store.reserve("2024-03-01", 0.3, 0.5)).toBe(false);
    await table.store.settle("2024-03-01", -0.1, { prompt: 500, completion: 80 });
    expect(await table.store.reserve("2024-03-01", 0.3, 0.5)).toBe(true);
    expect(await table.store.reserve("2024-03-01", 0.6, 0.5)).toBe(false);
    const spend = await table.store.spend("2024-03-01");
    expect(spend.costUsd).toBeCloseTo(0.5);
    expect(spend).toMatchObject({ calls: 2, promptTokens: 500, completionTokens: 80 });
  });

  it("keeps a billed verdict apart from the signals, and rejects a stored one that lost a field", async () => {
    const key = at(20);
    const verdict = {
      action: "SELL" as const,
      confidence: 0.7,
      reasons: ["overbought", "fading volume"],
      horizon: "hours",
      analyst: "llm" as const,
      model: "gpt-4o-mini",
      promptVersion: "analyst-v2",
      tokens: { prompt: 480, completion: 42 },
      costUsd: 0.0001,
    };
    expect(await table.store.getVerdict(key)).toBeUndefined();
    await table.store.putVerdict(key, verdict);
    expect(await table.store.getVerdict(key)).toEqual(verdict);
    expect(await table.store.getSignal(key)).toBeUndefined();
    await table.documentClient.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: "VERDICT#BTC-USD#1h", sk: key.candleTime },
        UpdateExpression: "REMOVE costUsd",
      }),
    );
    await expect(table.store.getVerdict(key)).rejects.toThrow(/costUsd = missing/);
  });

  it("sums the spend of every day", async () => {
    await table.store.reserve("2030-01-01", 0.25, 1);
    await table.store.reserve("2030-01-02", 0.5, 1);
    const days = (await table.store.spendByDay()).filter((d) => d.day.startsWith("2030-"));
    expect(days.map((d) => [d.day, d.costUsd, d.calls])).toEqual([
      ["2030-01-01", 0.25, 1],
      ["2030-01-02", 0.5, 1],
    ]);
  });

  it("lets one claim hold a lease until it expires", async () => {
    const key = at(9);
    expect(await table.store.claim(key, "delivery-a", 2_000, 1_000)).toBe(true);
    expect(await table.store.claim(key, "delivery-b", 3_000, 1_500)).toBe(false);
    expect(await table.store.claim(key, "delivery-a", 3_000, 1_500)).toBe(true);
    expect(await table.store.claim(key, "delivery-b", 9_000, 3_500)).toBe(true);
  });

  it("marks notifiedAt once and remembers the chats reached", async () => {
    const alert = at(10, { action: "BUY", confidence: 0.8, alert: true });
    await table.store.putSignal(alert);
    await table.store.markDelivered(alert, "111");
    await table.store.markDelivered(alert, "222");
    expect([...(await table.store.deliveredTo(alert))].sort()).toEqual(["111", "222"]);
    expect(await table.store.markNotified(alert, "2024-03-01T11:00:06.000Z")).toBe(true);
    expect(await table.store.markNotified(alert, "2024-03-01T11:00:07.000Z")).toBe(false);
    expect((await table.store.getSignal(alert))?.notifiedAt).toBe("2024-03-01T11:00:06.000Z");
    await expect(table.store.markNotified(at(23), "x")).resolves.toBe(false);
  });

  it("keeps mutes until they expire, and chats marked undeliverable", async () => {
    await table.store.mute("BTC-USD", 5_000);
    await table.store.mute("ETH-USD", 50_000);
    expect([...(await table.store.mutes(10_000)).keys()]).toEqual(["ETH-USD"]);
    await table.store.unmute("ETH-USD");
    expect((await table.store.mutes(10_000)).size).toBe(0);
    await table.store.markChatUndeliverable("333", "blocked", "2024-03-01T00:00:00.000Z");
    expect(await table.store.undeliverableChats()).toEqual(new Map([["333", "blocked"]]));
  });
});

describe("signalFromStreamRecord", () => {
  const record = (item: Record<string, unknown>) => ({
    eventName: "INSERT" as const,
    dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) as never },
  });

  it("reads a signal row's new image as the public Signal, storage keys stripped (#13 item 1)", () => {
    const signal = at(9, { alert: true, action: "BUY", confidence: 0.8 });
    const row = { pk: "SIGNAL#BTC-USD#1h", sk: signal.candleTime, gsi1pk: "ALERT", ...signal };
    expect(signalFromStreamRecord(record(row))).toEqual(signal);
  });

  it("passes over the table's other rows and records with no new image", () => {
    expect(signalFromStreamRecord(record({ pk: "CLAIM#BTC-USD#1h", sk: base.candleTime, owner: "m" }))).toBe(
      undefined,
    );
    expect(signalFromStreamRecord({ eventName: "REMOVE", dynamodb: {} })).toBeUndefined();
  });
});

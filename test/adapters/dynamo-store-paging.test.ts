import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTable } from "../support/emulators";
import { sampleSignal } from "../support/telegram-fixtures";

/** `stats` reads a whole window through history(): it must follow every page, not stop at the first. */
const ROWS = 150;
const START = Date.parse("2024-01-01T00:00:00Z");
/** ~9 KB a row (three long reasons), so the window is well past DynamoDB's 1 MB page. */
const wide = (n: number) =>
  sampleSignal({
    candleTime: new Date(START + n * 3_600_000).toISOString(),
    reasons: ["a", "b", "c"].map((letter) => `${letter}${n}`.padEnd(3000, letter)),
  });

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
  for (let n = 0; n < ROWS; n += 25)
    await Promise.all(Array.from({ length: 25 }, (_, i) => table.store.putSignal(wide(n + i))));
}, 60_000);
afterAll(() => table.close());

describe("DynamoStore.history over a window larger than one page", () => {
  it("returns every row of the window, newest first", async () => {
    const first = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "SIGNAL#BTC-USD#1h" },
      }),
    );
    expect(first.LastEvaluatedKey).toBeDefined();
    expect(first.Items?.length).toBeLessThan(ROWS);

    const all = await table.store.history("BTC-USD", "1h", { since: START });
    expect(all).toHaveLength(ROWS);
    expect(all[0]?.candleTime).toBe(wide(ROWS - 1).candleTime);
    expect(all.at(-1)?.candleTime).toBe(wide(0).candleTime);
  });
});

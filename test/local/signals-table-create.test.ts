import type { AddressInfo } from "node:net";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSignalsTable, dynamoClientFor } from "../../local/emulators";

/**
 * A new table is CREATING for a while, and refuses writes until it is ACTIVE. Our dynalite turns it
 * ACTIVE almost at once, yet not always before the first write on a busy machine (a stats-cli run
 * failed so, with ResourceNotFoundException): a dynalite that takes 300 ms, as DynamoDB takes seconds,
 * shows the gap every time.
 */
describe("createSignalsTable on a DynamoDB that takes its time", () => {
  const server = dynalite({ createTableMs: 300 });
  let client: ReturnType<typeof dynamoClientFor>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    client = dynamoClientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("returns once the table is ACTIVE, so the first write is accepted", async () => {
    await createSignalsTable(client, "signals-slow");
    const { Table } = await client.send(new DescribeTableCommand({ TableName: "signals-slow" }));
    expect(Table?.TableStatus).toBe("ACTIVE");
  });
});

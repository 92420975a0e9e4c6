import { startTestTable } from "../support/emulators";
import { describeStoreContract } from "../support/store-contract";

describeStoreContract("DynamoStore on dynalite", async () => {
  const table = await startTestTable("signals-contract");
  return { store: table.store, cleanup: table.close };
});

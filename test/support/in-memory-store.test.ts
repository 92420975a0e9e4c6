import { InMemoryStore } from "./in-memory-store";
import { describeStoreContract } from "./store-contract";

describeStoreContract("InMemoryStore", async () => ({ store: new InMemoryStore(), cleanup: async () => {} }));

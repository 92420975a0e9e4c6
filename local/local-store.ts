import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoStore } from "../functions/adapters/dynamo-store";
import { dynamoClientFor, startDynalite } from "./emulators";
import { endpointFile, LOCAL_TABLE_NAME } from "./runtime";

export interface OpenedStore {
  store: DynamoStore;
  where: string;
  close(): Promise<void>;
}

async function isServing(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { method: "GET", signal: AbortSignal.timeout(500) });
    return response.status > 0;
  } catch {
    return false;
  }
}

/**
 * Opens the store `npm start` wrote under `dataDir`: through the running pipeline's dynalite when one
 * is up (LevelDB allows one process), otherwise by starting dynalite on the folder.
 */
export async function openLocalStore(dataDir: string): Promise<OpenedStore> {
  const root = resolve(dataDir);
  const dynamoPath = join(root, "dynamodb");
  if (!existsSync(dynamoPath)) {
    throw new Error(`no local signals in ${root}: run \`npm start\` first (or pass --data-dir, or --aws)`);
  }
  const documentClient = (endpoint: string) =>
    DynamoDBDocumentClient.from(dynamoClientFor(endpoint), {
      marshallOptions: { removeUndefinedValues: true },
    });
  const running = existsSync(endpointFile(root))
    ? readFileSync(endpointFile(root), "utf8").trim()
    : undefined;
  if (running && (await isServing(running))) {
    return {
      store: new DynamoStore(LOCAL_TABLE_NAME, documentClient(running)),
      where: root,
      close: async () => {},
    };
  }
  const dynalite = await startDynalite({ path: dynamoPath });
  return {
    store: new DynamoStore(LOCAL_TABLE_NAME, documentClient(dynalite.endpoint)),
    where: root,
    close: () => dynalite.close(),
  };
}

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
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

/** Names, under the data dir, the store of the most recent run, so `history` reads it by default. */
const LATEST_FILE = "latest";

export function recordLatestStore(dataDir: string, storeDir: string): void {
  writeFileSync(join(resolve(dataDir), LATEST_FILE), `${relative(resolve(dataDir), resolve(storeDir))}\n`);
}

/** `dir` itself when it is a store; otherwise the store of the latest run under it (or `dir`). */
export function resolveStoreDir(dir: string): string {
  const root = resolve(dir);
  const latest = join(root, LATEST_FILE);
  if (existsSync(latest)) return resolve(root, readFileSync(latest, "utf8").trim());
  return root;
}

/**
 * Opens the store `npm start` wrote under `dataDir` (a store, or a data dir holding several): through the running pipeline's dynalite when one
 * is up (LevelDB allows one process), otherwise by starting dynalite on the folder.
 */
export async function openLocalStore(dataDir: string): Promise<OpenedStore> {
  const root = resolveStoreDir(dataDir);
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

/**
 * Saves and restores every document of every container of a Cosmos DB account, through
 * the SDK. The local stack needs it because the Cosmos stand-in keeps data in memory
 * only; it is not meant for real accounts (it reads everything).
 */
import type { ContainerDefinition, CosmosClient } from '@azure/cosmos';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';

export interface SnapshotContainer {
  definition: ContainerDefinition;
  documents: Record<string, unknown>[];
}

export interface CosmosSnapshot {
  version: 1;
  databases: { id: string; containers: SnapshotContainer[] }[];
}

/** Fields the server assigns; restored documents get fresh ones. */
const SERVER_FIELDS = ['_rid', '_self', '_etag', '_ts', '_attachments'];

function withoutServerFields(resource: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(resource).filter(([field]) => !SERVER_FIELDS.includes(field)));
}

export async function readSnapshot(client: CosmosClient): Promise<CosmosSnapshot> {
  const { resources: databases } = await client.databases.readAll().fetchAll();
  const snapshot: CosmosSnapshot = { version: 1, databases: [] };
  for (const { id } of databases) {
    const database = client.database(id);
    const { resources: containers } = await database.containers.readAll().fetchAll();
    const entries: SnapshotContainer[] = [];
    for (const container of containers) {
      const { resources } = await database.container(container.id).items.readAll<Record<string, unknown>>().fetchAll();
      const { id: containerId, partitionKey, indexingPolicy, uniqueKeyPolicy, defaultTtl } = container;
      entries.push({
        definition: { id: containerId, partitionKey, indexingPolicy, uniqueKeyPolicy, defaultTtl },
        documents: resources.map(withoutServerFields),
      });
    }
    snapshot.databases.push({ id, containers: entries });
  }
  return snapshot;
}

/** Recreates the databases and containers (if missing) and upserts every document; returns the count. */
export async function restoreSnapshot(client: CosmosClient, snapshot: CosmosSnapshot): Promise<number> {
  let restored = 0;
  for (const db of snapshot.databases) {
    const { database } = await client.databases.createIfNotExists({ id: db.id });
    for (const entry of db.containers) {
      const { container } = await database.containers.createIfNotExists(entry.definition);
      for (const document of entry.documents) {
        await container.items.upsert(document);
        restored++;
      }
    }
  }
  return restored;
}

export function parseSnapshot(text: string, source: string): CosmosSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${source} is not valid JSON (${(e as Error).message}); move it away to start with empty local data`,
      { cause: e },
    );
  }
  if (!isSnapshot(parsed))
    throw new Error(`${source} is not a Cosmos snapshot (version 1); move it away to start with empty local data`);
  return parsed;
}

function isSnapshot(value: unknown): value is CosmosSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const { version, databases } = value as { version?: unknown; databases?: unknown };
  return version === 1 && Array.isArray(databases);
}

export async function loadSnapshotFile(file: string): Promise<CosmosSnapshot | undefined> {
  if (!existsSync(file)) return undefined;
  return parseSnapshot(await readFile(file, 'utf8'), file);
}

/** Write-then-rename, so a crash mid-write leaves the previous snapshot intact. */
export async function writeFileAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content, { mode: 0o600 });
  await rename(temp, file);
}

/**
 * Saves the account's contents to `file` whenever they differ from what was last
 * saved. Saves never overlap: a call made during a save waits for it, then runs.
 */
export class SnapshotKeeper {
  private lastSaved: string | undefined;
  private running: Promise<boolean> = Promise.resolve(false);

  constructor(
    private readonly client: CosmosClient,
    private readonly file: string,
  ) {}

  /** Remembers the restored content as saved, so an unchanged account is not rewritten. */
  markSaved(snapshot: CosmosSnapshot): void {
    this.lastSaved = JSON.stringify(snapshot);
  }

  /** Resolves true when it wrote the file. */
  saveIfChanged(): Promise<boolean> {
    this.running = this.running.catch(() => false).then(() => this.save());
    return this.running;
  }

  private async save(): Promise<boolean> {
    const content = JSON.stringify(await readSnapshot(this.client));
    if (content === this.lastSaved) return false;
    await writeFileAtomically(this.file, content);
    this.lastSaved = content;
    return true;
  }
}

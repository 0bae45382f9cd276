/**
 * What every bench stage gets: the settings, the processes (stand-ins, bot), Teams'
 * side on loopback, the orchestrator's own Cosmos client for setup and checks, and a
 * way to seed partner organisations whose users are incentives admins.
 */
import { randomUUID } from 'node:crypto';
import type { Container, CosmosClient, Database } from '@azure/cosmos';
import type { PartnerOrganisation } from '../claims/model';
import { containerSpec } from '../storage/cosmosSchema';
import type { CosmosCounters } from './standInsProcess';
import type { BenchChild } from './ipc';
import type { PartnerIdentity } from './partnerClient';
import { forEachConcurrently } from './stats';
import type { TeamsStandIn } from './teamsStandIn';

export interface BenchSettings {
  /** Concurrent partners filing a whole claim (turn cost). */
  partners: number;
  /** Conversations parked mid-dialog (heap per conversation). */
  parked: number;
  /** Size of the large PoE, in MiB. */
  poeMiB: number;
  /** Claims whose opt-out window has closed, and claims that are not due. */
  due: number;
  notDue: number;
  /** Measured rounds of each turn stage (the median counts; min and max give the spread). */
  rounds: number;
  /** Runs of the SIGKILL loop (issue 6 item 3); 0 skips that stage. */
  killRuns: number;
  /** Stages to run; all when empty. */
  stages: string[];
  /** The whole bench is stopped after this long. */
  deadlineSeconds: number;
}

export interface StartedBot {
  child: BenchChild;
  /** `http://127.0.0.1:<port>/api/messages` */
  endpoint: string;
}

export interface BenchContext {
  settings: BenchSettings;
  standIns: BenchChild;
  stores: {
    cosmosEndpoint: string;
    cosmosKey: string;
    blobConnectionString: string;
    databaseId: string;
    poeContainer: string;
  };
  cosmos: CosmosClient;
  database: Database;
  bot: StartedBot;
  /**
   * Starts another claims bot process on the same stores (e.g. for a kill-and-restart
   * loop), or on the same stand-in reached through `cosmosEndpoint` (a latency proxy).
   */
  startBot(options?: { cosmosEndpoint?: string }): Promise<StartedBot>;
  /** Starts one of the yardstick bots (bench/echoBot.ts, stateFloorBot.ts, peerBot.ts) on the same stand-ins. */
  startYardstick(name: string, module: string, options?: { cosmosEndpoint?: string }): Promise<StartedBot>;
  teams: TeamsStandIn;
  log(message: string): void;
}

/** The yardstick bots' own containers on the same stand-in, so their Cosmos DB operations are counted apart. */
export const YARDSTICK_CONTAINERS = {
  peerState: 'peerState',
  peerClaims: 'peerClaims',
  stateFloor: 'floorState',
} as const;

export const container = (database: Database, name: Parameters<typeof containerSpec>[0]): Container =>
  database.container(containerSpec(name).id);

/** Organisations of their own, each with one incentives admin, seeded straight into the partner directory. */
export async function seedPartners(ctx: BenchContext, count: number): Promise<PartnerIdentity[]> {
  const partners = container(ctx.database, 'partners');
  const identities = Array.from({ length: count }, () => ({ tenantId: randomUUID(), aadObjectId: randomUUID() }));
  await forEachConcurrently(identities, 32, async ({ tenantId, aadObjectId }, i) => {
    const org: PartnerOrganisation = {
      id: tenantId,
      type: 'partner',
      name: `Bench Partner ${i}`,
      // Two locations, so the partner meets the location card too.
      locations: [
        { mpnId: String(1_000_000 + i), name: 'Seattle' },
        { mpnId: String(5_000_000 + i), name: 'Seoul' },
      ],
      incentivesAdmins: [aadObjectId],
      reviewers: [],
    };
    await partners.items.upsert(org);
  });
  return identities;
}

export interface CounterDelta {
  /** Every request: document operations and the SDK's metadata requests. */
  total: number;
  metadata: number;
  operations: Record<string, number>;
  documentsRead: Record<string, number>;
}

const subtract = (after: Record<string, number>, before: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta !== 0) out[key] = delta;
  }
  return out;
};

export async function counters(ctx: BenchContext): Promise<CosmosCounters> {
  return ctx.standIns.request<CosmosCounters>('counters');
}

export function counterDelta(before: CosmosCounters, after: CosmosCounters): CounterDelta {
  const operations = subtract(after.operations, before.operations);
  const metadata = after.metadata - before.metadata;
  const total = Object.values(operations).reduce((sum, n) => sum + n, 0) + metadata;
  return { total, metadata, operations, documentsRead: subtract(after.documentsRead, before.documentsRead) };
}

export function addDeltas(a: CounterDelta, b: CounterDelta): CounterDelta {
  const add = (x: Record<string, number>, y: Record<string, number>): Record<string, number> => {
    const out = { ...x };
    for (const [key, value] of Object.entries(y)) out[key] = (out[key] ?? 0) + value;
    return out;
  };
  return {
    total: a.total + b.total,
    metadata: a.metadata + b.metadata,
    operations: add(a.operations, b.operations),
    documentsRead: add(a.documentsRead, b.documentsRead),
  };
}

export const sumOf = (table: Record<string, number>): number => Object.values(table).reduce((sum, n) => sum + n, 0);

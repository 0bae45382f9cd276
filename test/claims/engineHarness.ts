/**
 * The after-submission engine wired to the real Cosmos stand-in adapters, with the fakes
 * allowed at our own ports: a settable clock and a recording Notifier.
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { BusinessCalendar } from '../../claims/calendar';
import type { Problem, Result } from '../../claims/errors';
import { ClaimLifecycle, type Caller, type ClaimRef } from '../../claims/lifecycle';
import type { Claim, ClaimStatus, OutboxMessage, PartnerOrganisation, Versioned } from '../../claims/model';
import type { DeliveryOutcome, EngineLog, Notifier } from '../../claims/notifications';
import { OutboxDispatcher, type OutboxDispatcherOptions } from '../../claims/outboxDispatcher';
import type { AssociationStore, ClaimRepository, Clock } from '../../claims/ports';
import { CosmosAssociationStore } from '../../storage/associationStore';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import { containerSpec } from '../../storage/cosmosSchema';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { freshCosmosDatabase, type TestDatabase } from '../support/cosmosTestDatabase';
import { standIns } from '../support/rootHooks';
import { validM365Claim } from './fixtures';

/** Monday 2 March 2026, 09:00 in Seattle. */
export const START = new Date('2026-03-02T17:00:00.000Z');
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export class SettableClock implements Clock {
  constructor(public at: Date = START) {}
  now(): Date {
    return this.at;
  }
  advance(ms: number): Date {
    this.at = new Date(this.at.getTime() + ms);
    return this.at;
  }
}

export interface Delivery {
  claimId: string;
  messageId: string;
  kind: string;
}

/** Records each delivery; `outcome` decides what each call answers (default 'sent'). */
export class RecordingNotifier implements Notifier {
  readonly deliveries: Delivery[] = [];
  outcome: (message: OutboxMessage, claim: Claim) => DeliveryOutcome = () => 'sent';
  /** How long a send takes; a few ms lets parallel dispatchers read while another is mid-send. */
  sendMs = 0;

  async deliver(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    // Yield, as a real send would, so parallel dispatchers interleave.
    await new Promise<void>((resolve) => (this.sendMs > 0 ? setTimeout(resolve, this.sendMs) : setImmediate(resolve)));
    this.deliveries.push({ claimId: claim.id, messageId: message.id, kind: message.kind });
    return this.outcome(message, claim);
  }

  kindsFor(claimId: string): string[] {
    return this.deliveries.filter((d) => d.claimId === claimId).map((d) => d.kind);
  }
}

export const OPERATOR_TENANT = '0e9e7a70-0000-4000-8000-00000000000e';
export const REVIEWER: Caller = {
  actor: { role: 'reviewer', id: 'aad-reviewer', name: 'Rita Reviewer' },
  tenantId: OPERATOR_TENANT,
};

export interface Partner {
  org: PartnerOrganisation;
  admin: Caller;
}

export interface LogEntry {
  level: string;
  event: string;
  facts: Record<string, unknown>;
}

export interface Engine {
  db: TestDatabase;
  clock: SettableClock;
  claims: ClaimRepository;
  associations: CosmosAssociationStore;
  partners: CosmosPartnerDirectory;
  lifecycle: ClaimLifecycle;
  notifier: RecordingNotifier;
  logs: LogEntry[];
  log: EngineLog;
  dispatcher(options?: Partial<OutboxDispatcherOptions>): OutboxDispatcher;
}

export interface EngineOptions {
  clock?: SettableClock;
  /** Wrap the repository (or store) the lifecycle uses, e.g. to fail a step. */
  claims?: (inner: ClaimRepository) => ClaimRepository;
  associations?: (inner: AssociationStore) => AssociationStore;
  optOutWindow?: string;
}

export const calendar = new BusinessCalendar({ country: 'US', timeZone: 'America/Los_Angeles' });

/** One bot instance's engine on `db`: its own Cosmos adapters, sharing the database. */
export async function engineOn(db: TestDatabase, options: EngineOptions = {}): Promise<Engine> {
  const clock = options.clock ?? new SettableClock();
  const claims = new CosmosClaimRepository(db.container('claims'));
  const associations = new CosmosAssociationStore(db.container('associations'), { clock });
  const partners = new CosmosPartnerDirectory(db.container('partners'), { operatorTenantId: OPERATOR_TENANT });
  await partners.upsert({
    id: OPERATOR_TENANT,
    type: 'operator',
    name: 'Program operator',
    locations: [],
    incentivesAdmins: [],
    reviewers: ['aad-reviewer'],
  });
  const logs: LogEntry[] = [];
  const log: EngineLog = (level, event, facts) => logs.push({ level, event, facts });
  const notifier = new RecordingNotifier();
  const lifecycle = new ClaimLifecycle({
    claims: options.claims ? options.claims(claims) : claims,
    associations: options.associations ? options.associations(associations) : associations,
    partners,
    calendar,
    clock,
    optOutWindow: options.optOutWindow ?? '5',
    infoDeadlineBusinessDays: 10,
    log,
  });
  const dispatcher = (overrides: Partial<OutboxDispatcherOptions> = {}) =>
    new OutboxDispatcher({ claims, notifier, associations, clock, random: () => 0.5, log, ...overrides });
  return { db, clock, claims, associations, partners, lifecycle, notifier, logs, log, dispatcher };
}

/** The same database through a connection of its own, as a second bot instance would have. */
export function reconnect(db: TestDatabase): TestDatabase {
  const { cosmos } = standIns();
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
  const database = client.database(db.databaseId);
  return { client, databaseId: db.databaseId, container: (name) => database.container(containerSpec(name).id) };
}

/**
 * Mocha hooks for a test file: one fresh database for the file, and before each test a
 * new engine (clock back at START) and a new partner organisation, handed to `receive`.
 */
export function useEngine(receive: (fixture: { db: TestDatabase; engine: Engine; partner: Partner }) => void): void {
  let db: TestDatabase;
  before(async () => {
    db = await freshCosmosDatabase();
  });
  beforeEach(async () => {
    const engine = await engineOn(db, { clock: new SettableClock(START) });
    receive({ db, engine, partner: await newPartner(engine) });
  });
}

export async function newPartner(engine: Engine): Promise<Partner> {
  const id = `partner-${randomUUID()}`;
  const adminId = `aad-admin-${randomUUID()}`;
  const org: PartnerOrganisation = {
    id,
    type: 'partner',
    name: 'Fabrikam Consulting',
    locations: [{ mpnId: '1234567', name: 'Seattle' }],
    incentivesAdmins: [adminId],
    reviewers: [],
  };
  await engine.partners.upsert(org);
  return { org, admin: { actor: { role: 'partnerAdmin', id: adminId, name: 'Ada Admin' }, tenantId: id } };
}

export function customerOf(claim: Claim): Caller {
  return { actor: { role: 'customer', id: claim.customerContact?.email ?? '' } };
}

export const refOf = (claim: Claim | Versioned<Claim>): ClaimRef => {
  const value = 'value' in claim ? claim.value : claim;
  return { partnerId: value.partnerId, claimId: value.id };
};

export function value<T>(result: Result<T, Problem[]>): T {
  if (!result.ok) assert.fail(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

export function codes(result: Result<unknown, Problem[]>): string[] {
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? [] : result.error.map((p) => p.code);
}

/** A draft Microsoft 365 claim of `partner` for a customer tenant of its own (so keys never collide across tests). */
export async function draft(engine: Engine, partner: Partner, overrides: Partial<Claim> = {}): Promise<Claim> {
  const claim = validM365Claim({
    id: randomUUID(),
    partnerId: partner.org.id,
    customerTenantId: randomUUID(),
    createdBy: partner.admin.actor,
    ...overrides,
  });
  return (await engine.claims.create(claim)).value;
}

/** Files a draft and takes it through review to `status` (approval through the lifecycle, keys and all). */
export async function claimIn(
  engine: Engine,
  partner: Partner,
  status: 'submitted' | 'underReview' | 'approvedCustomerNotified' | 'associated' | 'rejected',
  overrides: Partial<Claim> = {},
): Promise<Claim> {
  const ref = refOf(await draft(engine, partner, overrides));
  const path: ClaimStatus[] = ['submitted', 'underReview', 'approvedCustomerNotified', 'associated'];
  let claim = value(await engine.lifecycle.submit(ref, partner.admin)).value;
  if (status === 'submitted') return claim;
  claim = value(await engine.lifecycle.startReview(ref, REVIEWER)).value;
  if (status === 'rejected')
    return value(await engine.lifecycle.reject(ref, REVIEWER, 'insufficientPoe', 'unsigned')).value;
  for (const next of path.slice(2, path.indexOf(status) + 1)) {
    claim =
      next === 'approvedCustomerNotified'
        ? value(await engine.lifecycle.approve(ref, REVIEWER)).value
        : value(await engine.lifecycle.customerDecision(ref, customerOf(claim), 'approve')).value;
  }
  return claim;
}

export async function read(engine: Engine, claim: Claim): Promise<Versioned<Claim>> {
  const stored = await engine.claims.get(claim.partnerId, claim.id);
  assert.ok(stored, `claim ${claim.id} is gone`);
  return stored;
}

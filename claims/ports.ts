/**
 * What the domain needs from the outside world, as interfaces. Adapters in
 * `storage/` (and `bot/` for messaging) implement them; tests may fake only these.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { CustomerDecision } from './lifecycle';
import type {
  AccessRequest,
  Claim,
  ClaimStatus,
  PartnerOrganisation,
  PoeFile,
  PoeUnreadable,
  SolutionArea,
  Versioned,
  Actor,
} from './model';
import type { TenantLookup } from './tenants';
import type { ConsentGrant } from './consentToken';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ClaimListFilter {
  statuses?: ClaimStatus[];
  solutionArea?: SolutionArea;
  /** Matches the customer domain or tenant id, case-insensitively, by prefix. */
  customer?: string;
  createdBy?: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  continuationToken?: string;
}

export interface ClaimRepository {
  /** Creates a new claim; fails with `claimExists` if the id is taken. */
  create(claim: Claim): Promise<Versioned<Claim>>;
  get(partnerId: string, claimId: string): Promise<Versioned<Claim> | undefined>;
  /** Replaces the claim only if it still has `etag`; otherwise throws ConcurrencyConflict. */
  replace(claim: Claim, etag: string): Promise<Versioned<Claim>>;
  /** Deletes a draft only if it still has `etag`. */
  delete(partnerId: string, claimId: string, etag: string): Promise<void>;
  listByPartner(
    partnerId: string,
    filter: ClaimListFilter,
    pageSize: number,
    continuationToken?: string,
  ): Promise<Page<Claim>>;
  /** Claims waiting for a reviewer (submitted, under review, dispute), oldest submission first. */
  reviewQueue(pageSize: number, continuationToken?: string): Promise<Page<Claim>>;
  /** Claims whose `dueAt` is at or before `now`, earliest first. */
  listDue(now: Date, limit: number): Promise<Versioned<Claim>[]>;
  /**
   * Claims of every partner for this customer tenant (canonical lower-case GUID) that
   * await a decision (submitted, under review, partner action required, dispute): the
   * competitors a reviewer must see. At most `limit`, oldest submission first.
   */
  openClaimsOfCustomer(customerTenantId: string, limit: number): Promise<Claim[]>;
}

/** An association key: one customer tenant's workload or subscription. */
export interface AssociationHold {
  /** The key itself, e.g. `m365|<tenant>|exchangeOnline` or `sub|<tenant>|<subscription>`. */
  key: string;
  partnerId: string;
  /** The claim that holds it; legacy associations have none. */
  claimId?: string;
  state: 'pending' | 'held';
  /** Legacy Dynamics 365 / Power BI associations end with their subscription. */
  expiresAt?: string;
  legacy: boolean;
  createdAt: string;
}

export interface AssociationStore {
  /**
   * Takes every key for the claim or none: throws AssociationConflict (naming the
   * contested keys, never the other partner) when another claim holds one.
   */
  acquire(partnerId: string, claimId: string, keys: string[]): Promise<void>;
  /** Marks the claim's pending holds as held, once the claim records them. */
  confirm(partnerId: string, claimId: string, keys: string[]): Promise<void>;
  /** Releases the claim's holds (idempotent). */
  release(partnerId: string, claimId: string, keys: string[]): Promise<void>;
  /** Who holds a key now, if anyone. */
  holderOf(key: string): Promise<AssociationHold | undefined>;
  importLegacy(hold: Omit<AssociationHold, 'state' | 'createdAt' | 'legacy'> & { expiresAt?: string }): Promise<void>;
  /** Completes or undoes holds left pending by a crash; returns how many it fixed. */
  repair(
    olderThan: Date,
    claimHolds: (partnerId: string, claimId: string, key: string) => Promise<boolean>,
  ): Promise<number>;
}

export interface EvidenceUpload {
  partnerId: string;
  claimId: string;
  poeId: string;
  fileName: string;
  /** The type the sender declared (file extension or MIME); must agree with the content. */
  declaredType?: string;
  content: Readable;
  uploadedBy: Actor;
}

export interface EvidenceStore {
  /** Streams the file into private storage; refuses oversize or unrecognised content, storing nothing. */
  put(upload: EvidenceUpload): Promise<PoeFile>;
  /** A short-lived read link. */
  readUrl(file: PoeFile, ttlSeconds?: number): Promise<string>;
  /** Removes a draft's file; refuses once the claim is submitted. */
  remove(claim: Claim, poeId: string): Promise<void>;
  /**
   * Removes a file stored for a claim that never recorded it (new PoE of a dispute that was
   * cancelled or refused), at any status; reads the claim first and refuses (`poeLocked`)
   * when its PoE list holds the file. Idempotent.
   */
  discardUnrecorded(partnerId: string, claimId: string, poeId: string): Promise<void>;
  exists(blobName: string): Promise<boolean>;
}

/** A PoE file's text as far as a machine can read it, or why it cannot. */
export type EvidenceText =
  { status: 'read'; text: string; truncated: boolean } | { status: 'unreadable'; why: PoeUnreadable };

/** Who the file is read for: the user's locale picks the OCR languages (theirs, then English). */
export interface EvidenceReading {
  locale?: string;
}

export interface EvidenceReader {
  /** Reads a stored file's text within the reader's time and memory limits; never throws for the file's content. */
  textOf(file: PoeFile, reading?: EvidenceReading): Promise<EvidenceText>;
}

export interface PartnerDirectory {
  get(partnerId: string): Promise<PartnerOrganisation | undefined>;
  upsert(org: PartnerOrganisation): Promise<void>;
  /** Whether this AAD user, asking from `tenantId`, is a reviewer of the operator organisation. */
  isReviewer(tenantId: string, aadObjectId: string): Promise<boolean>;
}

/** The directory as role management needs it: ETag-guarded writes, and the whole list. */
export interface OrganisationStore extends PartnerDirectory {
  /** The configured operator tenant. */
  readonly operatorTenantId: string;
  getVersioned(id: string): Promise<Versioned<PartnerOrganisation> | undefined>;
  /** Fails with `organisationExists` if the tenant already has an entry. */
  create(org: PartnerOrganisation): Promise<Versioned<PartnerOrganisation>>;
  /** Replaces the entry only if it still has `etag`; otherwise throws ConcurrencyConflict. */
  replace(org: PartnerOrganisation, etag: string): Promise<Versioned<PartnerOrganisation>>;
  list(): Promise<PartnerOrganisation[]>;
}

/** Who hears about access requests, in Teams; never throws. */
export interface RoleNotices {
  /** Tells the organisation's owners of a waiting request; how many of them were reached. */
  accessRequested(org: PartnerOrganisation, request: AccessRequest): Promise<number>;
  /** Tells the requester the owners' answer. */
  accessDecided(org: PartnerOrganisation, request: AccessRequest, granted: boolean): Promise<void>;
}

export interface TenantDirectory {
  /** What the directory says about a domain; never throws (an unreachable directory is `unverifiable`). */
  lookup(domain: string): Promise<TenantLookup>;
}

export interface StoredConversationReference {
  tenantId: string;
  aadObjectId: string;
  email?: string;
  locale?: string;
  /** The Bot Framework conversation reference, opaque to the domain. */
  reference: Record<string, unknown>;
  updatedAt: string;
  dead: boolean;
}

export interface ConversationReferenceStore {
  save(ref: StoredConversationReference): Promise<void>;
  get(tenantId: string, aadObjectId: string): Promise<StoredConversationReference | undefined>;
  /** The latest live reference with this email; only within `tenantId` when given. */
  findByEmail(email: string, tenantId?: string): Promise<StoredConversationReference | undefined>;
  markDead(tenantId: string, aadObjectId: string): Promise<void>;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Publishes a generated document (PoE template, CSV export) behind a short-lived private link. */
export interface DownloadLinks {
  publish(
    document: { partnerId: string; fileName: string; contentType: string; bytes: Buffer },
    ttlSeconds: number,
  ): Promise<string>;
}

/**
 * Links to documents made when they are opened (the PoE template): the turn that shows
 * the link only signs it, and the document is made from the claim as it is then.
 */
export interface TemplateLinks {
  /** A link to `claim`'s filled-in PoE template in `locale`, good for a few hours. */
  poeTemplate(claim: Pick<Claim, 'id' | 'partnerId'>, locale: string): string;
}

/** A generated file handed back to the user (a PoE template, an export). */
export interface GeneratedDocument {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** Writes documents about a claim; `L` is the locale type of the locales layer, which the core does not know. */
export interface DocumentWriter<L extends string = string> {
  /** A PoE template (Word) with the claim's details filled in, in the user's language. */
  poeTemplate(claim: Claim, locale: L): Promise<GeneratedDocument>;
}

/** What one piece of work is, for its idempotency record: an incoming activity, a delivery, a welcome. */
export type IdempotencyKind = 'activity' | 'delivery' | 'welcome';

/** What `begin` found: the work is ours now, already done, or someone holds a live lease on it. */
export type BeginOutcome = 'started' | 'done' | 'inProgress';

/** Marks that make work happen once across retries, redeliveries and instances. */
export interface IdempotencyRecords {
  /**
   * Claims the work for `leaseMs` unless it is done or leased by someone else. `keepSeconds`
   * is how long the record lives if nobody completes or abandons it (a crash).
   */
  begin(id: string, kind: IdempotencyKind, leaseMs: number, keepSeconds: number): Promise<BeginOutcome>;
  /** Marks the work done for `keepSeconds` (created if `begin` was never called). */
  complete(id: string, kind: IdempotencyKind, keepSeconds: number): Promise<void>;
  /** Gives the work back (it failed), so the next claimant starts it afresh. Idempotent. */
  abandon(id: string): Promise<void>;
  isDone(id: string): Promise<boolean>;
}

/** A record id from the parts that name the work; hashed, because channel ids may hold characters storage ids may not. */
export function recordId(kind: IdempotencyKind, parts: readonly string[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  return `${kind}.${digest}`;
}

/** What a used consent link was used for: ids and the answer, never the contact's address. */
export interface ConsentNonceUse {
  claimId: string;
  partnerId: string;
  decision: CustomerDecision;
}

export interface UsedConsentNonce extends ConsentNonceUse {
  nonce: string;
  usedAt: string;
}

/** One use per consent link: the nonce a link carries is consumed by its first answer. */
export interface ConsentNonceStore {
  /** Marks the nonce used for `use`; 'alreadyUsed' when it was (by this or any answer). */
  consume(nonce: string, expiresAt: Date | string, use: ConsentNonceUse): Promise<'consumed' | 'alreadyUsed'>;
  /** The record of a used nonce; undefined while unused (or after its TTL). */
  find(nonce: string): Promise<UsedConsentNonce | undefined>;
}

/**
 * What consent links refer to: the link carries only an opaque grant id, and the grant
 * (claim, partner, contact, window, nonce) is kept here, so no personal data travels in it.
 */
export interface ConsentGrantStore {
  /** Idempotent: the same id always names the same grant (a re-sent message keeps its link). */
  save(grantId: string, grant: ConsentGrant): Promise<void>;
  get(grantId: string): Promise<ConsentGrant | undefined>;
}

/** A Mailer's answer for a message the server refused for good; sending it again would be refused again. */
export class MailRejected extends Error {
  readonly code = 'mailRejected';
  constructor(readonly responseCode: number) {
    super(`the mail server refused the message permanently (${responseCode})`);
    this.name = 'MailRejected';
  }
}

/**
 * True when a storage write lost a race: it was guarded by the version (ETag) it read,
 * and someone wrote first. The storage adapters report this as status 412 on the error.
 */
export function isWriteConflict(error: unknown): boolean {
  return storageStatusOf(error) === 412;
}

/** The status a storage SDK error carries: its integer `code`, else its `statusCode`. */
export function storageStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  for (const field of ['code', 'statusCode'] as const) {
    const value: unknown = Reflect.get(error, field);
    if (typeof value === 'number' && Number.isInteger(value)) return value;
  }
  return undefined;
}

/**
 * What the domain needs from the outside world, as interfaces. Adapters in
 * `storage/` (and `bot/` for messaging) implement them; tests may fake only these.
 */
import type { Readable } from 'node:stream';
import type { Claim, ClaimStatus, PartnerOrganisation, PoeFile, SolutionArea, Versioned, Actor } from './model';

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
  listByPartner(partnerId: string, filter: ClaimListFilter, pageSize: number, continuationToken?: string): Promise<Page<Claim>>;
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
  repair(olderThan: Date, claimHolds: (partnerId: string, claimId: string, key: string) => Promise<boolean>): Promise<number>;
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

export interface PartnerDirectory {
  get(partnerId: string): Promise<PartnerOrganisation | undefined>;
  upsert(org: PartnerOrganisation): Promise<void>;
  /** Partner organisations in which this AAD user is a reviewer. */
  isReviewer(tenantId: string, aadObjectId: string): Promise<boolean>;
}

export interface TenantDirectory {
  /** The tenant a verified domain belongs to, if known. */
  tenantOfDomain(domain: string): Promise<string | undefined>;
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
  publish(document: { partnerId: string; fileName: string; contentType: string; bytes: Buffer }, ttlSeconds: number): Promise<string>;
}

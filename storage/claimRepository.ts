/**
 * Claims in Cosmos DB: one document per claim in the `claims` container, partitioned
 * by the partner organisation, so a status change, its history entry and its outbox
 * messages are one ETag-guarded write, and a partner's reads never leave its partition.
 *
 * A point read is shared by the rest of its turn (storage/turnReads): the new-claim
 * flow, the lifecycle and the PoE check ask for the same claim in one turn. The turn's
 * first read is fresh; what the turn writes is what the rest of it reads; a write that
 * failed in any way (a lost race, a timeout that may or may not have written) makes the
 * next read go to Cosmos DB again. Outside a turn every read is fresh.
 */
import { createHash } from 'node:crypto';
import type { Container, FeedOptions, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { Claim, Versioned } from '../claims/model';
import type { ClaimListFilter, ClaimRepository, Page } from '../claims/ports';
import { ConcurrencyConflict, DomainError } from '../claims/errors';
import { OPEN_STATUSES, REVIEW_STATUSES } from '../claims/statusTraits';
import { cosmosErrorCode, fromStored, type CosmosSystemFields, type OperationHook } from './cosmosConnection';
import { sharedInTurn, writtenInTurn } from './turnReads';

export interface CosmosClaimRepositoryOptions {
  onOperation?: OperationHook;
}

type ClaimDocument = Claim & CosmosSystemFields;

const MAX_PAGE_SIZE = 100;

export class CosmosClaimRepository implements ClaimRepository {
  private readonly onOperation: OperationHook;

  constructor(
    private readonly container: Container,
    options: CosmosClaimRepositoryOptions = {},
  ) {
    this.onOperation = options.onOperation ?? (() => undefined);
  }

  async create(claim: Claim): Promise<Versioned<Claim>> {
    this.onOperation('claims.create');
    try {
      const { resource } = await this.container.items.create<ClaimDocument>(claim);
      return this.written(claim.partnerId, this.versioned(resource));
    } catch (e) {
      writtenInTurn(this.turnKey(claim.partnerId, claim.id), undefined);
      if (cosmosErrorCode(e) === 409)
        throw new DomainError('claimExists', `claim ${claim.id} already exists`, { claimId: claim.id });
      throw e;
    }
  }

  /** Read once per turn (see above); outside a turn, always read. */
  get(partnerId: string, claimId: string): Promise<Versioned<Claim> | undefined> {
    return sharedInTurn(this.turnKey(partnerId, claimId), () => this.read(partnerId, claimId));
  }

  private async read(partnerId: string, claimId: string): Promise<Versioned<Claim> | undefined> {
    this.onOperation('claims.read');
    const { resource } = await this.container.item(claimId, partnerId).read<ClaimDocument>();
    // The partition key already confines the read; the check guards against a
    // mis-keyed document ever crossing the organisation boundary.
    if (!resource || resource.partnerId !== partnerId) return undefined;
    return this.versioned(resource);
  }

  async replace(claim: Claim, etag: string): Promise<Versioned<Claim>> {
    this.onOperation('claims.replace');
    try {
      const { resource } = await this.container
        .item(claim.id, claim.partnerId)
        .replace<ClaimDocument>(claim, { accessCondition: { type: 'IfMatch', condition: etag } });
      return this.written(claim.partnerId, this.versioned(resource));
    } catch (e) {
      writtenInTurn(this.turnKey(claim.partnerId, claim.id), undefined);
      // 404: deleted since it was read, which is also "no longer has this etag".
      const code = cosmosErrorCode(e);
      if (code === 412 || code === 404) throw new ConcurrencyConflict(`claim ${claim.id}`);
      throw e;
    }
  }

  async delete(partnerId: string, claimId: string, etag: string): Promise<void> {
    this.onOperation('claims.delete');
    writtenInTurn(this.turnKey(partnerId, claimId), undefined);
    try {
      await this.container.item(claimId, partnerId).delete({ accessCondition: { type: 'IfMatch', condition: etag } });
    } catch (e) {
      const code = cosmosErrorCode(e);
      // Already gone: a double-clicked "delete draft" reached its goal.
      if (code === 404) return;
      if (code === 412) throw new ConcurrencyConflict(`claim ${claimId}`);
      throw e;
    }
  }

  listByPartner(
    partnerId: string,
    filter: ClaimListFilter,
    pageSize: number,
    continuationToken?: string,
  ): Promise<Page<Claim>> {
    const conditions = ['c.partnerId = @partnerId'];
    const parameters: SqlParameter[] = [{ name: '@partnerId', value: partnerId }];
    if (filter.statuses?.length) {
      const names = filter.statuses.map((status, i) => {
        parameters.push({ name: `@status${i}`, value: status });
        return `@status${i}`;
      });
      conditions.push(`c.status IN (${names.join(', ')})`);
    }
    if (filter.solutionArea) {
      conditions.push('c.solutionArea = @solutionArea');
      parameters.push({ name: '@solutionArea', value: filter.solutionArea });
    }
    const customer = filter.customer?.trim().toLowerCase();
    if (customer) {
      // LOWER on the stored value rather than STARTSWITH's case-insensitive flag:
      // the local stand-in knows only the two-argument form.
      conditions.push(
        '(STARTSWITH(LOWER(c.customerDomain), @customer) OR STARTSWITH(LOWER(c.customerTenantId), @customer))',
      );
      parameters.push({ name: '@customer', value: customer });
    }
    if (filter.createdBy) {
      conditions.push('c.createdBy.id = @createdBy');
      parameters.push({ name: '@createdBy', value: filter.createdBy });
    }
    const query = { query: `SELECT * FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.updatedAt DESC`, parameters };
    return this.page(query, { partitionKey: partnerId }, pageSize, continuationToken);
  }

  reviewQueue(pageSize: number, continuationToken?: string): Promise<Page<Claim>> {
    const names = REVIEW_STATUSES.map((_, i) => `@status${i}`);
    const query = {
      query: `SELECT * FROM c WHERE c.status IN (${names.join(', ')}) ORDER BY c.submittedAt ASC`,
      parameters: REVIEW_STATUSES.map((status, i) => ({ name: names[i], value: status })),
    };
    return this.page(query, {}, pageSize, continuationToken);
  }

  async listDue(now: Date, limit: number): Promise<Versioned<Claim>[]> {
    assertPageSize(limit);
    // `dueAt` is written only while time can change the claim, so the filter touches
    // only claims that have a deadline, and the range index keeps it to the due ones.
    const query = {
      query: 'SELECT TOP @limit * FROM c WHERE IS_DEFINED(c.dueAt) AND c.dueAt <= @now ORDER BY c.dueAt ASC',
      parameters: [
        { name: '@limit', value: limit },
        { name: '@now', value: now.toISOString() },
      ],
    };
    const iterator = this.container.items.query<ClaimDocument>(query, { maxItemCount: limit });
    const due: Versioned<Claim>[] = [];
    while (due.length < limit && iterator.hasMoreResults()) {
      this.onOperation('claims.query');
      const { resources } = await iterator.fetchNext();
      due.push(...resources.map((doc) => this.versioned(doc)));
    }
    return due.slice(0, limit);
  }

  async openClaimsOfCustomer(customerTenantId: string, limit: number): Promise<Claim[]> {
    assertPageSize(limit);
    // Across partitions on purpose: the competitors are other organisations' claims.
    // Few claims name one customer, so the cost follows that customer, not all claims.
    const names = OPEN_STATUSES.map((_, i) => `@status${i}`);
    const query = {
      query: `SELECT TOP @limit * FROM c WHERE c.customerTenantId = @tenant AND c.status IN (${names.join(', ')}) ORDER BY c.submittedAt ASC`,
      parameters: [
        { name: '@limit', value: limit },
        { name: '@tenant', value: customerTenantId },
        ...OPEN_STATUSES.map((status, i) => ({ name: names[i], value: status })),
      ],
    };
    const iterator = this.container.items.query<ClaimDocument>(query, { maxItemCount: limit });
    const found: Claim[] = [];
    while (found.length < limit && iterator.hasMoreResults()) {
      this.onOperation('claims.query');
      const { resources } = await iterator.fetchNext();
      found.push(...resources.map((doc) => fromStored<Claim>(doc).value));
    }
    return found.slice(0, limit);
  }

  /**
   * One page of at most `pageSize` claims. Cosmos may answer a request with fewer items
   * than asked (even none) and a token; we keep asking for the rest so a page is full
   * unless it is the last, and hand out the token wrapped with a fingerprint of the query
   * so a token from one list cannot be replayed against another.
   */
  private async page(
    query: SqlQuerySpec,
    options: FeedOptions,
    pageSize: number,
    token: string | undefined,
  ): Promise<Page<Claim>> {
    assertPageSize(pageSize);
    const fingerprint = queryFingerprint(query, options);
    let cosmosToken = token === undefined ? undefined : unwrapToken(token, fingerprint);
    const items: Claim[] = [];
    let first = true;
    do {
      this.onOperation('claims.query');
      const request = this.container.items.query<ClaimDocument>(query, {
        ...options,
        maxItemCount: pageSize - items.length,
        continuationToken: cosmosToken,
      });
      const response = await request.fetchNext().catch((e: unknown) => {
        // The fingerprint is no secret, so a forged card can pair the right one with a Cosmos
        // token Cosmos never gave out; Cosmos refuses that with a 400, which is the card's fault.
        if (first && token !== undefined && cosmosErrorCode(e) === 400)
          throw new DomainError('invalidContinuationToken', 'Cosmos DB refused the continuation token');
        throw e;
      });
      first = false;
      items.push(...response.resources.map((doc) => fromStored<Claim>(doc).value));
      cosmosToken = response.continuationToken;
    } while (cosmosToken && items.length < pageSize);
    return cosmosToken ? { items, continuationToken: wrapToken(cosmosToken, fingerprint) } : { items };
  }

  /** The container's address with the claim's: two repositories on different databases share nothing. */
  private turnKey(partnerId: string, claimId: string): string {
    return `${this.container.url}/${partnerId}/${claimId}`;
  }

  /** What the rest of the turn reads for this claim. */
  private written(partnerId: string, entry: Versioned<Claim>): Versioned<Claim> {
    writtenInTurn(this.turnKey(partnerId, entry.value.id), entry);
    return entry;
  }

  private versioned(resource: ClaimDocument | undefined): Versioned<Claim> {
    if (!resource) throw new Error('Cosmos DB returned no claim document');
    return fromStored<Claim>(resource);
  }
}

function assertPageSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new RangeError(`page size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${size}`);
  }
}

function queryFingerprint(query: SqlQuerySpec, options: FeedOptions): string {
  return createHash('sha256')
    .update(JSON.stringify([query.query, query.parameters ?? [], options.partitionKey ?? null]))
    .digest('base64url')
    .slice(0, 16);
}

function wrapToken(cosmosToken: string, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, c: cosmosToken })).toString('base64url');
}

/** Longer than any token we hand out; a longer one would only make a request header too large to send. */
const MAX_TOKEN_CHARS = 16 * 1024;

function unwrapToken(token: string, fingerprint: string): string {
  if (token.length > MAX_TOKEN_CHARS)
    throw new DomainError('invalidContinuationToken', 'the continuation token is too long to be ours');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const f: unknown = Reflect.get(parsed, 'f');
    const c: unknown = Reflect.get(parsed, 'c');
    if (f === fingerprint && typeof c === 'string') return c;
  }
  throw new DomainError('invalidContinuationToken', 'the continuation token does not belong to this list');
}

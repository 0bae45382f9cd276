/**
 * The claim a new-claim flow works on, read and written for the dialogs.
 *
 * Before the Draft document exists (location, customer, solution) the answers live in
 * the flow's own state (`ClaimWork.fields`, saved with the dialog state); the same
 * domain edit rules apply to them through a sketch claim, so a field is stored in the
 * same normalised form before and after the document exists. Afterwards every write
 * goes to the claim document with its ETag; when someone else changed it meanwhile,
 * the change is re-read and re-applied, so one partner's two windows never lose a step.
 *
 * Who may write is checked on every write from the turn's Caller (role AND
 * organisation), never remembered from an earlier turn: a role can be taken away
 * while a card waits.
 */
import { createHash } from 'node:crypto';
import { hasRole } from '../../claims/organisations';
import type { TurnContext } from 'botbuilder';
import { applyEdit, createDraft, editableFields, type ClaimPatch } from '../../claims/statusMachine';
import { ConcurrencyConflict, DomainError, fail, ok, type Problem, type Result } from '../../claims/errors';
import type {
  Activity,
  Actor,
  Claim,
  PartnerOrganisation,
  PoeFile,
  RevenueAssociationDetails,
  SolutionArea,
  Versioned,
} from '../../claims/model';
import type { WorkProposal } from '../../claims/poePrefill';
import type { SummarySection } from '../../cards/verbs';
import { partnerActor, type Caller } from '../caller';
import type { ClaimServices } from '../services';

/** What the first steps gathered before the Draft document exists. */
export interface DraftFields {
  mpnId?: string;
  customerDomain?: string;
  customerTenantId?: string;
  solutionArea?: SolutionArea;
  activity?: Activity;
  revenue?: RevenueAssociationDetails;
}

/** The flow's work in progress, passed from section to section (plain JSON: it lives in dialog state). */
export interface ClaimWork {
  /** Set once the Draft document exists. */
  claimId?: string;
  fields: DraftFields;
  /** A section the partner chose to edit from the summary: it is asked again although it is filled. */
  edit?: SummarySection;
  /** Typed in the summary's comment box before the partner chose to edit a section; shown there again. */
  comment?: string;
  /** The id the draft will get, chosen when files arrive before it exists (a signed SOW attached at the first card). */
  reservedClaimId?: string;
  /** Files stored under `reservedClaimId` before the draft existed; recorded on it at the PoE step. */
  pendingPoe?: PoeFile[];
  /** What a statement of work proposes, shown on the cards for the partner to confirm; never written by itself. */
  proposal?: WorkProposal;
}

/** A caller who may create and change claims right now. */
export interface Writer {
  caller: Caller;
  org: PartnerOrganisation;
  actor: Actor;
}

/** The caller as a writer, or undefined when the role or the organisation does not allow it. */
export function writerOf(caller: Caller): Writer | undefined {
  const org = caller.org;
  if (!org || !caller.isIncentivesAdmin) return undefined;
  // Both facts are read from the directory every turn; they must agree (a partner entry, not suspended, listing them).
  if (org.id !== caller.tenantId || !hasRole(org, caller, 'incentivesAdmin', '')) return undefined;
  return { caller, org, actor: partnerActor(caller) };
}

/** Why a write could not happen at all (as opposed to problems with what was typed). */
export type WriteStop = 'notFound' | 'notEditable' | 'notAllowed';

export type SaveOutcome =
  { ok: true; work: ClaimWork; claim: Claim } | { ok: false; problems: Problem[] } | { ok: false; stop: WriteStop };

const WRITE_ATTEMPTS = 3;
const CACHE_KEY = Symbol('cpor.claimDraft.cache');

/** Problems that mean the claim as a whole may not be written, not that a field is wrong. */
function stopOf(problems: readonly Problem[]): WriteStop | undefined {
  if (problems.some((p) => p.code === 'roleNotAllowed')) return 'notAllowed';
  if (problems.some((p) => p.code === 'claimLocked' || p.code === 'transitionNotAllowed')) return 'notEditable';
  return undefined;
}

/**
 * The id of the draft a card creates, derived from the organisation and the card's
 * nonce (random, kept server-side): the same for every submit of that card, different
 * for every other card.
 */
export function draftIdForCard(orgId: string, nonce: string): string {
  const hex = createHash('sha256').update(`draft\u0000${orgId}\u0000${nonce}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The fields a sketch carries back into the flow's state. */
function fieldsOf(claim: Claim): DraftFields {
  const fields: DraftFields = {};
  if (claim.mpnId) fields.mpnId = claim.mpnId;
  if (claim.customerDomain) fields.customerDomain = claim.customerDomain;
  if (claim.customerTenantId) fields.customerTenantId = claim.customerTenantId;
  if (claim.solutionArea) fields.solutionArea = claim.solutionArea;
  if (claim.activity) fields.activity = claim.activity;
  if (claim.revenue) fields.revenue = claim.revenue;
  return fields;
}

/** What a claim only gets once it exists: empty in a sketch. */
const nothingYet = (): Pick<
  Claim,
  'productIds' | 'subscriptions' | 'poe' | 'comments' | 'history' | 'heldKeys' | 'outbox' | 'disputed'
> => ({
  productIds: [],
  subscriptions: [],
  poe: [],
  comments: [],
  history: [],
  heldKeys: [],
  outbox: [],
  disputed: false,
});

/** A claim-shaped view of the fields gathered before the document exists, for validators and cards. */
export function sketchClaim(fields: DraftFields, writer: Writer, now: Date): Claim {
  const at = now.toISOString();
  const claim: Claim = {
    ...nothingYet(),
    id: '',
    type: 'claim',
    status: 'draft',
    partnerId: writer.org.id,
    createdBy: writer.actor,
    createdAt: at,
    updatedAt: at,
    name: '',
    mpnId: fields.mpnId ?? '',
    customerDomain: fields.customerDomain ?? '',
    customerTenantId: fields.customerTenantId ?? '',
  };
  if (fields.solutionArea) claim.solutionArea = fields.solutionArea;
  if (fields.activity) claim.activity = fields.activity;
  if (fields.revenue) claim.revenue = fields.revenue;
  return claim;
}

export class ClaimDraft {
  constructor(private readonly services: ClaimServices) {}

  /**
   * The stored claim, read at most once per turn (every write refreshes the copy), in
   * the caller's own organisation's partition only.
   */
  async load(
    context: TurnContext,
    writer: Writer,
    claimId: string,
    fresh = false,
  ): Promise<Versioned<Claim> | undefined> {
    const cache = this.cacheOf(context);
    const cached = cache.get(claimId);
    if (cached && !fresh) return cached;
    const loaded = await this.services.claims.get(writer.org.id, claimId);
    if (loaded) cache.set(claimId, loaded);
    else cache.delete(claimId);
    return loaded;
  }

  /** Drops the turn's copy after a write made elsewhere (the lifecycle service). */
  forget(context: TurnContext, claimId: string): void {
    this.cacheOf(context).delete(claimId);
  }

  /** The claim as it stands: the stored document, or a sketch before it exists; undefined when it is gone. */
  async view(context: TurnContext, writer: Writer, work: ClaimWork): Promise<Claim | undefined> {
    if (work.claimId === undefined) return sketchClaim(work.fields, writer, this.services.clock.now());
    return (await this.load(context, writer, work.claimId))?.value;
  }

  /** Applies a partner's edit to the draft (or to the gathered fields before it exists). */
  save(
    context: TurnContext,
    writer: Writer,
    work: ClaimWork,
    patch: ClaimPatch,
    also: (claim: Claim) => Claim = (claim) => claim,
  ): Promise<SaveOutcome> {
    return this.change(context, writer, work, (claim, now) => {
      const edited = applyEdit(claim, patch, writer.actor, now, writer.org);
      return edited.ok ? ok(also(edited.value)) : edited;
    });
  }

  /**
   * Decides a change on the current claim and writes it with the ETag it was read
   * with; on a lost race, reads again and decides again.
   */
  async change(
    context: TurnContext,
    writer: Writer,
    work: ClaimWork,
    decide: (claim: Claim, now: Date) => Result<Claim, Problem[]>,
  ): Promise<SaveOutcome> {
    const now = this.services.clock.now();
    if (work.claimId === undefined) {
      const changed = decide(sketchClaim(work.fields, writer, now), now);
      if (!changed.ok) return this.refusal(changed.error);
      return { ok: true, work: { ...work, fields: fieldsOf(changed.value) }, claim: changed.value };
    }
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.load(context, writer, work.claimId, attempt > 1);
      if (!current) return { ok: false, stop: 'notFound' };
      if (editableFields(current.value.status).length === 0) return { ok: false, stop: 'notEditable' };
      const changed = decide(current.value, this.services.clock.now());
      if (!changed.ok) return this.refusal(changed.error);
      try {
        const written = await this.services.claims.replace(changed.value, current.etag);
        this.cacheOf(context).set(work.claimId, written);
        return { ok: true, work, claim: written.value };
      } catch (e) {
        if (!(e instanceof ConcurrencyConflict) || attempt >= WRITE_ATTEMPTS) throw e;
      }
    }
  }

  /**
   * Creates the Draft document under `id`. The id is chosen before the first attempt
   * and kept by the caller, so when an answer was lost and the partner retries, the
   * claim the first attempt created is taken instead of a twin.
   */
  async create(
    context: TurnContext,
    writer: Writer,
    work: ClaimWork,
    name: string,
    id: string,
  ): Promise<Result<Versioned<Claim>, Problem[]>> {
    const { fields } = work;
    const drafted = createDraft(
      {
        id,
        partnerId: writer.org.id,
        name,
        mpnId: fields.mpnId ?? '',
        customerDomain: fields.customerDomain ?? '',
        customerTenantId: fields.customerTenantId ?? '',
        // createDraft reports a missing area or activity itself.
        solutionArea: fields.solutionArea as SolutionArea,
        activity: fields.activity as Activity,
        ...(fields.revenue ? { revenue: fields.revenue } : {}),
      },
      writer.actor,
      this.services.clock.now(),
      writer.org,
    );
    if (!drafted.ok) return drafted;
    try {
      const created = await this.services.claims.create(drafted.value);
      this.cacheOf(context).set(id, created);
      return ok(created);
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'claimExists')) throw e;
      const earlier = await this.load(context, writer, id, true);
      if (earlier && earlier.value.createdBy.id === writer.actor.id && earlier.value.status === 'draft')
        return ok(earlier);
      throw e;
    }
  }

  /**
   * Deletes a draft and its PoE files. Files go first: if the claim's deletion then
   * fails, a retry finds the claim and completes; the other order could leave files
   * no claim points to, which nobody would ever clean up.
   */
  async discard(context: TurnContext, writer: Writer, claimId: string): Promise<Result<void, WriteStop>> {
    const current = await this.load(context, writer, claimId, true);
    if (!current) return ok(undefined);
    if (current.value.status !== 'draft') return fail('notEditable');
    for (const file of current.value.poe) await this.services.evidence.remove(current.value, file.id);
    await this.services.claims.delete(writer.org.id, claimId, current.etag);
    this.forget(context, claimId);
    return ok(undefined);
  }

  private refusal(problems: Problem[]): SaveOutcome {
    const stop = stopOf(problems);
    return stop ? { ok: false, stop } : { ok: false, problems };
  }

  private cacheOf(context: TurnContext): Map<string, Versioned<Claim>> {
    let cache = context.turnState.get(CACHE_KEY) as Map<string, Versioned<Claim>> | undefined;
    if (!cache) {
      cache = new Map();
      context.turnState.set(CACHE_KEY, cache);
    }
    return cache;
  }
}

/**
 * Creating a draft, editing it, and commenting. A draft is freely editable; after
 * submission a claim is locked (docs/RULES.md, rule 2), except that while the
 * reviewer asks for more information the partner may change the MPN ID, products,
 * subscriptions and contacts and add PoE (Partner Center's one exception).
 * Edits check that what is given is well-formed; completeness is for submission.
 */
import { randomUUID } from 'node:crypto';
import { changeClaim, filedLocaleBy, historyEntry, recordedActor } from './claimChange';
import { fail, ok, type Problem, type Result } from './errors';
import type {
  Activity,
  Actor,
  Claim,
  ClaimComment,
  ClaimStatus,
  Contact,
  PartnerOrganisation,
  PoeFile,
  PoeFileCheck,
  ProductSubscriptions,
  RevenueAssociationDetails,
  SolutionArea,
} from './model';
import {
  normalizeDomain,
  normalizeEmail,
  normalizeGuid,
  normalizeMpnId,
  validateComment,
  validateSection,
  CLAIM_SECTIONS,
} from './validation';

/** Caps that keep one claim a reasonably sized Cosmos document. */
export const MAX_COMMENTS = 100;
export const MAX_POE_FILES = 20;

export interface DraftInput {
  /** Defaults to a random UUID. */
  id?: string;
  partnerId: string;
  name: string;
  mpnId: string;
  customerDomain: string;
  customerTenantId: string;
  solutionArea: SolutionArea;
  activity: Activity;
  revenue?: RevenueAssociationDetails;
}

export interface ClaimPatch {
  name?: string;
  mpnId?: string;
  customerDomain?: string;
  customerTenantId?: string;
  solutionArea?: SolutionArea;
  activity?: Activity;
  productIds?: string[];
  subscriptions?: ProductSubscriptions[];
  customerContact?: Contact;
  technicalContact?: Contact;
  partnerContact?: Contact;
  revenue?: RevenueAssociationDetails;
  addPoe?: PoeFile[];
  removePoeIds?: string[];
  /** What the machine read in files already recorded: not the partner's edit, so never in the history. */
  poeChecks?: { poeId: string; check: PoeFileCheck }[];
}
type PatchKey = keyof ClaimPatch;

const ALL_KEYS: readonly PatchKey[] = [
  'name',
  'mpnId',
  'customerDomain',
  'customerTenantId',
  'solutionArea',
  'activity',
  'productIds',
  'subscriptions',
  'customerContact',
  'technicalContact',
  'partnerContact',
  'revenue',
  'addPoe',
  'removePoeIds',
  'poeChecks',
];
const WHILE_INFO_REQUESTED: readonly PatchKey[] = [
  'mpnId',
  'productIds',
  'subscriptions',
  'customerContact',
  'technicalContact',
  'partnerContact',
  'addPoe',
  'poeChecks',
];
/** Keys the machine writes, which the history does not list as the partner's edits. */
const MACHINE_KEYS: readonly PatchKey[] = ['poeChecks'];

/** What the partner may change in this status (empty once submitted, apart from an info request). */
export function editableFields(status: ClaimStatus): readonly PatchKey[] {
  if (status === 'draft') return ALL_KEYS;
  return status === 'partnerActionRequired' ? WHILE_INFO_REQUESTED : [];
}

/** Problems that mean "not finished yet": fine in a draft, refused at submission. */
const COMPLETENESS_CODES = new Set([
  'productsRequired',
  'technicalContactRequired',
  'subscriptionIdsRequired',
  'poeRequired',
]);

/** Which validated fields belong to a patched key (the area also decides the activity and products). */
const FIELDS_OF: Record<PatchKey, readonly string[]> = {
  name: ['name'],
  mpnId: ['mpnId'],
  customerDomain: ['customerDomain'],
  customerTenantId: ['customerTenantId'],
  solutionArea: ['solutionArea', 'activity'],
  activity: ['activity'],
  productIds: ['productIds'],
  subscriptions: ['subscriptions'],
  customerContact: ['customerContact'],
  technicalContact: ['technicalContact'],
  partnerContact: ['partnerContact'],
  revenue: ['revenue'],
  addPoe: ['poe'],
  removePoeIds: ['poe'],
  poeChecks: ['poe'],
};

function problemsInPatchedFields(claim: Claim, keys: readonly PatchKey[], org?: PartnerOrganisation): Problem[] {
  const fields = new Set(keys.flatMap((key) => FIELDS_OF[key]));
  return CLAIM_SECTIONS.flatMap((section) => validateSection(claim, section, org)).filter(
    (p) => !COMPLETENESS_CODES.has(p.code) && fields.has(p.field.split('.')[0] ?? p.field),
  );
}

/** Copied by spreading, so a contact field added to the model is kept on save without a change here. */
const trimContact = (contact: Contact): Contact => {
  const { title, ...rest } = contact;
  const result: Contact = {
    ...rest,
    name: contact.name.trim(),
    email: normalizeEmail(contact.email) ?? contact.email.trim(),
  };
  if (title?.trim()) result.title = title.trim();
  return result;
};

const trimRevenue = (r: RevenueAssociationDetails): RevenueAssociationDetails => ({
  solutionSellerName: r.solutionSellerName.trim(),
  customerName: r.customerName.trim(),
  isvSolutionName: r.isvSolutionName.trim(),
});

const canonicalSubscriptions = (entries: ProductSubscriptions[]): ProductSubscriptions[] =>
  entries.map((entry) => ({
    ...entry,
    subscriptionIds: entry.subscriptionIds.map((id) => normalizeGuid(id) ?? id.trim()),
  }));

/** The stored form of what the partner typed: trimmed, GUIDs and domains canonical. Invalid values pass through for validation to report. */
function storedFields(patch: ClaimPatch, claim: Claim): Partial<Claim> {
  const out: Partial<Claim> = {};
  const has = (key: PatchKey): boolean => Object.prototype.hasOwnProperty.call(patch, key);
  if (has('name')) out.name = (patch.name ?? '').trim();
  if (has('mpnId')) out.mpnId = normalizeMpnId(patch.mpnId ?? '');
  if (has('customerDomain'))
    out.customerDomain = normalizeDomain(patch.customerDomain ?? '') ?? (patch.customerDomain ?? '').trim();
  if (has('customerTenantId'))
    out.customerTenantId = normalizeGuid(patch.customerTenantId ?? '') ?? (patch.customerTenantId ?? '').trim();
  if (has('solutionArea')) out.solutionArea = patch.solutionArea;
  if (has('activity')) out.activity = patch.activity;
  if (has('productIds')) out.productIds = [...(patch.productIds ?? [])];
  if (has('subscriptions')) out.subscriptions = canonicalSubscriptions(patch.subscriptions ?? []);
  for (const key of ['customerContact', 'technicalContact', 'partnerContact'] as const) {
    if (has(key)) {
      const contact = patch[key];
      out[key] = contact ? trimContact(contact) : undefined;
    }
  }
  if (has('revenue')) out.revenue = patch.revenue ? trimRevenue(patch.revenue) : undefined;
  if (has('addPoe') || has('removePoeIds') || has('poeChecks')) {
    const removed = new Set(patch.removePoeIds ?? []);
    const checks = new Map((patch.poeChecks ?? []).map((c) => [c.poeId, c.check]));
    out.poe = [...claim.poe.filter((f) => !removed.has(f.id)), ...(patch.addPoe ?? [])].map((f) => {
      const check = checks.get(f.id);
      return check ? { ...f, check } : f;
    });
  }
  return out;
}

function poeProblems(claim: Claim, patch: ClaimPatch): Problem[] {
  const added = patch.addPoe ?? [];
  const ids = [...claim.poe.map((f) => f.id), ...added.map((f) => f.id)];
  const problems: Problem[] = [];
  if (new Set(ids).size !== ids.length) problems.push({ code: 'poeDuplicate', field: 'poe' });
  const remaining = claim.poe.filter((f) => !(patch.removePoeIds ?? []).includes(f.id)).length + added.length;
  if (remaining > MAX_POE_FILES) problems.push({ code: 'tooManyPoe', field: 'poe', params: { max: MAX_POE_FILES } });
  return problems;
}

/**
 * Applies a partner's edit. Refuses keys the status locks (`claimLocked`, one
 * problem per key), a non-admin (`roleNotAllowed`) and malformed values. Edits after
 * submission are recorded in the history as `edited`, listing the changed keys.
 */
export function applyEdit(
  claim: Claim,
  patch: ClaimPatch,
  actor: Actor,
  now: Date,
  org?: PartnerOrganisation,
): Result<Claim, Problem[]> {
  if (actor.role !== 'partnerAdmin')
    return fail([{ code: 'roleNotAllowed', field: 'actor', params: { event: 'edit', role: actor.role } }]);
  const keys = ALL_KEYS.filter((key) => Object.prototype.hasOwnProperty.call(patch, key));
  const editable = editableFields(claim.status);
  const locked = keys.filter((key) => !editable.includes(key));
  if (locked.length > 0)
    return fail(locked.map((key) => ({ code: 'claimLocked', field: key, params: { status: claim.status } })));
  if (keys.length === 0) return ok(claim);

  const changes = storedFields(patch, claim);
  const problems = [...poeProblems(claim, patch), ...problemsInPatchedFields({ ...claim, ...changes }, keys, org)];
  if (problems.length > 0) return fail(problems);

  const edited = keys.filter((key) => !MACHINE_KEYS.includes(key));
  const entry =
    claim.status === 'draft' || edited.length === 0
      ? undefined
      : historyEntry(actor, now, { event: 'edited', from: claim.status, to: claim.status, reasonCodes: edited });
  return ok(changeClaim(claim, changes, now, entry));
}

/** A new draft from the first steps' answers (customer, area and activity, name), validated. */
export function createDraft(
  input: DraftInput,
  actor: Actor,
  now: Date,
  org?: PartnerOrganisation,
): Result<Claim, Problem[]> {
  if (actor.role !== 'partnerAdmin')
    return fail([{ code: 'roleNotAllowed', field: 'actor', params: { event: 'create', role: actor.role } }]);
  const at = now.toISOString();
  const empty: Claim = {
    id: input.id ?? randomUUID(),
    partnerId: input.partnerId,
    type: 'claim',
    name: '',
    mpnId: '',
    customerDomain: '',
    customerTenantId: '',
    productIds: [],
    subscriptions: [],
    poe: [],
    comments: [],
    status: 'draft',
    history: [],
    ...filedLocaleBy(actor),
    createdBy: recordedActor(actor),
    createdAt: at,
    updatedAt: at,
    disputed: false,
    heldKeys: [],
    outbox: [],
  };
  const patch: ClaimPatch = {
    name: input.name,
    mpnId: input.mpnId,
    customerDomain: input.customerDomain,
    customerTenantId: input.customerTenantId,
    solutionArea: input.solutionArea,
    activity: input.activity,
  };
  if (input.revenue) patch.revenue = input.revenue;
  const draft = { ...empty, ...storedFields(patch, empty) };
  const problems = (['customer', 'areaActivity', 'details'] as const).flatMap((section) =>
    validateSection(draft, section, org),
  );
  if (problems.length > 0) return fail(problems);
  return ok(changeClaim(draft, {}, now, historyEntry(actor, now, { event: 'created', from: null, to: 'draft' })));
}

/**
 * Adds a comment: the partner admin at any time, a reviewer once the claim is
 * submitted (a draft is the partner's own business).
 */
export function addComment(
  claim: Claim,
  text: string,
  actor: Actor,
  now: Date,
  id: string = randomUUID(),
): Result<Claim, Problem[]> {
  const allowed = actor.role === 'partnerAdmin' || (actor.role === 'reviewer' && claim.status !== 'draft');
  if (!allowed)
    return fail([{ code: 'roleNotAllowed', field: 'actor', params: { event: 'comment', role: actor.role } }]);
  const invalid = validateComment(text, 'comment');
  if (invalid) return fail([invalid]);
  if (claim.comments.length >= MAX_COMMENTS)
    return fail([{ code: 'tooManyComments', field: 'comment', params: { max: MAX_COMMENTS } }]);
  const comment: ClaimComment = { id, author: recordedActor(actor), text: text.trim(), at: now.toISOString() };
  return ok(changeClaim(claim, { comments: [...claim.comments, comment] }, now));
}

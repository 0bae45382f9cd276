/**
 * Who holds which role in which organisation, and the rules for changing it. Pure: the
 * directory adapter stores what these functions return, and the bot asks them who a
 * caller is. One table says where each role lives and who may grant it.
 *
 * Members are named by AAD object id, or by email address before they have talked to
 * the bot (onboarding names the first owner by either). An email matches only the
 * address the caller's Teams profile gives, in the organisation's own tenant.
 */
import { fail, ok, type Problem, type Result } from './errors';
import {
  OPERATOR_ROLES,
  PARTNER_ROLES,
  type AccessRequest,
  type OrganisationRole,
  type OrganisationType,
  type PartnerOrganisation,
  type PartnerRole,
  type RoleChange,
} from './model';
import { validateMpnId } from './validation';

type MemberField = 'owners' | 'incentivesAdmins' | 'viewers' | 'reviewers' | 'operatorAdmins';

/** Where each role is kept, in which kind of organisation, and which role may grant it. */
const ROLE_TABLE: Readonly<
  Record<OrganisationRole, { field: MemberField; type: OrganisationType; grantedBy: OrganisationRole }>
> = {
  owner: { field: 'owners', type: 'partner', grantedBy: 'owner' },
  incentivesAdmin: { field: 'incentivesAdmins', type: 'partner', grantedBy: 'owner' },
  viewer: { field: 'viewers', type: 'partner', grantedBy: 'owner' },
  reviewer: { field: 'reviewers', type: 'operator', grantedBy: 'operatorAdmin' },
  operatorAdmin: { field: 'operatorAdmins', type: 'operator', grantedBy: 'operatorAdmin' },
};

/** Roles that must keep at least one member: without one nobody could grant them again. */
const NEVER_EMPTY: ReadonlySet<OrganisationRole> = new Set(['owner', 'operatorAdmin']);

export const ROLES_OF_TYPE: Readonly<Record<OrganisationType, readonly OrganisationRole[]>> = {
  partner: PARTNER_ROLES,
  operator: OPERATOR_ROLES,
};

export const isOrganisationRole = (value: unknown): value is OrganisationRole =>
  typeof value === 'string' && value in ROLE_TABLE;
export const isPartnerRole = (value: unknown): value is PartnerRole =>
  typeof value === 'string' && (PARTNER_ROLES as readonly string[]).includes(value);

/** The person asking: AAD object id and, when Teams gave it, the profile email. */
export interface Member {
  aadObjectId: string;
  email?: string;
  name?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A tenant id. The Agents Playground's default tenant has 13 digits in its last group, so that is allowed too. */
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/i;
const EMAIL = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/;
const COUNTRY = /^[A-Z]{2}$/;
const MAX_NAME = 200;

export const isTenantId = (value: string): boolean => TENANT_ID.test(value);

/** A member as typed (an AAD object id or an email address), in the form it is stored; undefined when it is neither. */
export function memberKeyOf(input: string): string | undefined {
  const value = input.trim();
  if (GUID.test(value) || TENANT_ID.test(value)) return value.toLowerCase();
  if (EMAIL.test(value)) return value.toLowerCase();
  return undefined;
}

const matches = (key: string, who: Member): boolean =>
  (who.aadObjectId !== '' && key.toLowerCase() === who.aadObjectId.toLowerCase()) ||
  (who.email !== undefined && key.includes('@') && key === who.email.trim().toLowerCase());

export const typeOf = (org: Pick<PartnerOrganisation, 'type'>): OrganisationType =>
  org.type === 'operator' ? 'operator' : 'partner';

export const membersOf = (org: PartnerOrganisation, role: OrganisationRole): readonly string[] =>
  org[ROLE_TABLE[role].field] ?? [];

/**
 * The roles `who` holds in `org`. Operator roles count only in the configured operator
 * tenant's own entry: a partner entry listing reviewers, or an operator entry under
 * another tenant, grants nothing. A suspended partner's members hold nothing.
 */
export function rolesOf(
  org: PartnerOrganisation | undefined,
  who: Member,
  operatorTenantId: string,
): OrganisationRole[] {
  if (!org) return [];
  const type = typeOf(org);
  if (type === 'operator' && (operatorTenantId === '' || org.id !== operatorTenantId)) return [];
  if (type === 'partner' && (org.suspended === true || org.id === operatorTenantId)) return [];
  return ROLES_OF_TYPE[type].filter((role) => membersOf(org, role).some((key) => matches(key, who)));
}

export const hasRole = (
  org: PartnerOrganisation | undefined,
  who: Member,
  role: OrganisationRole,
  operatorTenantId: string,
): boolean => rolesOf(org, who, operatorTenantId).includes(role);

const problem = (code: string, field: string, params?: Problem['params']): Problem =>
  params ? { code, field, params } : { code, field };

/** Someone changing roles: who they are, for the check and for the audit trail. */
export interface RoleActor extends Member {
  tenantId: string;
}

function entry(by: RoleActor, at: Date, action: RoleChange['action'], extra: Partial<RoleChange> = {}): RoleChange {
  return { at: at.toISOString(), by: by.aadObjectId, ...(by.name ? { byName: by.name } : {}), action, ...extra };
}

const withLog = (org: PartnerOrganisation, changes: RoleChange[]): PartnerOrganisation => ({
  ...org,
  roleLog: [...(org.roleLog ?? []), ...changes],
});

/** Refuses unless `by` holds the role that grants `role` in `org`, from `org`'s own tenant. */
function mayManage(
  org: PartnerOrganisation,
  role: OrganisationRole,
  by: RoleActor,
  operatorTenantId: string,
): Problem[] {
  const rule = ROLE_TABLE[role];
  if (typeOf(org) !== rule.type) return [problem('roleNotInOrganisation', 'role', { role })];
  if (by.tenantId !== org.id || !hasRole(org, by, rule.grantedBy, operatorTenantId))
    return [problem('roleChangeNotAllowed', 'role', { role })];
  return [];
}

/** Grants `role` to `whom` (an AAD object id or email as typed). Granting a role already held changes nothing. */
export function grantRole(
  org: PartnerOrganisation,
  role: OrganisationRole,
  whom: string,
  by: RoleActor,
  operatorTenantId: string,
  at: Date,
  whomName?: string,
): Result<PartnerOrganisation | 'unchanged'> {
  const refused = mayManage(org, role, by, operatorTenantId);
  if (refused.length > 0) return fail(refused);
  const key = memberKeyOf(whom);
  if (!key) return fail([problem('memberInvalid', 'whom')]);
  const members = membersOf(org, role);
  if (members.some((m) => m.toLowerCase() === key)) return ok('unchanged');
  const granted = { ...org, [ROLE_TABLE[role].field]: [...members, key] };
  return ok(withLog(granted, [entry(by, at, 'grant', { role, whom: key, ...(whomName ? { whomName } : {}) })]));
}

/** Takes `role` from `whom`; never the last owner or operator admin. */
export function revokeRole(
  org: PartnerOrganisation,
  role: OrganisationRole,
  whom: string,
  by: RoleActor,
  operatorTenantId: string,
  at: Date,
): Result<PartnerOrganisation | 'unchanged'> {
  const refused = mayManage(org, role, by, operatorTenantId);
  if (refused.length > 0) return fail(refused);
  const key = whom.trim().toLowerCase();
  const members = membersOf(org, role);
  const left = members.filter((m) => m.toLowerCase() !== key);
  if (left.length === members.length) return ok('unchanged');
  if (left.length === 0 && NEVER_EMPTY.has(role)) return fail([problem('lastMember', 'role', { role })]);
  return ok(withLog({ ...org, [ROLE_TABLE[role].field]: left }, [entry(by, at, 'revoke', { role, whom: key })]));
}

/** What an operator admin types to onboard a partner. */
export interface OnboardingInput {
  tenantId: string;
  name: string;
  locations: { mpnId: string; name: string; country?: string }[];
  /** AAD object ids or email addresses. */
  owners: string[];
}

/**
 * What is wrong with an organisation entry, the same rules for the onboarding card and
 * the seed file: a tenant id, a name, for a partner at least one MPN location and one
 * owner and no operator roles; for the operator no partner roles.
 */
export function organisationProblems(org: PartnerOrganisation): Problem[] {
  const problems: Problem[] = [];
  if (!isTenantId(org.id)) problems.push(problem('organisationTenantInvalid', 'id'));
  if (org.name.trim() === '' || org.name.length > MAX_NAME)
    problems.push(problem('organisationNameInvalid', 'name', { max: MAX_NAME }));
  const type = typeOf(org);
  for (const role of ROLES_OF_TYPE[type === 'partner' ? 'operator' : 'partner']) {
    if (membersOf(org, role).length > 0)
      problems.push(problem('roleNotInOrganisation', ROLE_TABLE[role].field, { role }));
  }
  for (const role of ROLES_OF_TYPE[type]) {
    membersOf(org, role).forEach((member, i) => {
      if (memberKeyOf(member) !== member.toLowerCase())
        problems.push(problem('memberInvalid', `${ROLE_TABLE[role].field}[${i}]`));
    });
  }
  if (type === 'partner') {
    if (org.locations.length === 0) problems.push(problem('locationRequired', 'locations'));
    if (membersOf(org, 'owner').length === 0) problems.push(problem('ownerRequired', 'owners'));
  }
  const seen = new Set<string>();
  org.locations.forEach((location, i) => {
    const mpnProblem = validateMpnId(location.mpnId, `locations[${i}].mpnId`);
    if (mpnProblem) problems.push(mpnProblem);
    else if (seen.has(location.mpnId))
      problems.push(problem('locationDuplicate', `locations[${i}].mpnId`, { value: location.mpnId }));
    seen.add(location.mpnId);
    if (location.name.trim() === '' || location.name.length > MAX_NAME)
      problems.push(problem('locationNameInvalid', `locations[${i}].name`, { max: MAX_NAME }));
    if (location.country !== undefined && !COUNTRY.test(location.country))
      problems.push(problem('locationCountryInvalid', `locations[${i}].country`, { value: location.country }));
  });
  return problems;
}

/**
 * The partner entry an operator admin's onboarding creates, with its first owners and
 * the audit trail's first entries; or why not. `existing` is the directory's entry for
 * that tenant, if any: a tenant is onboarded once.
 */
export function onboardPartner(
  input: OnboardingInput,
  by: RoleActor,
  operator: PartnerOrganisation | undefined,
  operatorTenantId: string,
  existing: PartnerOrganisation | undefined,
  at: Date,
): Result<PartnerOrganisation> {
  if (!operator || by.tenantId !== operator.id || !hasRole(operator, by, 'operatorAdmin', operatorTenantId))
    return fail([problem('roleChangeNotAllowed', 'role', { role: 'operatorAdmin' })]);
  const owners = input.owners.map((o) => o.trim()).filter((o) => o !== '');
  const ownerKeys = owners.map(memberKeyOf);
  const problems: Problem[] = [];
  if (ownerKeys.some((k) => k === undefined)) problems.push(problem('memberInvalid', 'owners'));
  const tenantId = input.tenantId.trim().toLowerCase();
  const org: PartnerOrganisation = {
    id: tenantId,
    type: 'partner',
    name: input.name.trim(),
    locations: input.locations.map((l) => ({
      mpnId: l.mpnId.trim(),
      name: l.name.trim(),
      ...(l.country?.trim() ? { country: l.country.trim().toUpperCase() } : {}),
    })),
    owners: [...new Set(ownerKeys.filter((k): k is string => k !== undefined))],
    incentivesAdmins: [],
    viewers: [],
    reviewers: [],
  };
  problems.push(...organisationProblems(org));
  if (tenantId === operatorTenantId.toLowerCase()) problems.push(problem('tenantIsOperator', 'id'));
  else if (existing) problems.push(problem('organisationExists', 'id'));
  if (problems.length > 0) return fail(problems);
  return ok(
    withLog(org, [
      entry(by, at, 'onboard'),
      ...(org.owners ?? []).map((whom) => entry(by, at, 'grant', { role: 'owner', whom })),
    ]),
  );
}

/** Suspends or reinstates a partner; only an operator admin, never the operator itself. */
export function setSuspended(
  org: PartnerOrganisation,
  suspended: boolean,
  by: RoleActor,
  operator: PartnerOrganisation | undefined,
  operatorTenantId: string,
  at: Date,
): Result<PartnerOrganisation | 'unchanged'> {
  if (!operator || by.tenantId !== operator.id || !hasRole(operator, by, 'operatorAdmin', operatorTenantId))
    return fail([problem('roleChangeNotAllowed', 'role', { role: 'operatorAdmin' })]);
  if (typeOf(org) !== 'partner')
    return fail([problem('roleNotInOrganisation', 'suspended', { role: 'operatorAdmin' })]);
  if ((org.suspended === true) === suspended) return ok('unchanged');
  return ok(withLog({ ...org, suspended }, [entry(by, at, suspended ? 'suspend' : 'reinstate')]));
}

/** At most this many requests wait at once: a tenant's users cannot grow the entry without bound. */
export const MAX_PENDING_REQUESTS = 50;

/**
 * A role-less user of a partner tenant asks for a role. One waiting request per user:
 * asking again replaces it. Users who already hold a role, and the operator's users, cannot.
 */
export function requestAccess(
  org: PartnerOrganisation,
  who: RoleActor,
  role: PartnerRole,
  id: string,
  operatorTenantId: string,
  at: Date,
): Result<{ org: PartnerOrganisation; request: AccessRequest }> {
  if (typeOf(org) !== 'partner' || who.tenantId !== org.id || who.aadObjectId === '')
    return fail([problem('accessRequestNotAllowed', 'organisation')]);
  if (org.suspended === true) return fail([problem('organisationSuspended', 'organisation')]);
  if (rolesOf(org, who, operatorTenantId).length > 0) return fail([problem('accessAlreadyGranted', 'role')]);
  const others = (org.accessRequests ?? []).filter((r) => r.aadObjectId !== who.aadObjectId);
  if (others.length >= MAX_PENDING_REQUESTS)
    return fail([problem('tooManyAccessRequests', 'organisation', { max: MAX_PENDING_REQUESTS })]);
  const request: AccessRequest = {
    id,
    aadObjectId: who.aadObjectId,
    role,
    at: at.toISOString(),
    ...(who.name ? { name: who.name } : {}),
    ...(who.email ? { email: who.email.trim().toLowerCase() } : {}),
  };
  return ok({ org: { ...org, accessRequests: [...others, request] }, request });
}

/**
 * An owner grants or declines a waiting request. Granting gives the requester the role
 * asked for (by AAD object id); both answers end the request and are recorded.
 */
export function decideAccess(
  org: PartnerOrganisation,
  requestId: string,
  grant: boolean,
  by: RoleActor,
  operatorTenantId: string,
  at: Date,
): Result<{ org: PartnerOrganisation; request: AccessRequest }> {
  const request = (org.accessRequests ?? []).find((r) => r.id === requestId);
  if (!request) return fail([problem('accessRequestGone', 'request')]);
  const refused = mayManage(org, request.role, by, operatorTenantId);
  if (refused.length > 0) return fail(refused);
  const remaining = { ...org, accessRequests: (org.accessRequests ?? []).filter((r) => r.id !== requestId) };
  if (!grant)
    return ok({
      org: withLog(remaining, [
        entry(by, at, 'declineAccess', {
          role: request.role,
          whom: request.aadObjectId,
          ...(request.name ? { whomName: request.name } : {}),
        }),
      ]),
      request,
    });
  const granted = grantRole(remaining, request.role, request.aadObjectId, by, operatorTenantId, at, request.name);
  if (!granted.ok) return granted;
  return ok({ org: granted.value === 'unchanged' ? remaining : granted.value, request });
}

/**
 * The audit entries a bulk import makes when it replaces `before` with `after`: every
 * role given or taken, by `by` (the seed), so the trail stays whole.
 */
export function importChanges(
  before: PartnerOrganisation | undefined,
  after: PartnerOrganisation,
  by: string,
  at: Date,
): PartnerOrganisation {
  const changes: RoleChange[] = [];
  for (const role of [...PARTNER_ROLES, ...OPERATOR_ROLES]) {
    const old = new Set((before ? membersOf(before, role) : []).map((m) => m.toLowerCase()));
    const now = new Set(membersOf(after, role).map((m) => m.toLowerCase()));
    for (const whom of now) if (!old.has(whom)) changes.push({ at: at.toISOString(), by, action: 'grant', role, whom });
    for (const whom of old)
      if (!now.has(whom)) changes.push({ at: at.toISOString(), by, action: 'revoke', role, whom });
  }
  const kept = {
    ...after,
    roleLog: [...(before?.roleLog ?? []), ...changes],
    accessRequests: before?.accessRequests ?? [],
  };
  return kept;
}

/**
 * The entry with every email key that names `who` replaced by their AAD object id, or
 * undefined when none does: a member onboarded by email is bound to the account the
 * first time they speak from the organisation's tenant, so every later check (the
 * lifecycle's among them) can go by object id alone.
 */
export function bindMember(org: PartnerOrganisation, who: Member): PartnerOrganisation | undefined {
  const email = who.email?.trim().toLowerCase();
  if (!email || who.aadObjectId === '') return undefined;
  const id = who.aadObjectId.toLowerCase();
  let changed = false;
  const bound: PartnerOrganisation = { ...org };
  for (const role of ROLES_OF_TYPE[typeOf(org)]) {
    const field = ROLE_TABLE[role].field;
    const members = membersOf(org, role);
    if (!members.includes(email)) continue;
    changed = true;
    bound[field] = [...new Set(members.map((m) => (m === email ? id : m)))];
  }
  return changed ? bound : undefined;
}

/** The role that grants every role of this kind of organisation. */
export const managerRoleOf = (type: OrganisationType): OrganisationRole =>
  type === 'partner' ? 'owner' : 'operatorAdmin';

/** Roles a role-less user may ask for (ownership is given by owners, not asked for). */
export const REQUESTABLE_ROLES: readonly PartnerRole[] = ['viewer', 'incentivesAdmin'];

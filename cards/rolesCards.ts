/**
 * The role-management cards: an organisation's members (by role, with Remove and Add for
 * those who may manage them, waiting access requests with Grant / Decline, and the audit
 * trail), the operator admin's list of partner organisations and the onboarding form, and
 * the access request (asked by a role-less user, answered by an owner). Member names and
 * organisation names are user data: they go in TextRuns only.
 */
import type { AccessRequest, OrganisationRole, PartnerOrganisation, RoleChange } from '../claims/model';
import { managerRoleOf, membersOf, REQUESTABLE_ROLES, ROLES_OF_TYPE } from '../claims/organisations';
import { formatDateTime, t, type Locale, type MessageKey } from '../locales/i18n';
import { expandCard, labelsFor, problemData, type CardAttachment } from './cardKit';
import { noticeData, type CardNotice } from './commentsThreadCard';

/** Newest entries of the audit trail shown on the card; the document keeps all of them. */
export const LOG_SHOWN = 15;

const roleLabel = (locale: Locale, role: OrganisationRole): string => t(locale, `roles.${role}`);

/** Names the trail and the requests know for member keys (object ids and emails). */
function knownNames(org: PartnerOrganisation): Map<string, string> {
  const names = new Map<string, string>();
  for (const change of org.roleLog ?? [])
    if (change.whom && change.whomName) names.set(change.whom.toLowerCase(), change.whomName);
  for (const change of org.roleLog ?? []) if (change.byName) names.set(change.by.toLowerCase(), change.byName);
  for (const request of org.accessRequests ?? [])
    if (request.name) names.set(request.aadObjectId.toLowerCase(), request.name);
  return names;
}

const shownAs = (key: string, names: ReadonlyMap<string, string>): string => {
  const name = names.get(key.toLowerCase());
  return name ? `${name} (${key})` : key;
};

const LOG_KEYS: Readonly<Record<RoleChange['action'], MessageKey>> = {
  grant: 'members.logGrant',
  revoke: 'members.logRevoke',
  onboard: 'members.logOnboard',
  suspend: 'members.logSuspend',
  reinstate: 'members.logReinstate',
  declineAccess: 'members.logDecline',
};

export function logLine(
  locale: Locale,
  change: RoleChange,
  names: ReadonlyMap<string, string>,
  timeZone: string,
): string {
  return t(locale, LOG_KEYS[change.action], {
    date: formatDateTime(locale, change.at, timeZone),
    by: change.by === 'seed' ? t(locale, 'members.bySeed') : shownAs(change.by, names),
    whom: change.whom ? shownAs(change.whom, names) : '',
    role: change.role ? roleLabel(locale, change.role) : '',
  });
}

export const requestLine = (locale: Locale, request: AccessRequest, timeZone: string): string =>
  t(locale, 'members.requestLine', {
    name: request.name ?? request.aadObjectId,
    email: request.email ?? request.aadObjectId,
    role: roleLabel(locale, request.role),
    date: formatDateTime(locale, request.at, timeZone),
  });

export interface MembersCardModel {
  org: PartnerOrganisation;
  /** The roles of the person looking, in this organisation. */
  viewerRoles: readonly OrganisationRole[];
  timeZone: string;
  notice?: CardNotice;
  /** What was typed in the Add form, kept when the change was refused. */
  memberValue?: string;
  roleValue?: OrganisationRole;
}

export function renderMembersCard(model: MembersCardModel, locale: Locale): CardAttachment {
  const { org } = model;
  const roles = ROLES_OF_TYPE[org.type];
  const canManage = model.viewerRoles.includes(managerRoleOf(org.type));
  const names = knownNames(org);
  const log = [...(org.roleLog ?? [])].slice(-LOG_SHOWN).reverse();
  const requests = canManage ? (org.accessRequests ?? []) : [];
  return expandCard('members', {
    labels: labelsFor(locale, {
      title: 'members.title',
      nobody: 'members.nobody',
      remove: 'members.remove',
      requestsTitle: 'members.requestsTitle',
      grant: 'members.grant',
      decline: 'members.decline',
      addTitle: 'members.addTitle',
      memberLabel: 'members.memberLabel',
      memberPlaceholder: 'members.memberPlaceholder',
      roleLabel: 'members.roleLabel',
      logTitle: 'members.logTitle',
      add: 'members.add',
      organisations: 'members.organisations',
      refresh: 'members.refresh',
    }),
    orgId: org.id,
    organisation: org.suspended === true ? t(locale, 'members.suspendedName', { organisation: org.name }) : org.name,
    ...noticeData(model.notice),
    roles: roles.map((role) => {
      const members = membersOf(org, role);
      return {
        title: roleLabel(locale, role),
        empty: members.length === 0,
        members: members.map((key) => ({ key, role, shown: shownAs(key, names), canRemove: canManage })),
      };
    }),
    hasRequests: requests.length > 0,
    requests: requests.map((request) => ({ id: request.id, line: requestLine(locale, request, model.timeZone) })),
    canManage,
    memberValue: model.memberValue ?? '',
    roleValue: model.roleValue ?? roles[roles.length - 1],
    roleChoices: roles.map((role) => ({ title: roleLabel(locale, role), value: role })),
    hasLog: log.length > 0,
    log: log.map((change) => logLine(locale, change, names, model.timeZone)),
    isOperatorAdmin: org.type === 'operator' && model.viewerRoles.includes('operatorAdmin'),
  });
}

export interface OrganisationsCardModel {
  operatorId: string;
  partners: readonly PartnerOrganisation[];
  notice?: CardNotice;
}

export function renderOrganisationsCard(model: OrganisationsCardModel, locale: Locale): CardAttachment {
  return expandCard('organisations', {
    labels: labelsFor(locale, {
      title: 'organisations.title',
      empty: 'organisations.empty',
      suspend: 'organisations.suspend',
      reinstate: 'organisations.reinstate',
      onboard: 'organisations.onboard',
      members: 'organisations.members',
    }),
    operatorId: model.operatorId,
    ...noticeData(model.notice),
    hasRows: model.partners.length > 0,
    rows: model.partners.map((org) => ({
      id: org.id,
      name: org.name,
      details: t(locale, 'organisations.details', {
        tenantId: org.id,
        locations: org.locations.map((l) => l.mpnId).join(', '),
      }),
      suspended: org.suspended === true,
      state: t(locale, org.suspended === true ? 'organisations.stateSuspended' : 'organisations.stateActive'),
      stateColor: org.suspended === true ? 'Attention' : 'Good',
    })),
  });
}

/** The onboarding form as typed (text fields), with what was wrong with it. */
export interface OnboardingCardModel {
  name?: string;
  tenantId?: string;
  /** One location a line: MPN ID, name, country. */
  locations?: string;
  /** Emails or object ids, separated by commas or lines. */
  owners?: string;
  problems?: readonly string[];
}

export function renderOnboardingCard(model: OnboardingCardModel, locale: Locale): CardAttachment {
  return expandCard('onboarding', {
    labels: labelsFor(locale, {
      title: 'onboarding.title',
      intro: 'onboarding.intro',
      nameLabel: 'onboarding.nameLabel',
      nameError: 'onboarding.nameError',
      tenantLabel: 'onboarding.tenantLabel',
      tenantPlaceholder: 'onboarding.tenantPlaceholder',
      tenantError: 'onboarding.tenantError',
      locationsLabel: 'onboarding.locationsLabel',
      locationsPlaceholder: 'onboarding.locationsPlaceholder',
      locationsError: 'onboarding.locationsError',
      ownersLabel: 'onboarding.ownersLabel',
      ownersPlaceholder: 'onboarding.ownersPlaceholder',
      ownersError: 'onboarding.ownersError',
      submit: 'onboarding.submit',
      back: 'onboarding.back',
    }),
    name: model.name ?? '',
    tenantId: model.tenantId ?? '',
    locations: model.locations ?? '',
    owners: model.owners ?? '',
    ...problemData(model.problems),
  });
}

export type AccessRequestCardModel =
  /** A role-less user of an onboarded partner, offered to ask. */
  | { mode: 'ask'; org: PartnerOrganisation; lines?: readonly string[] }
  /** An owner, told of a request, to grant or decline it. */
  | { mode: 'decide'; org: PartnerOrganisation; request: AccessRequest; timeZone: string };

export function renderAccessRequestCard(model: AccessRequestCardModel, locale: Locale): CardAttachment {
  const lines =
    model.mode === 'ask'
      ? [t(locale, 'access.noRole', { organisation: model.org.name }), ...(model.lines ?? [])]
      : [
          t(locale, 'accessRequest.asked', { organisation: model.org.name }),
          requestLine(locale, model.request, model.timeZone),
        ];
  return expandCard('accessRequest', {
    labels: labelsFor(locale, {
      title: model.mode === 'ask' ? 'accessRequest.askTitle' : 'accessRequest.decideTitle',
      roleLabel: 'accessRequest.roleLabel',
      send: 'accessRequest.send',
      grant: 'members.grant',
      decline: 'members.decline',
      members: 'accessRequest.members',
    }),
    orgId: model.org.id,
    lines,
    asking: model.mode === 'ask',
    deciding: model.mode === 'decide',
    requestId: model.mode === 'decide' ? model.request.id : '',
    roleChoices: REQUESTABLE_ROLES.map((role) => ({ title: roleLabel(locale, role), value: role })),
  });
}

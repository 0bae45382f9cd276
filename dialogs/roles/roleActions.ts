/**
 * Roles from Teams: the members card and its buttons, access requests, and the operator
 * admin's partner organisations (onboard, suspend, reinstate). Action.Execute handlers
 * outside any dialog. The card's data only names things (an organisation, a request, a
 * role, a person); who may do what is decided by claims/roleAdmin.ts on the entry as
 * stored now, and a caller only ever sees and changes their own organisation (the one
 * of the tenant they speak from), whatever organisation the data names.
 */
import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { Problem } from '../../claims/errors';
import type { OrganisationRole, PartnerOrganisation } from '../../claims/model';
import {
  isOrganisationRole,
  isPartnerRole,
  REQUESTABLE_ROLES,
  type OnboardingInput,
  type RoleActor,
} from '../../claims/organisations';
import type { CardNotice } from '../../cards/commentsThreadCard';
import { plainTextMessage, renderNoticeCard, type CardAttachment } from '../../cards/render';
import { cardMessage } from '../cardPrompt';
import {
  renderAccessRequestCard,
  renderMembersCard,
  renderOnboardingCard,
  renderOrganisationsCard,
  type OnboardingCardModel,
} from '../../cards/rolesCards';
import type { ExecuteVerb } from '../../cards/verbs';
import { problemMessages, t, type Locale } from '../../locales/i18n';
import { callerOf, type Caller } from '../caller';
import type { CardActionData, CardActionHandler } from '../cardActions';
import { cardResponse, idField, noticeResponse, textField } from '../invokeData';
import { viewContextOf } from '../manage/claimViews';
import type { ClaimServices } from '../services';

const roleActorOf = (caller: Caller): RoleActor => ({
  tenantId: caller.tenantId,
  aadObjectId: caller.aadObjectId,
  email: caller.email,
  name: caller.name,
});
const good = (...lines: string[]): CardNotice => ({ tone: 'good', lines });
const refused = (locale: Locale, problems: readonly Problem[]): CardNotice => ({
  tone: 'attention',
  lines: problemMessages(locale, problems),
});
const roleWord = (locale: Locale, role: OrganisationRole): string => t(locale, `roles.${role}`);

/** "1234567, Contoso Seattle, US" a line; the line numbers of those that are not. */
export function parseLocationLines(text: string): { locations: OnboardingInput['locations']; badLines: number[] } {
  const locations: OnboardingInput['locations'] = [];
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = line.split(/[,;\t]/).map((part) => part.trim());
    if (parts.length < 2 || parts.length > 3 || parts[0] === '' || parts[1] === '') badLines.push(i + 1);
    else
      locations.push(
        parts[2] ? { mpnId: parts[0], name: parts[1], country: parts[2] } : { mpnId: parts[0], name: parts[1] },
      );
  });
  return { locations, badLines };
}

export const ownerList = (text: string): string[] => text.split(/[\s,;]+/).filter((part) => part !== '');

export class RoleActions {
  constructor(private readonly services: ClaimServices) {}

  handlers(): [ExecuteVerb, CardActionHandler][] {
    return [
      ['members', (context, data) => this.members(context, data)],
      ['roleGrant', (context, data) => this.grant(context, data)],
      ['roleRevoke', (context, data) => this.revoke(context, data)],
      ['accessRequest', (context, data) => this.request(context, data)],
      ['accessDecide', (context, data) => this.decide(context, data)],
      ['orgList', (context) => this.asOperatorAdmin(context, (caller) => this.organisations(caller))],
      [
        'orgOnboardForm',
        (context) =>
          this.asOperatorAdmin(context, async () => cardResponse(renderOnboardingCard({}, callerOf(context).locale))),
      ],
      ['orgOnboard', (context, data) => this.asOperatorAdmin(context, (caller) => this.onboard(caller, data))],
      ['orgSuspend', (context, data) => this.asOperatorAdmin(context, (caller) => this.suspend(caller, data))],
    ];
  }

  /** The members card of the caller's own organisation, for anyone holding a role in it. */
  membersCard(
    context: TurnContext,
    caller: Caller,
    org: PartnerOrganisation,
    extra: Partial<Parameters<typeof renderMembersCard>[0]> = {},
  ): AdaptiveCardInvokeResponse {
    const timeZone = viewContextOf(context, caller, this.services).timeZone;
    return cardResponse(renderMembersCard({ org, viewerRoles: caller.roles, timeZone, ...extra }, caller.locale));
  }

  private async members(context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    if (!caller.org || caller.roles.length === 0 || !this.ownOrganisation(caller, data))
      return noticeResponse(caller.locale, 'attention', [t(caller.locale, 'members.notAllowed')]);
    return this.membersCard(context, caller, caller.org);
  }

  /** The data must name the caller's own organisation: another tenant's id gets the same refusal as no role. */
  private ownOrganisation(caller: Caller, data: CardActionData): PartnerOrganisation | undefined {
    return caller.org && idField(data, 'orgId') === caller.org.id ? caller.org : undefined;
  }

  private async grant(context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    const org = this.ownOrganisation(caller, data);
    if (!org) return noticeResponse(caller.locale, 'attention', [t(caller.locale, 'members.notAllowed')]);
    const whom = textField(data, 'memberToAdd') ?? '';
    const role = textField(data, 'roleToGrant');
    if (!isOrganisationRole(role))
      return this.membersCard(context, caller, org, {
        notice: refused(caller.locale, [
          { code: 'roleNotInOrganisation', field: 'role', params: { role: role ?? '' } },
        ]),
        memberValue: whom,
      });
    const before = org.roleLog?.length ?? 0;
    const result = await this.services.roles.grant(org.id, role, whom, roleActorOf(caller));
    if (!result.ok)
      return this.membersCard(context, caller, org, {
        notice: refused(caller.locale, result.error),
        memberValue: whom,
        roleValue: role,
      });
    const changed = (result.value.roleLog?.length ?? 0) > before;
    const notice = changed
      ? good(
          t(caller.locale, 'members.granted', { whom: whom.trim().toLowerCase(), role: roleWord(caller.locale, role) }),
        )
      : good(t(caller.locale, 'members.unchanged'));
    return this.membersCard(context, caller, result.value, { notice });
  }

  private async revoke(context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    const org = this.ownOrganisation(caller, data);
    const role = textField(data, 'role');
    const whom = textField(data, 'whom') ?? '';
    if (!org) return noticeResponse(caller.locale, 'attention', [t(caller.locale, 'members.notAllowed')]);
    if (!isOrganisationRole(role))
      return this.membersCard(context, caller, org, {
        notice: refused(caller.locale, [
          { code: 'roleNotInOrganisation', field: 'role', params: { role: role ?? '' } },
        ]),
      });
    const result = await this.services.roles.revoke(org.id, role, whom, roleActorOf(caller));
    if (!result.ok) return this.membersCard(context, caller, org, { notice: refused(caller.locale, result.error) });
    // Taking one's own last management role leaves a card one may no longer act from: it is drawn with the roles now held.
    const roles =
      result.value.id === caller.org?.id && whom.toLowerCase() === caller.aadObjectId.toLowerCase()
        ? caller.roles.filter((r) => r !== role)
        : caller.roles;
    return cardResponse(
      renderMembersCard(
        {
          org: result.value,
          viewerRoles: roles,
          timeZone: viewContextOf(context, caller, this.services).timeZone,
          notice: good(t(caller.locale, 'members.revoked', { whom, role: roleWord(caller.locale, role) })),
        },
        caller.locale,
      ),
    );
  }

  private async request(context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    const org = this.ownOrganisation(caller, data);
    if (!org)
      return noticeResponse(caller.locale, 'attention', [
        problemMessages(caller.locale, [{ code: 'accessRequestNotAllowed', field: 'organisation' }])[0],
      ]);
    const asked = textField(data, 'requestedRole');
    const role = isPartnerRole(asked) && REQUESTABLE_ROLES.includes(asked) ? asked : 'viewer';
    const result = await this.services.roles.requestAccess(org.id, role, roleActorOf(caller));
    if (!result.ok) return noticeResponse(caller.locale, 'attention', problemMessages(caller.locale, result.error));
    const reached = (await this.services.roleNotices?.accessRequested(result.value.org, result.value.request)) ?? 0;
    const lines = [t(caller.locale, 'accessRequest.sent', { organisation: org.name })];
    if (reached === 0) lines.push(t(caller.locale, 'accessRequest.noOwnerReached', { organisation: org.name }));
    return cardResponse(renderNoticeCard({ tone: 'good', lines }, caller.locale));
  }

  private async decide(context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    const org = this.ownOrganisation(caller, data);
    const requestId = idField(data, 'requestId');
    if (!org || !requestId) return noticeResponse(caller.locale, 'attention', [t(caller.locale, 'members.notAllowed')]);
    const grant = textField(data, 'decision') === 'grant';
    const result = await this.services.roles.decideAccess(org.id, requestId, grant, roleActorOf(caller));
    if (!result.ok) return this.membersCard(context, caller, org, { notice: refused(caller.locale, result.error) });
    const { request } = result.value;
    await this.services.roleNotices?.accessDecided(result.value.org, request, grant);
    const whom = request.name ?? request.email ?? request.aadObjectId;
    const line = grant
      ? t(caller.locale, 'members.requestGranted', { whom, role: roleWord(caller.locale, request.role) })
      : t(caller.locale, 'members.requestDeclined', { whom });
    return this.membersCard(context, caller, result.value.org, { notice: good(line) });
  }

  /** Runs `answer` only for an operator admin (as the directory says this turn); anyone else gets a refusal. */
  private async asOperatorAdmin(
    context: TurnContext,
    answer: (caller: Caller) => Promise<AdaptiveCardInvokeResponse>,
  ): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    if (!caller.roles.includes('operatorAdmin'))
      return noticeResponse(caller.locale, 'attention', [t(caller.locale, 'organisations.notAllowed')]);
    return answer(caller);
  }

  async organisations(caller: Caller, notice?: CardNotice): Promise<AdaptiveCardInvokeResponse> {
    return cardResponse(await organisationsCard(this.services, caller, notice));
  }

  private async onboard(caller: Caller, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const typed: OnboardingCardModel = {
      name: textField(data, 'orgName') ?? '',
      tenantId: textField(data, 'orgTenantId') ?? '',
      locations: textField(data, 'orgLocations') ?? '',
      owners: textField(data, 'orgOwners') ?? '',
    };
    const { locations, badLines } = parseLocationLines(typed.locations ?? '');
    const lineProblems = badLines.map((line) => t(caller.locale, 'onboarding.locationLineInvalid', { line }));
    const input: OnboardingInput = {
      name: typed.name ?? '',
      tenantId: typed.tenantId ?? '',
      locations,
      owners: ownerList(typed.owners ?? ''),
    };
    const result = lineProblems.length > 0 ? undefined : await this.services.roles.onboard(input, roleActorOf(caller));
    if (!result?.ok) {
      const problems = [...lineProblems, ...(result && !result.ok ? problemMessages(caller.locale, result.error) : [])];
      return cardResponse(renderOnboardingCard({ ...typed, problems: [...new Set(problems)] }, caller.locale));
    }
    return this.organisations(
      caller,
      good(t(caller.locale, 'organisations.onboarded', { organisation: result.value.name })),
    );
  }

  private async suspend(caller: Caller, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const orgId = idField(data, 'orgId');
    if (!orgId) return this.organisations(caller);
    const suspend = textField(data, 'suspend') === 'true';
    const result = await this.services.roles.setSuspended(orgId, suspend, roleActorOf(caller));
    if (!result.ok) return this.organisations(caller, refused(caller.locale, result.error));
    return this.organisations(
      caller,
      good(
        t(caller.locale, suspend ? 'organisations.suspended' : 'organisations.reinstated', {
          organisation: result.value.name,
        }),
      ),
    );
  }
}

/** The operator admin's list of partner organisations. */
export async function organisationsCard(
  services: ClaimServices,
  caller: Caller,
  notice?: CardNotice,
): Promise<CardAttachment> {
  const partners = (await services.partners.list()).filter((org) => org.type === 'partner');
  return renderOrganisationsCard({ operatorId: services.partners.operatorTenantId, partners, notice }, caller.locale);
}

/** The typed "members" command: the caller's own organisation, for anyone holding a role in it. */
export async function sendMembers(context: TurnContext, services: ClaimServices, caller: Caller): Promise<void> {
  if (!caller.org || caller.roles.length === 0) {
    await context.sendActivity(plainTextMessage(t(caller.locale, 'members.notAllowed')));
    return;
  }
  const timeZone = viewContextOf(context, caller, services).timeZone;
  await context.sendActivity(
    cardMessage(renderMembersCard({ org: caller.org, viewerRoles: caller.roles, timeZone }, caller.locale)),
  );
}

/** The typed "organisations" command, for operator admins only. */
export async function sendOrganisations(context: TurnContext, services: ClaimServices, caller: Caller): Promise<void> {
  if (!caller.roles.includes('operatorAdmin'))
    await context.sendActivity(plainTextMessage(t(caller.locale, 'organisations.notAllowed')));
  else await context.sendActivity(cardMessage(await organisationsCard(services, caller)));
}

/** What a user of an onboarded partner without a role gets, whatever they typed: the offer to ask for one. */
export async function sendAccessOffer(context: TurnContext, caller: Caller, org: PartnerOrganisation): Promise<void> {
  await context.sendActivity(cardMessage(renderAccessRequestCard({ mode: 'ask', org }, caller.locale)));
}

/** Every Action.Execute handler of the role cards, for the composition root. */
export const roleCardActions = (services: ClaimServices): [ExecuteVerb, CardActionHandler][] =>
  new RoleActions(services).handlers();

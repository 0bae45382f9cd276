/**
 * Who is speaking in this turn, resolved once by the bot from the Teams activity and
 * the partner directory, and read by every dialog. Dialogs re-check the role before
 * every write: a card can be replayed long after the role was taken away.
 */
import type { TurnContext } from 'botbuilder';
import type { Actor, OrganisationRole, PartnerOrganisation } from '../claims/model';
import type { Locale } from '../locales/i18n';

export interface Caller {
  /** The Teams (AAD) tenant the activity came from. */
  tenantId: string;
  aadObjectId: string;
  name?: string;
  email?: string;
  locale: Locale;
  /** The organisation of this tenant (a partner or the operator); absent for one not onboarded. */
  org?: PartnerOrganisation;
  /** What the caller may do in `org`; none for a user without a role (who may ask for one). */
  roles: readonly OrganisationRole[];
  isIncentivesAdmin: boolean;
  isReviewer: boolean;
}

const CALLER_KEY = Symbol('cpor.caller');

export function setCaller(context: TurnContext, caller: Caller): void {
  context.turnState.set(CALLER_KEY, caller);
}

export function callerOf(context: TurnContext): Caller {
  const caller = resolvedCallerOf(context);
  if (!caller) throw new Error('no caller resolved for this turn');
  return caller;
}

/** The caller, or undefined when this turn failed before it was resolved (for the turn-error apology). */
export function resolvedCallerOf(context: TurnContext): Caller | undefined {
  return context.turnState.get(CALLER_KEY) as Caller | undefined;
}

/**
 * The caller's partner organisation, when they hold a role in it (owner, incentives
 * admin, viewer) and it is not suspended: what every partner-side read goes through.
 */
export function partnerOrgOf(caller: Caller): PartnerOrganisation | undefined {
  const org = caller.org;
  return org !== undefined && org.type === 'partner' && org.suspended !== true && caller.roles.length > 0
    ? org
    : undefined;
}

/** With the caller's language: a claim this actor creates or submits records it as the language it was filed in. */
export function partnerActor(caller: Caller): Actor {
  return {
    role: caller.isIncentivesAdmin ? 'partnerAdmin' : 'partnerUser',
    id: caller.aadObjectId,
    name: caller.name,
    locale: caller.locale,
  };
}

export function reviewerActor(caller: Caller): Actor {
  return { role: 'reviewer', id: caller.aadObjectId, name: caller.name };
}

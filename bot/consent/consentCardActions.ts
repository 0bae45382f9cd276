/**
 * The consent card's buttons in Teams: the `adaptiveCard/action` invokes with the verbs
 * of CONSENT_STEPS. Approve records the approval. Opt out records nothing: it updates
 * the card in place to the confirmation (what opting out means, an optional reason),
 * whose Confirm opt-out records the opt-out with the reason and whose Back shows the
 * card as it was. A reason the domain refuses (too long) brings the confirmation back
 * with the message and the typed text.
 *
 * The card's data is only a claim: the signed token must verify, the claim must still
 * ask the contact the token names for this window, and the person clicking must be
 * that contact by what the bot knows of them server-side (their Teams profile email, or
 * the email stored with their conversation reference) and sign in from the customer's
 * tenant. The answer is then recorded as the customer, exactly as the consent page
 * does: decision first (idempotent), then the link's nonce burnt, so the email link
 * shows the same answer afterwards (see storage/consentNonceStore.ts for the order).
 *
 * Every step checks the link and the clicker the same way. The clicked card is replaced
 * by the same card showing the outcome; pressing again, any button, shows the recorded
 * outcome and changes nothing.
 */
import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { ConsentGrant } from '../../claims/consentToken';
import type { Claim } from '../../claims/model';
import { errorName, silentLog, type EngineLog } from '../../claims/notifications';
import type { ConversationReferenceStore } from '../../claims/ports';
import { renderNoticeCard } from '../../cards/generalCards';
import {
  CONSENT_STEPS,
  CONSENT_VERBS,
  OPT_OUT_REASON_FIELD,
  formatConsentDeadline,
  reasonProblemText,
  renderConsentCard,
  type ConsentCardModel,
  type ConsentStep,
  type ConsentVerb,
} from '../../cards/consentCard';
import { callerOf, type Caller } from '../../dialogs/caller';
import { t, type Locale, type MessageKey } from '../../locales/i18n';
import { cardActionError, type CardActionData, type CardActionHandler } from '../../dialogs/cardActions';
import {
  answerInHistory,
  checkConsentLink,
  recordedAnswer,
  sameContactEmail,
  type ConsentAnswerDeps,
} from './consentLinkCheck';
import { partnerDisplayName } from './consentLinks';

export interface ConsentCardActionDeps extends ConsentAnswerDeps {
  references: Pick<ConversationReferenceStore, 'get'>;
  timeZone: string;
  log?: EngineLog;
}

/** The handlers to register with the CardActionRouter, one per consent verb. */
export function consentCardActions(deps: ConsentCardActionDeps): [ConsentVerb, CardActionHandler][] {
  const log = deps.log ?? silentLog;
  return CONSENT_VERBS.map((verb) => [
    verb,
    async (context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> => {
      const caller = callerOf(context);
      try {
        return await answer(deps, log, caller, CONSENT_STEPS[verb], data);
      } catch (e) {
        log('error', 'consentCard.failed', { verb, error: errorName(e) });
        return cardActionError(503, 'ServiceUnavailable', t(caller.locale, 'consent.errors.busy'));
      }
    },
  ]);
}

/** Replaces the clicked card with a notice: the request can no longer be answered here, and why. */
function notice(text: string, locale: Locale): AdaptiveCardInvokeResponse {
  const card = renderNoticeCard({ tone: 'warning', lines: [text] }, locale);
  return { statusCode: 200, type: card.contentType, value: card.content };
}

async function answer(
  deps: ConsentCardActionDeps,
  log: EngineLog,
  caller: Caller,
  step: ConsentStep,
  data: CardActionData,
): Promise<AdaptiveCardInvokeResponse> {
  const locale = caller.locale;
  const refuse = (
    status: number,
    key: MessageKey,
    reason: string,
    grant?: ConsentGrant,
  ): AdaptiveCardInvokeResponse => {
    log('info', 'consentCard.refused', { reason, claimId: grant?.claimId, partnerId: grant?.partnerId });
    return status === 200
      ? notice(t(locale, key), locale)
      : cardActionError(status, status === 403 ? 'Forbidden' : 'BadRequest', t(locale, key));
  };
  const token = typeof data.token === 'string' ? data.token : '';
  const checked = await checkConsentLink(deps, token);
  if (checked.kind === 'refused') {
    switch (checked.reason) {
      case 'tokenExpired':
        return expiredMessage(deps, locale, checked.grant);
      case 'notFound':
        return refuse(200, 'consent.errors.notFound', checked.reason, checked.grant);
      case 'superseded':
        return refuse(200, 'consent.errors.superseded', checked.reason, checked.grant);
      case 'tokenMalformed':
        return refuse(400, 'consent.errors.malformed', checked.reason);
      case 'tokenBadSignature':
      case 'tokenWrongPurpose':
        return refuse(403, 'consent.errors.forged', checked.reason);
    }
  }
  const { grant, claim } = checked;
  if (!(await isTheContact(deps, caller, grant, claim)))
    return refuse(403, 'consent.errors.notYourCard', 'notTheContact', grant);

  const recorded = await recordedAnswer(deps.nonces, grant, claim);
  if (recorded) return consentCard(deps, locale, grant, claim, { outcome: recorded.decision });
  if (claim.status !== 'approvedCustomerNotified') return refuse(200, 'consent.errors.closed', 'closed', grant);
  // The steps before the answer record nothing: the card is shown again, updated in place.
  if (step.kind === 'confirmOptOut') return consentCard(deps, locale, grant, claim, { token, confirmingOptOut: {} });
  if (step.kind === 'back') return consentCard(deps, locale, grant, claim, { token });

  const { decision } = step;
  const reason = decision === 'optOut' ? textOf(data[OPT_OUT_REASON_FIELD]) : undefined;
  const ref = { partnerId: grant.partnerId, claimId: grant.claimId };
  const result = await deps.lifecycle.customerDecision(
    ref,
    { actor: { role: 'customer', id: grant.contactEmail, name: caller.name } },
    decision,
    reason,
  );
  if (!result.ok) {
    const code = result.error[0]?.code;
    const reasonRefused = reasonProblemText(locale, result.error[0]);
    if (reasonRefused !== undefined) {
      log('info', 'consentCard.reasonRefused', { claimId: grant.claimId, partnerId: grant.partnerId, code });
      return consentCard(deps, locale, grant, claim, { token, confirmingOptOut: { reason, problem: reasonRefused } });
    }
    if (code === 'customerAlreadyDecided') {
      // Answered a moment ago elsewhere (the consent page, another device): show that answer.
      const now = await deps.claims.get(grant.partnerId, grant.claimId);
      const other = now ? answerInHistory(now.value) : undefined;
      if (now && other) return consentCard(deps, locale, grant, now.value, { outcome: other.decision });
    }
    if (code === 'optOutWindowClosed') return expiredMessage(deps, locale, grant);
    return refuse(
      200,
      code === 'notFound'
        ? 'consent.errors.notFound'
        : code === 'transitionNotAllowed'
          ? 'consent.errors.closed'
          : 'consent.errors.busy',
      code ?? 'refused',
      grant,
    );
  }
  try {
    await deps.nonces.consume(grant.nonce, grant.expiresAt, { ...ref, decision });
  } catch (e) {
    // The decision stands; the claim's history makes up for the missing mark.
    log('warn', 'consentCard.nonceNotBurnt', { claimId: grant.claimId, error: errorName(e) });
  }
  log('info', 'consentCard.recorded', { claimId: grant.claimId, partnerId: grant.partnerId, decision });
  return consentCard(deps, locale, grant, result.value.value, { outcome: decision });
}

/** A submitted input's text; Teams sends what was typed as a string, anything else is no reason. */
const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The clicker is the contact when Teams says their email is the contact's (the profile
 * lookup, server-side) or the reference we stored for them carries it, and they sign in
 * from the customer's tenant. Whatever the card's data says is not looked at.
 */
async function isTheContact(
  deps: ConsentCardActionDeps,
  caller: Caller,
  grant: ConsentGrant,
  claim: Claim,
): Promise<boolean> {
  if (!caller.tenantId || caller.tenantId !== claim.customerTenantId || !caller.aadObjectId) return false;
  // A claim naming the partner's own tenant as its customer (refused since, RULES.md rule 8) gets no consent from the partner's people.
  if (caller.tenantId === claim.partnerId) return false;
  if (sameContactEmail(caller.email, grant.contactEmail)) return true;
  const stored = await deps.references.get(caller.tenantId, caller.aadObjectId);
  return sameContactEmail(stored?.email, grant.contactEmail);
}

/** The consent card at one of its steps; an answered one carries no token (it offers no buttons). */
async function consentCard(
  deps: ConsentCardActionDeps,
  locale: Locale,
  grant: ConsentGrant,
  claim: Claim,
  step: Pick<ConsentCardModel, 'outcome' | 'confirmingOptOut'> & { token?: string },
): Promise<AdaptiveCardInvokeResponse> {
  const org = await deps.partners.get(claim.partnerId).catch(() => undefined);
  const card = renderConsentCard(
    {
      claimId: claim.id,
      token: step.token ?? '',
      partnerName: partnerDisplayName(org, claim),
      customerDomain: claim.customerDomain,
      productIds: claim.productIds,
      closesAt: grant.expiresAt,
      timeZone: deps.timeZone,
      outcome: step.outcome,
      confirmingOptOut: step.confirmingOptOut,
    },
    locale,
  );
  return { statusCode: 200, type: card.contentType, value: card.content };
}

function expiredMessage(deps: ConsentCardActionDeps, locale: Locale, grant: ConsentGrant): AdaptiveCardInvokeResponse {
  return notice(
    t(locale, 'consent.errors.expired', { date: formatConsentDeadline(locale, grant.expiresAt, deps.timeZone) }),
    locale,
  );
}

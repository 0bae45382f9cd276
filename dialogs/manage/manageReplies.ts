/**
 * What the manage handlers share: finding a claim in the caller's organisation only,
 * the lifecycle's view of the caller, and the replies after a write or a refusal.
 */
import type { TurnContext } from 'botbuilder';
import { plainTextMessage } from '../../cards/render';
import type { Problem } from '../../claims/errors';
import type { Caller as LifecycleCaller } from '../../claims/lifecycle';
import type { Claim, PartnerOrganisation } from '../../claims/model';
import { problemMessages, t, type MessageKey } from '../../locales/i18n';
import type { Caller } from '../caller';
import { cardMessage } from '../cardPrompt';
import type { Writer } from '../newClaim/claimDraft';
import { statusCardOf, viewContextOf } from './claimViews';
import type { ClaimServices } from '../services';

/** What can be a claim id: anything else is not looked up at all. */
const CLAIM_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Refusals that have a sentence of their own rather than the generic problem text. */
const OWN_SENTENCES: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  ['notFound', 'errors.notFound'],
  ['roleNotAllowed', 'manage.notAllowed'],
]);

export const lifecycleCallerOf = (writer: Writer): LifecycleCaller => ({
  actor: writer.actor,
  tenantId: writer.caller.tenantId,
});

/** The claim with this id in the organisation's partition, if there is one. */
export async function claimInOrganisation(
  services: ClaimServices,
  org: PartnerOrganisation,
  claimId: string,
): Promise<Claim | undefined> {
  if (!CLAIM_ID.test(claimId)) return undefined;
  return (await services.claims.get(org.id, claimId))?.value;
}

/** Each refusal as a plain-text line (reasons and notes may hold user text). */
export async function sayProblems(context: TurnContext, caller: Caller, problems: readonly Problem[]): Promise<void> {
  // Not found or not allowed says all there is to say: the other problems would only confuse.
  const own = problems.map((p) => OWN_SENTENCES.get(p.code)).find((key) => key !== undefined);
  const lines = own ? [t(caller.locale, own)] : problemMessages(caller.locale, problems);
  for (const line of lines) await context.sendActivity(plainTextMessage(line));
}

/** After a write: what happened, then the claim's fresh status card. */
export async function sayDone(
  context: TurnContext,
  caller: Caller,
  services: ClaimServices,
  key: MessageKey,
  claim: Claim,
): Promise<void> {
  await context.sendActivity(plainTextMessage(t(caller.locale, key)));
  await context.sendActivity(
    cardMessage(statusCardOf(claim, viewContextOf(context, caller, services), 'partnerAdmin')),
  );
}

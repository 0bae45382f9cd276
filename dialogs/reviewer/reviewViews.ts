/**
 * The reviewer's cards built from the stores: the review queue (with each claim's
 * conflicts and its partner's name) and one claim's review card (with fresh PoE links).
 * Reviewers are the people the partner directory lists as such right now: neither a card
 * nor a cached role decides it.
 */
import type { TurnContext } from 'botbuilder';
import { DomainError } from '../../claims/errors';
import type { Claim, PoeFile } from '../../claims/model';
import type { Page } from '../../claims/ports';
import { findConflicts } from '../../claims/reviewConflicts';
import { allowedEvents } from '../../claims/statusMachine';
import { plainTextMessage, type CardAttachment } from '../../cards/render';
import type { CardNotice } from '../../cards/commentsThreadCard';
import { renderReviewDetailCard } from '../../cards/reviewDetailCard';
import { conflictLines, contactLines, renderReviewQueueCard, type ReviewQueueRow } from '../../cards/reviewQueueCard';
import { t } from '../../locales/i18n';
import type { Caller } from '../caller';
import { cardMessage } from '../cardPrompt';
import { viewContextOf, type ViewContext } from '../manage/claimViews';
import type { ClaimServices } from '../services';

/** Claims per page of the review queue. */
export const REVIEW_PAGE_SIZE = 10;
/** How long a PoE download link on the review card works. */
export const POE_LINK_SECONDS = 300;

/** Whether the partner directory lists the caller as a reviewer now. */
export async function isReviewerNow(
  services: ClaimServices,
  caller: Pick<Caller, 'tenantId' | 'aadObjectId'>,
): Promise<boolean> {
  if (!caller.tenantId || !caller.aadObjectId) return false;
  return services.partners.isReviewer(caller.tenantId, caller.aadObjectId);
}

/** Partner names by organisation id, each looked up once per card. */
function partnerNames(services: ClaimServices): (ids: Iterable<string>) => Promise<Map<string, string>> {
  const known = new Map<string, string>();
  return async (ids) => {
    for (const id of ids) {
      if (!known.has(id)) known.set(id, (await services.partners.get(id))?.name ?? id);
    }
    return known;
  };
}

const ageOf = (claim: Claim, view: ViewContext): number | undefined =>
  claim.submittedAt ? view.calendar.businessDaysBetween(new Date(claim.submittedAt), view.now) : undefined;

/** One page of the queue; a token from an older or forged list starts over at page 1. */
export async function reviewQueueCard(
  services: ClaimServices,
  view: ViewContext,
  page = 1,
  continuationToken?: string,
): Promise<CardAttachment> {
  let claims: Page<Claim>;
  try {
    claims = await services.claims.reviewQueue(REVIEW_PAGE_SIZE, continuationToken || undefined);
  } catch (e) {
    if (!(e instanceof DomainError && e.code === 'invalidContinuationToken')) throw e;
    return reviewQueueCard(services, view);
  }
  const names = partnerNames(services);
  const rows: ReviewQueueRow[] = [];
  for (const claim of claims.items) {
    const conflicts = await findConflicts(claim, services, view.now);
    const known = await names([claim.partnerId, ...conflicts.map((c) => c.partnerId)]);
    rows.push({
      claim,
      partnerName: known.get(claim.partnerId) ?? claim.partnerId,
      ageBusinessDays: ageOf(claim, view) ?? 0,
      conflicts: [...conflictLines(view.locale, claim, conflicts, known), ...contactLines(view.locale, claim)],
    });
  }
  return renderReviewQueueCard(
    { rows, page: continuationToken ? page : 1, nextToken: claims.continuationToken },
    view.locale,
  );
}

/** The typed "review queue" command: the first page for reviewers, a clear refusal for anyone else. */
export async function sendReviewQueue(context: TurnContext, services: ClaimServices, caller: Caller): Promise<void> {
  if (!(await isReviewerNow(services, caller))) {
    await context.sendActivity(plainTextMessage(t(caller.locale, 'access.notReviewer')));
    return;
  }
  await context.sendActivity(cardMessage(await reviewQueueCard(services, viewContextOf(context, caller, services))));
}

/** Short-lived links for the files; a record that names no blob of ours gets none rather than failing the card. */
async function poeLinks(services: ClaimServices, files: readonly PoeFile[]): Promise<{ file: PoeFile; url: string }[]> {
  const links = await Promise.all(
    files.map(async (file) => {
      try {
        return { file, url: await services.evidence.readUrl(file, POE_LINK_SECONDS) };
      } catch (e) {
        if (e instanceof DomainError) return undefined;
        throw e;
      }
    }),
  );
  return links.filter((link): link is { file: PoeFile; url: string } => link !== undefined);
}

export async function reviewDetailCard(
  services: ClaimServices,
  claim: Claim,
  view: ViewContext,
  notice?: CardNotice,
): Promise<CardAttachment> {
  const conflicts = await findConflicts(claim, services, view.now);
  const names = await partnerNames(services)([claim.partnerId, ...conflicts.map((c) => c.partnerId)]);
  return renderReviewDetailCard(
    {
      claim,
      partnerName: names.get(claim.partnerId) ?? claim.partnerId,
      poe: await poeLinks(services, claim.poe),
      linkMinutes: POE_LINK_SECONDS / 60,
      conflicts: [...conflictLines(view.locale, claim, conflicts, names), ...contactLines(view.locale, claim)],
      allowedEvents: allowedEvents(claim, 'reviewer', view.now),
      commentId: services.newId(),
      timeZone: view.timeZone,
      ...(view.optOutWindow ? { optOutWindow: view.optOutWindow } : {}),
      ageBusinessDays: ageOf(claim, view),
      notice,
      ...(services.poeMaxAgeMonths ? { poeMaxAgeMonths: services.poeMaxAgeMonths } : {}),
    },
    view.locale,
  );
}

/**
 * Cards that show claims outside a flow: the claims list, the status card with its
 * business-day countdown, and the history timeline. Their buttons carry the claim id
 * and no nonce: they stay usable however old they are.
 */
import type { TurnContext } from 'botbuilder';
import type { BusinessCalendar } from '../../claims/calendar';
import type { ActorRole, Claim } from '../../claims/model';
import type { ClaimListFilter, Page } from '../../claims/ports';
import { allowedEvents, DISPUTE_WINDOW_DAYS } from '../../claims/statusMachine';
import { statusTimerOf } from '../../claims/statusTraits';
import { renderClaimsListCard, renderHistoryCard, renderStatusCard, type CardAttachment } from '../../cards/render';
import type { Locale } from '../../locales/i18n';
import type { Caller } from '../caller';
import type { ClaimServices } from '../services';

/**
 * Business days until the opt-out window closes or the answer to an information
 * request is due; -1 once it has passed; undefined when no clock runs for this status.
 */
export function businessDaysLeft(claim: Claim, now: Date, calendar: BusinessCalendar): number | undefined {
  const until = statusTimerOf(claim);
  if (!until) return undefined;
  const end = new Date(until);
  return end.getTime() <= now.getTime() ? -1 : calendar.businessDaysBetween(now, end);
}

export interface ViewContext {
  locale: Locale;
  /** The zone dates are shown in: the user's own when Teams says it, else the calendar's. */
  timeZone: string;
  now: Date;
  calendar: BusinessCalendar;
  /** The opt-out window as configured ("5", "PT2M"), for the copy that says how long the customer has. */
  optOutWindow?: string;
}

/** How this turn shows claims: the caller's language, the user's zone when Teams sends it, now. */
export function viewContextOf(
  context: TurnContext,
  caller: Pick<Caller, 'locale'>,
  services: Pick<ClaimServices, 'timeZone' | 'clock' | 'calendar' | 'lifecycle'>,
): ViewContext {
  return {
    locale: caller.locale,
    timeZone: context.activity.localTimezone || services.timeZone,
    now: services.clock.now(),
    calendar: services.calendar,
    optOutWindow: services.lifecycle.optOutWindow,
  };
}

/**
 * The status card with the buttons the status machine allows this role now (respond,
 * withdraw, dispute, disassociate: incentives admins only). The buttons only ask: the
 * handlers check role, organisation and status again when pressed.
 */
export function statusCardOf(claim: Claim, view: ViewContext, role: ActorRole = 'partnerUser'): CardAttachment {
  const allowed = allowedEvents(claim, role, view.now);
  const disputeUntil =
    allowed.includes('dispute') && claim.rejection
      ? new Date(Date.parse(claim.rejection.at) + DISPUTE_WINDOW_DAYS * 86_400_000).toISOString()
      : undefined;
  return renderStatusCard(
    {
      claim,
      claimId: claim.id,
      nonce: '',
      timeZone: view.timeZone,
      ...(view.optOutWindow ? { optOutWindow: view.optOutWindow } : {}),
      businessDaysLeft: businessDaysLeft(claim, view.now, view.calendar),
      allowedEvents: allowed,
      ...(disputeUntil ? { disputeUntil } : {}),
      // Comments live in their own thread card (opened with `viewComments`), not inline here.
      canComment: false,
      canOpenComments: claim.status !== 'draft',
    },
    view.locale,
  );
}

export function historyCardOf(claim: Claim, view: ViewContext): CardAttachment {
  return renderHistoryCard({ claim, claimId: claim.id, nonce: '', timeZone: view.timeZone }, view.locale);
}

export function claimsListCardOf(
  page: Page<Claim>,
  pageNumber: number,
  view: ViewContext,
  options: { filter?: ClaimListFilter; canExport?: boolean } = {},
): CardAttachment {
  return renderClaimsListCard(
    {
      claims: page.items,
      page: pageNumber,
      nextToken: page.continuationToken,
      canExport: options.canExport ?? false,
      timeZone: view.timeZone,
      filter: options.filter,
    },
    view.locale,
  );
}

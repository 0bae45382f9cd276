/**
 * Cards that show claims outside a flow: the claims list, the status card with its
 * business-day countdown, and the history timeline. Their buttons carry the claim id
 * and no nonce: they stay usable however old they are.
 */
import type { BusinessCalendar } from '../claims/calendar';
import type { Claim } from '../claims/model';
import type { Page } from '../claims/ports';
import { renderClaimsListCard, renderHistoryCard, renderStatusCard, type CardAttachment } from '../cards/render';
import type { Locale } from '../locales/i18n';

/**
 * Business days until the opt-out window closes or the answer to an information
 * request is due; -1 once it has passed; undefined when no clock runs for this status.
 */
export function businessDaysLeft(claim: Claim, now: Date, calendar: BusinessCalendar): number | undefined {
  const until =
    claim.status === 'approvedCustomerNotified' ? claim.windowClosesAt : claim.status === 'partnerActionRequired' ? claim.infoRequest?.deadlineAt : undefined;
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
}

export function statusCardOf(claim: Claim, view: ViewContext): CardAttachment {
  return renderStatusCard(
    {
      claim,
      claimId: claim.id,
      nonce: '',
      timeZone: view.timeZone,
      businessDaysLeft: businessDaysLeft(claim, view.now, view.calendar),
      // The actions after submission (respond, dispute, comment, …) belong to the manage
      // flows; until they exist the card offers none rather than buttons that do nothing.
      allowedEvents: [],
      canComment: false,
    },
    view.locale,
  );
}

export function historyCardOf(claim: Claim, view: ViewContext): CardAttachment {
  return renderHistoryCard({ claim, claimId: claim.id, nonce: '', timeZone: view.timeZone }, view.locale);
}

export function claimsListCardOf(page: Page<Claim>, pageNumber: number, view: ViewContext): CardAttachment {
  return renderClaimsListCard({ claims: page.items, page: pageNumber, nextToken: page.continuationToken, canExport: false, timeZone: view.timeZone }, view.locale);
}

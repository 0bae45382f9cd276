/**
 * What a claim's status means for this claim, not in general: how long the customer
 * has (the window as configured), who made an association official and when, and what
 * a partner can do after a rejection that can't be disputed. The partner's status card
 * and the reviewer's detail card say the same.
 */
import { PROGRAM_OPT_OUT_WINDOW } from '../claims/calendar';
import type { Claim, HistoryEntry } from '../claims/model';
import { formatDateTime, formatWindowLength, statusHelp, t, type Locale } from '../locales/i18n';

export type ClaimContacts = Pick<Claim, 'customerContact' | 'technicalContact'>;

/**
 * Who acted, by name: a customer answers through a link that names the contact only by
 * address, so the claim's contacts put a name to it ("Customer (Chris Lee)").
 */
export function actorName(entry: HistoryEntry, contacts: ClaimContacts | undefined): string | undefined {
  if (entry.actor.name) return entry.actor.name;
  if (entry.actor.role !== 'customer' || !contacts) return undefined;
  const address = entry.actor.id.trim().toLowerCase();
  return [contacts.customerContact, contacts.technicalContact].find((c) => c?.email.trim().toLowerCase() === address)
    ?.name;
}

export interface ExplanationOptions {
  /** The opt-out window as configured ("5", "PT2M"); default the program's 5 business days. */
  optOutWindow?: string;
  timeZone?: string;
}

/** The status's explanation line for this claim. */
export function statusExplanation(locale: Locale, claim: Claim, options: ExplanationOptions = {}): string {
  const when = (iso: string) => formatDateTime(locale, iso, options.timeZone);
  switch (claim.status) {
    case 'approvedCustomerNotified':
      return statusHelp(locale, claim.status, {
        window: formatWindowLength(locale, options.optOutWindow ?? PROGRAM_OPT_OUT_WINDOW),
      });
    case 'associated': {
      const official = claim.history.filter((h) => h.to === 'associated').at(-1);
      if (official?.event === 'customerApprove') {
        const contact = actorName(official, claim) ?? official.actor.id;
        return t(locale, 'statusHelp.associatedApproved', { contact, date: when(official.at) });
      }
      if (official?.event === 'windowClosed')
        return t(locale, 'statusHelp.associatedNoOptOut', { date: when(claim.windowClosesAt ?? official.at) });
      return statusHelp(locale, claim.status);
    }
    case 'rejected':
      // Rule 3: the customer's opt-out decides, so no reviewer could uphold a dispute of it.
      if (claim.rejection?.reason === 'customerDeclined') return t(locale, 'statusHelp.rejectedOptedOut');
      if (claim.rejection?.reason === 'partnerRequest') return t(locale, 'statusHelp.rejectedWithdrawn');
      return statusHelp(locale, claim.status);
    case 'draft':
    case 'submitted':
    case 'underReview':
    case 'partnerActionRequired':
    case 'dispute':
    case 'rejectedFinal':
      return statusHelp(locale, claim.status);
  }
}

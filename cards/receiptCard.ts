/**
 * The receipt after submission: which claim (name and id), its status, what happens next
 * (the reviewer's validation, then the customer's window as configured) and a "View status"
 * button. It is posted outside any flow: the button carries the claim id and goes through
 * the status verb, which checks the caller's role and organisation like the typed command.
 */
import type { Claim } from '../claims/model';
import { statusLabel, t, type Locale } from '../locales/i18n';
import { expandCard, labelsFor, type CardAttachment } from './cardKit';

export interface ReceiptCardModel {
  claim: Pick<Claim, 'id' | 'name' | 'status'>;
  /** A resubmission after the partner's action answers a request rather than starting over. */
  resubmitted: boolean;
  /** How long the customer has, as the deployment configures it ("5 business days", "2 minutes"). */
  window: string;
}

export function renderReceiptCard(model: ReceiptCardModel, locale: Locale): CardAttachment {
  const { claim } = model;
  return expandCard('receipt', {
    labels: labelsFor(locale, {
      title: model.resubmitted ? 'receipt.resubmittedTitle' : 'receipt.title',
      nextTitle: 'receipt.nextTitle',
      viewStatus: 'receipt.viewStatus',
    }),
    claimId: claim.id,
    claimName: claim.name.trim() ? claim.name : t(locale, 'drafts.untitled'),
    claimIdLine: t(locale, 'receipt.claimId', { id: claim.id }),
    statusLine: t(locale, 'receipt.status', { status: statusLabel(locale, claim.status) }),
    next: [t(locale, 'receipt.nextReview'), t(locale, 'receipt.nextConsent', { window: model.window })],
  });
}

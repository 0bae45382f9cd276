/**
 * The reviewer's queue: claims waiting for a decision, oldest submission first, a page
 * at a time, each with its partner, customer, products, status, how long it has waited
 * and any conflict over its association keys. Buttons are Action.Execute invokes.
 */
import type { Claim, ContactRole } from '../claims/model';
import { isConfirmed } from '../claims/contactCheck';
import type { KeyConflict } from '../claims/reviewConflicts';
import {
  associationItem,
  formatList,
  productName,
  statusLabel,
  t,
  type Locale,
  type MessageKey,
} from '../locales/i18n';
import { expandCard, labelsFor, pagerData, type CardAttachment } from './cardKit';
import { STATUS_COLORS } from './listCards';

/**
 * One line per conflict. `names` maps organisation ids to names and is given only to
 * reviewers: without it the other organisation stays "another partner".
 */
export function conflictLines(
  locale: Locale,
  claim: Pick<Claim, 'partnerId'>,
  conflicts: readonly KeyConflict[],
  names?: ReadonlyMap<string, string>,
): string[] {
  return conflicts.map((conflict) => {
    const item = associationItem(locale, conflict.key);
    const own = conflict.partnerId === claim.partnerId;
    const partner = names ? (names.get(conflict.partnerId) ?? t(locale, 'reviewer.unknownPartner')) : undefined;
    let key: MessageKey;
    if (conflict.kind === 'heldByOwnClaim') key = 'reviewer.conflictHeldOwn';
    else if (conflict.kind === 'heldByAnotherPartner')
      key = partner === undefined ? 'reviewer.conflictHeldHidden' : 'reviewer.conflictHeld';
    else
      key = own
        ? 'reviewer.conflictClaimedOwn'
        : partner === undefined
          ? 'reviewer.conflictClaimedHidden'
          : 'reviewer.conflictClaimed';
    return t(locale, key, partner === undefined ? { item } : { item, partner });
  });
}

const CONTACT_LABELS: Readonly<Record<ContactRole, MessageKey>> = {
  customerContact: 'fields.customerContact',
  technicalContact: 'fields.technicalContact',
  partnerContact: 'fields.partnerContact',
};

/**
 * One line per contact whose address the tenant directory could not tie to its
 * organisation: unverified, or confirmed by a reviewer (the address as confirmed).
 */
export function contactLines(
  locale: Locale,
  claim: Pick<Claim, 'unverifiedContacts' | 'confirmedContacts' | ContactRole>,
): string[] {
  return (claim.unverifiedContacts ?? []).map((role) => {
    const params = { role: t(locale, CONTACT_LABELS[role]), email: claim[role]?.email ?? '' };
    return t(locale, isConfirmed(claim, role) ? 'reviewer.contactConfirmed' : 'reviewer.contactUnverified', params);
  });
}

/** "Submitted today", "Waiting for 3 business days". */
export function ageLine(locale: Locale, businessDays: number): string {
  if (businessDays <= 0) return t(locale, 'reviewer.ageToday');
  if (businessDays === 1) return t(locale, 'reviewer.ageOne');
  return t(locale, 'reviewer.ageDays', { days: businessDays });
}

export const nameOf = (locale: Locale, claim: Pick<Claim, 'name'>): string =>
  claim.name.trim() ? claim.name : t(locale, 'drafts.untitled');

export const fieldLine = (locale: Locale, label: MessageKey, value: string): string =>
  t(locale, 'common.fieldValue', {
    label: t(locale, label),
    value: value.trim() ? value : t(locale, 'common.notProvided'),
  });

export interface ReviewQueueRow {
  claim: Pick<Claim, 'id' | 'partnerId' | 'name' | 'customerDomain' | 'productIds' | 'status'>;
  partnerName: string;
  /** Business days since submission. */
  ageBusinessDays: number;
  /** Already worded (see conflictLines). */
  conflicts: readonly string[];
}

export interface ReviewQueueCardModel {
  rows: readonly ReviewQueueRow[];
  /** 1-based number of the page shown. */
  page: number;
  /** The repository's continuation token; absent on the last page. */
  nextToken?: string;
}

export function renderReviewQueueCard(model: ReviewQueueCardModel, locale: Locale): CardAttachment {
  return expandCard('reviewQueue', {
    labels: labelsFor(locale, {
      title: 'reviewer.queueTitle',
      intro: 'reviewer.queueIntro',
      empty: 'reviewer.queueEmpty',
      open: 'claimsList.open',
      next: 'claimsList.next',
      first: 'claimsList.first',
    }),
    hasRows: model.rows.length > 0,
    ...pagerData(locale, model.page, model.nextToken !== undefined),
    rows: model.rows.map(({ claim, partnerName, ageBusinessDays, conflicts }) => ({
      claimId: claim.id,
      partnerId: claim.partnerId,
      name: nameOf(locale, claim),
      partner: fieldLine(locale, 'reviewer.partner', partnerName),
      customer: fieldLine(locale, 'claimsList.customer', claim.customerDomain),
      products: fieldLine(locale, 'fields.productIds', formatList(locale, claim.productIds.map(productName))),
      status: fieldLine(locale, 'claimsList.status', statusLabel(locale, claim.status)),
      statusColor: STATUS_COLORS[claim.status],
      age: ageLine(locale, ageBusinessDays),
      conflicts: [...conflicts],
    })),
    hasNext: model.nextToken !== undefined,
    nextToken: model.nextToken ?? '',
    nextPage: model.page + 1,
    hasPrevious: model.page > 1,
  });
}

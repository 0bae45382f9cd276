/**
 * Lists: the partner's drafts (to continue one) and the organisation's claims,
 * a page at a time with an Open button per row.
 */
import { CLAIM_STATUSES, type Claim, type ClaimStatus } from '../claims/model';
import { STATUS_TRAITS, type StatusTone } from '../claims/statusTraits';
import { formatDateTime, statusLabel, t, type Locale } from '../locales/i18n';
import type { ClaimListFilter } from '../claims/ports';
import { expandCard, labelsFor, pagerData, type CardAttachment } from './cardKit';
import { FILTER_LABEL_KEYS, filterCardData } from './claimsFilter';

export type ClaimSummary = Pick<Claim, 'id' | 'name' | 'customerDomain' | 'status' | 'updatedAt'>;

const nameOrUntitled = (locale: Locale, name: string): string => (name.trim() ? name : t(locale, 'drafts.untitled'));
const customerOrNone = (locale: Locale, domain: string): string =>
  domain.trim() ? domain : t(locale, 'common.notProvided');

export interface DraftsListCardModel {
  drafts: readonly ClaimSummary[];
  timeZone?: string;
  nonce?: string;
}

export function renderDraftsListCard(model: DraftsListCardModel, locale: Locale): CardAttachment {
  return expandCard('draftsList', {
    labels: labelsFor(locale, {
      title: 'drafts.listTitle',
      intro: 'drafts.listIntro',
      none: 'drafts.none',
      resume: 'drafts.resume',
      newClaim: 'drafts.newClaim',
    }),
    nonce: model.nonce ?? '',
    hasDrafts: model.drafts.length > 0,
    drafts: model.drafts.map((d) => ({
      id: d.id,
      name: nameOrUntitled(locale, d.name),
      customer: customerOrNone(locale, d.customerDomain),
      lastChanged: t(locale, 'drafts.lastChanged', { date: formatDateTime(locale, d.updatedAt, model.timeZone) }),
    })),
  });
}

type TextColor = 'Default' | 'Accent' | 'Good' | 'Warning' | 'Attention';

/** Adaptive Card text colours by tone. */
const TONE_COLORS: Readonly<Record<StatusTone, TextColor>> = {
  default: 'Default',
  accent: 'Accent',
  good: 'Good',
  warning: 'Warning',
  attention: 'Attention',
};

/** Teams text colours for a status at a glance, from the status's tone. */
export const STATUS_COLORS: Readonly<Record<ClaimStatus, TextColor>> = Object.fromEntries(
  CLAIM_STATUSES.map((status) => [status, TONE_COLORS[STATUS_TRAITS[status].tone]]),
) as Record<ClaimStatus, TextColor>;

export interface ClaimsListCardModel {
  claims: readonly ClaimSummary[];
  /** 1-based number of the page shown. */
  page: number;
  /** The repository's continuation token for the next page; absent on the last page. */
  nextToken?: string;
  canExport: boolean;
  timeZone?: string;
  nonce?: string;
  /** The filter this page was listed with; Next, First page and Export keep it. */
  filter?: ClaimListFilter;
}

export function renderClaimsListCard(model: ClaimsListCardModel, locale: Locale): CardAttachment {
  return expandCard('claimsList', {
    labels: labelsFor(locale, {
      title: 'claimsList.title',
      empty: 'claimsList.empty',
      open: 'claimsList.open',
      next: 'claimsList.next',
      first: 'claimsList.first',
      export: 'claimsList.export',
      ...FILTER_LABEL_KEYS,
    }),
    nonce: model.nonce ?? '',
    ...filterCardData(model.filter, locale),
    hasClaims: model.claims.length > 0,
    ...pagerData(locale, model.page, model.nextToken !== undefined),
    claims: model.claims.map((c) => ({
      id: c.id,
      name: nameOrUntitled(locale, c.name),
      customer: t(locale, 'common.fieldValue', {
        label: t(locale, 'claimsList.customer'),
        value: customerOrNone(locale, c.customerDomain),
      }),
      status: t(locale, 'common.fieldValue', {
        label: t(locale, 'claimsList.status'),
        value: statusLabel(locale, c.status),
      }),
      statusColor: STATUS_COLORS[c.status],
      updated: t(locale, 'claimsList.updated', { date: formatDateTime(locale, c.updatedAt, model.timeZone) }),
    })),
    hasNext: model.nextToken !== undefined,
    nextToken: model.nextToken ?? '',
    nextPage: model.page + 1,
    hasPrevious: model.page > 1,
    canExport: model.canExport && model.claims.length > 0,
  });
}

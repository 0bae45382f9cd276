/**
 * The claims list's filter on the card: the inputs (status, solution area, customer
 * prefix) prefilled with the filter in force, a line saying what is filtered, and the
 * same values as action data so Next, First page and Export keep the filter.
 */
import { SOLUTION_AREAS } from '../claims/catalog';
import { CLAIM_STATUSES } from '../claims/model';
import type { ClaimListFilter } from '../claims/ports';
import { formatList, solutionAreaLabel, statusLabel, t, type Locale, type MessageKey } from '../locales/i18n';

/** The longest customer prefix the filter takes (a domain is at most 253 characters, a tenant id 36). */
export const CUSTOMER_FILTER_MAX = 100;

/** The filter's fields as a card carries them: input ids and action data keys alike. */
export interface FilterFields {
  filterStatus: string;
  filterArea: string;
  filterCustomer: string;
}

export function filterFields(filter: ClaimListFilter = {}): FilterFields {
  return {
    filterStatus: (filter.statuses ?? []).join(','),
    filterArea: filter.solutionArea ?? '',
    filterCustomer: filter.customer ?? '',
  };
}

export const isFiltered = (filter: ClaimListFilter = {}): boolean =>
  (filter.statuses?.length ?? 0) > 0 || filter.solutionArea !== undefined || (filter.customer ?? '') !== '';

/** "Filtered by Status: Rejected and Dispute · Customer: contoso" (the prefix is user text: a TextRun only). */
function filterLine(filter: ClaimListFilter, locale: Locale): string {
  const part = (label: 'manage.filterStatus' | 'manage.filterArea' | 'manage.filterCustomer', value: string) =>
    t(locale, 'common.fieldValue', { label: t(locale, label), value });
  const parts: string[] = [];
  if (filter.statuses?.length)
    parts.push(
      part(
        'manage.filterStatus',
        formatList(
          locale,
          filter.statuses.map((s) => statusLabel(locale, s)),
        ),
      ),
    );
  if (filter.solutionArea) parts.push(part('manage.filterArea', solutionAreaLabel(locale, filter.solutionArea)));
  if (filter.customer) parts.push(part('manage.filterCustomer', filter.customer));
  return t(locale, 'manage.filteredBy', { filters: parts.join(' · ') });
}

/** The filter's labels, for the card's `labels` (TextBlocks may bind only those). */
export const FILTER_LABEL_KEYS: Readonly<Record<string, MessageKey>> = {
  filterTitle: 'manage.filterTitle',
  filterStatus: 'manage.filterStatus',
  filterAnyStatus: 'manage.filterAnyStatus',
  filterArea: 'manage.filterArea',
  filterAnyArea: 'manage.filterAnyArea',
  filterCustomer: 'manage.filterCustomer',
  filterCustomerPlaceholder: 'manage.filterCustomerPlaceholder',
  filterApply: 'manage.filterApply',
  filterClear: 'manage.filterClear',
  filterNoMatch: 'manage.filterNoMatch',
};

/** Everything else claimsList.json binds for its filter. */
export function filterCardData(filter: ClaimListFilter | undefined, locale: Locale): Record<string, unknown> {
  const current = filter ?? {};
  return {
    ...filterFields(current),
    hasFilter: isFiltered(current),
    customerMaxLength: CUSTOMER_FILTER_MAX,
    filterLine: isFiltered(current) ? filterLine(current, locale) : '',
    statusChoices: CLAIM_STATUSES.map((status) => ({ title: statusLabel(locale, status), value: status })),
    areaChoices: SOLUTION_AREAS.map((area) => ({ title: solutionAreaLabel(locale, area), value: area })),
  };
}

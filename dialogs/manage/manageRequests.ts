/**
 * What the buttons of the claims list and the status card ask for after submission:
 * the list's filter (inputs when applied, action data on Next, First page and Export,
 * so a page keeps the filter it was listed with), the CSV export, and the actions on
 * one claim. Cards are stateless and may be old or forged: everything read here is
 * only a request; the handlers check role, organisation and status again.
 */
import { CUSTOMER_FILTER_MAX } from '../../cards/claimsFilter';
import { SOLUTION_AREAS } from '../../claims/catalog';
import { CLAIM_STATUSES, type ClaimStatus, type SolutionArea } from '../../claims/model';
import type { ClaimListFilter } from '../../claims/ports';

export type ClaimAction = 'withdraw' | 'disassociate' | 'dispute' | 'respond' | 'addPoe';

export type ManageRequest =
  | { kind: 'export'; filter: ClaimListFilter }
  /** `text`: the reason (disassociate) or justification (dispute) typed on the card; '' otherwise. */
  | { kind: 'claimAction'; action: ClaimAction; claimId: string; text: string };

const ACTIONS: Readonly<Record<string, ClaimAction>> = {
  withdrawClaim: 'withdraw',
  disassociateClaim: 'disassociate',
  disputeClaim: 'dispute',
  respondToRequest: 'respond',
  addPoe: 'addPoe',
};

const textOf = (values: Record<string, unknown>, key: string): string =>
  typeof values[key] === 'string' ? (values[key] as string) : '';
const isStatus = (value: string): value is ClaimStatus => (CLAIM_STATUSES as readonly string[]).includes(value);
const isArea = (value: string): value is SolutionArea => (SOLUTION_AREAS as readonly string[]).includes(value);

/**
 * The filter a submit carries (the inverse of cards/claimsFilter's `filterFields`).
 * Unknown statuses and areas are dropped; the customer prefix is trimmed, stripped
 * of control characters and cut to CUSTOMER_FILTER_MAX.
 * Never `createdBy`: a card cannot narrow the list to someone else's view.
 */
export function readListFilter(values: Record<string, unknown>): ClaimListFilter {
  const filter: ClaimListFilter = {};
  const statuses = [
    ...new Set(
      textOf(values, 'filterStatus')
        .split(',')
        .map((s) => s.trim())
        .filter(isStatus),
    ),
  ];
  if (statuses.length > 0) filter.statuses = statuses;
  const area = textOf(values, 'filterArea').trim();
  if (isArea(area)) filter.solutionArea = area;
  // Control characters have no place in a domain or a tenant id.
  const customer = textOf(values, 'filterCustomer')
    .normalize('NFKC')
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, CUSTOMER_FILTER_MAX);
  if (customer !== '') filter.customer = customer;
  return filter;
}

/** The manage request a card submit carries, if it is one. */
export function manageRequestOf(values: Record<string, unknown>): ManageRequest | undefined {
  const verb = textOf(values, 'verb');
  if (verb === 'exportClaims') return { kind: 'export', filter: readListFilter(values) };
  const action = Object.hasOwn(ACTIONS, verb) ? ACTIONS[verb] : undefined;
  if (action === undefined) return undefined;
  const text =
    action === 'dispute' ? textOf(values, 'justification') : action === 'disassociate' ? textOf(values, 'reason') : '';
  return { kind: 'claimAction', action, claimId: textOf(values, 'claimId'), text };
}

/**
 * What a message at the top level (no flow running) asks for: a command typed in any
 * of the three languages, or a button on a card outside a flow (welcome, help, lists,
 * status, history). Those cards are stateless: their buttons carry everything needed,
 * so they keep working however old they are.
 */
import type { Activity } from 'botbuilder';
import { isCardVerb, readClaimsPage } from '../cards/render';
import type { ClaimListFilter } from '../claims/ports';
import { parseCommand } from '../locales/i18n';
import { asRecord } from './cardPrompt';
import { manageRequestOf, readListFilter, type ManageRequest } from './manage/manageRequests';

export type MainRequest =
  | { kind: 'newClaim' }
  | { kind: 'continueDraft' }
  | { kind: 'resumeDraft'; claimId: string }
  | { kind: 'myClaims'; page: number; continuationToken?: string; filter?: ClaimListFilter }
  /** Export, and the actions on one claim after submission (dialogs/manage/manageRequests.ts). */
  | ManageRequest
  /** A claim by id (a card button) or by what the user typed after the command; neither: ask which. */
  | { kind: 'status' | 'history'; claimId?: string; query?: string }
  | { kind: 'help' }
  | { kind: 'cancel' }
  /** Reviewers only (checked where it is answered). */
  | { kind: 'reviewQueue' }
  /** The caller's organisation's members card; the operator admin's list of partner organisations. */
  | { kind: 'members' }
  | { kind: 'organisations' }
  /** A button of a flow's card, pressed after that flow ended; the claim it was about, if any. */
  | { kind: 'staleCard'; cardClaimId?: string }
  | { kind: 'notUnderstood' };

const claimIdOf = (values: Record<string, unknown>): string =>
  typeof values.claimId === 'string' ? values.claimId : '';

function staleCardOf(values: Record<string, unknown>): MainRequest {
  const claimId = claimIdOf(values);
  return claimId === '' ? { kind: 'staleCard' } : { kind: 'staleCard', cardClaimId: claimId };
}

function fromCard(values: Record<string, unknown>): MainRequest {
  const verb = values.verb;
  switch (verb) {
    case 'newClaim':
    case 'continueDraft':
    case 'help':
    case 'cancel':
      return { kind: verb };
    case 'myClaims':
      return { kind: 'myClaims', page: 1 };
    case 'claimsPage':
      return { kind: 'myClaims', ...readClaimsPage(values), filter: readListFilter(values) };
    case 'filterClaims':
      return { kind: 'myClaims', page: 1, filter: readListFilter(values) };
    case 'resumeDraft':
      return { kind: 'resumeDraft', claimId: claimIdOf(values) };
    case 'viewClaim':
      return { kind: 'status', claimId: claimIdOf(values) };
    case 'viewHistory':
      return { kind: 'history', claimId: claimIdOf(values) };
    default:
      return manageRequestOf(values) ?? (isCardVerb(verb) ? staleCardOf(values) : { kind: 'notUnderstood' });
  }
}

function fromText(text: string | undefined): MainRequest {
  const parsed = parseCommand(text);
  if (!parsed) return { kind: 'notUnderstood' };
  const { command, argument } = parsed;
  if (command === 'status' || command === 'history')
    return argument ? { kind: command, query: argument } : { kind: command };
  // The other commands take no argument: "new claim for contoso" is not a command.
  if (argument !== '') return { kind: 'notUnderstood' };
  switch (command) {
    case 'myClaims':
      return { kind: 'myClaims', page: 1 };
    case 'newClaim':
    case 'continueDraft':
    case 'help':
    case 'cancel':
    case 'reviewQueue':
    case 'members':
    case 'organisations':
      return { kind: command };
    case 'export':
      return { kind: 'export', filter: {} };
  }
}

export function mainRequestOf(activity: Partial<Activity>): MainRequest {
  const values = asRecord(activity.value);
  return values ? fromCard(values) : fromText(activity.text);
}

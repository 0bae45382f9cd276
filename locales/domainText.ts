/**
 * Words for the domain's codes: statuses, reasons, actors, areas, activities and
 * validation problems. The template-literal keys make a new status or reason in
 * claims/model.ts a compile error here until en-US.json names it.
 */
import { parseAssociationKey } from '../claims/associations';
import { coopProgramFor, productById, type ProgramId } from '../claims/catalog';
import type { Problem } from '../claims/errors';
import type { PartnerConflict } from '../claims/partnerConflicts';
import type {
  Activity,
  ActorRole,
  ClaimStatus,
  InfoRequestReason,
  RejectionReason,
  SolutionArea,
} from '../claims/model';
import { MPN_ID_MAX_DIGITS, MPN_ID_MIN_DIGITS } from '../claims/validation';
import type { Locale } from './catalogs';
import { languageOf } from './languages';
import { hasMessage, t, type MessageParams } from './translator';

/** The message under a computed key, or `fallback` when the catalogs have none. */
const localizedOr = (locale: Locale, key: string, fallback: string): string =>
  hasMessage(key) ? t(locale, key) : fallback;

export const statusLabel = (locale: Locale, status: ClaimStatus): string => t(locale, `statuses.${status}`);
export const statusHelp = (locale: Locale, status: ClaimStatus, params?: MessageParams): string =>
  t(locale, `statusHelp.${status}`, params);
export const infoRequestReasonText = (locale: Locale, reason: InfoRequestReason): string =>
  t(locale, `infoRequestReasons.${reason}`);
export const rejectionReasonText = (locale: Locale, reason: RejectionReason): string =>
  t(locale, `rejectionReasons.${reason}`);
export const actorLabel = (locale: Locale, role: ActorRole): string => t(locale, `actors.${role}`);
export const solutionAreaLabel = (locale: Locale, area: SolutionArea): string => t(locale, `solutionAreas.${area}`);
export const activityLabel = (locale: Locale, activity: Activity): string => t(locale, `activities.${activity}`);
export const activityHelp = (locale: Locale, activity: Activity): string => t(locale, `activityHelp.${activity}`);
export const programName = (locale: Locale, program: ProgramId): string => t(locale, `programs.${program}`);

/** A product's display name; brand names are not translated, unknown ids are shown as given. */
export const productName = (productId: string): string => productById(productId)?.name ?? productId;

/** The localized name of a co-op program (CSP, hosting, …), by id or by what the user typed. */
export function coopProgramName(locale: Locale, idOrText: string): string | undefined {
  const program = coopProgramFor(idOrText);
  if (!program) return undefined;
  return localizedOr(locale, `coopPrograms.${program.id}`, program.name);
}

/** The co-op guidance paragraph for a program the partner named ("CSP", "호스팅"). */
export function coopGuidance(locale: Locale, idOrText: string): string | undefined {
  const program = coopProgramName(locale, idOrText);
  return program === undefined ? undefined : t(locale, 'coop.guidance', { program });
}

const camelJoin = (parts: string[]): string =>
  parts.map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('');

/**
 * A problem's field path as people call it: `customerContact.email` → "Customer
 * contact email address", `subscriptions.dynamics365Sales` → "Dynamics 365 Sales
 * subscription IDs"; an unknown path reads "This field".
 */
export function fieldLabel(locale: Locale, field: string): string {
  const [head = '', ...rest] = field.split('.');
  if (head === 'subscriptions' && rest.length > 0) {
    return t(locale, 'fields.subscriptionsOf', { product: productName(rest.join('.')) });
  }
  const key = `fields.${camelJoin([head, ...rest])}`;
  return hasMessage(key) ? t(locale, key) : t(locale, 'fields.generic');
}

/** A history entry's event ("submit", "edited", …) in words; unknown events read "Updated". */
export const historyEventLabel = (locale: Locale, event: string): string =>
  localizedOr(locale, `historyEvents.${event}`, t(locale, 'historyEvents.other'));

/**
 * What an association key names, for people: the workload or product, or the
 * subscription id. Never the partner holding it.
 */
export function associationItem(locale: Locale, key: string): string {
  const parsed = parseAssociationKey(key);
  if (!parsed) return t(locale, 'fields.generic');
  if (parsed.basis === 'workload' || productById(parsed.ref)) return productName(parsed.ref);
  return t(locale, 'fields.subscriptionNamed', { subscriptionId: parsed.ref });
}

/**
 * What the partner filing a claim is told about one conflict (claims/partnerConflicts.ts):
 * another partner's hold without a name; the partner's own claim by its name and id, with
 * the advice its status allows (one sentence per `conflictAdvice` of the traits table).
 */
export function conflictNotice(locale: Locale, conflict: PartnerConflict): string {
  const item = associationItem(locale, conflict.key);
  const product = productName(conflict.productId);
  switch (conflict.kind) {
    case 'anotherPartner': {
      const parsed = parseAssociationKey(conflict.key);
      return parsed?.basis === 'subscription' && parsed.ref !== conflict.productId
        ? t(locale, 'products.subscriptionTaken', { subscriptionId: parsed.ref, product })
        : t(locale, 'products.alreadyAssociated', { product });
    }
    case 'ownHold':
      return t(locale, 'problems.keyHeldByOwnClaim', { item });
    case 'ownClaim':
      return t(locale, `conflictAdvice.${conflict.advice}`, {
        item,
        name: conflict.claim.name.trim() || t(locale, 'drafts.untitled'),
        claimId: conflict.claim.id,
      });
  }
}

/** Facts the validators leave implicit but the message needs (limits, readable names). */
function problemParams(locale: Locale, problem: Problem): MessageParams {
  const given = problem.params ?? {};
  const params: Record<string, string | number> = { ...given, field: fieldLabel(locale, problem.field) };
  if (typeof given.productId === 'string') params.product = productName(given.productId);
  if (typeof given.solutionArea === 'string') {
    params.solutionArea = localizedOr(locale, `solutionAreas.${given.solutionArea}`, given.solutionArea);
  }
  if (typeof given.index === 'number') params.position = given.index + 1;
  if (typeof given.key === 'string') params.item = associationItem(locale, given.key);
  if (typeof given.status === 'string') params.status = localizedOr(locale, `statuses.${given.status}`, given.status);
  if (typeof given.role === 'string') params.role = localizedOr(locale, `roles.${given.role}`, given.role);
  if (typeof given.reason === 'string')
    params.reason = localizedOr(locale, `rejectionReasons.${given.reason}`, given.reason);
  if (problem.code === 'mpnIdInvalid') {
    params.min = MPN_ID_MIN_DIGITS;
    params.max = MPN_ID_MAX_DIGITS;
  }
  return params;
}

/** True when the catalogs have a message for this problem code. */
export const hasProblemMessage = (code: string): boolean => hasMessage(`problems.${code}`);

/**
 * One localized sentence per problem. A code without a message (a gap the locale
 * tests exist to catch) still yields a sentence naming the field, never a raw code.
 */
export function problemMessage(locale: Locale, problem: Problem): string {
  const key = `problems.${problem.code}`;
  const params = problemParams(locale, problem);
  const sentence = hasMessage(key) ? t(locale, key, params) : t(locale, 'problems.invalid', params);
  const hint = problem.params?.hint;
  const hintKey = `problemHints.${String(hint)}`;
  if (typeof hint !== 'string' || !hasMessage(hintKey)) return sentence;
  // Japanese runs sentences together; English and Korean separate them with a space.
  return `${sentence}${languageOf(locale).sentenceGap}${t(locale, hintKey)}`;
}

/** Several problems, one line each, in the order the validators reported them. */
export const problemMessages = (locale: Locale, problems: readonly Problem[]): string[] =>
  problems.map((problem) => problemMessage(locale, problem));

/**
 * The verbs cards put in their Action.Submit data, for routing a submit to its
 * handler. Every submit also carries `claimId` and `nonce` (see StepContext).
 */
export const CARD_VERBS = [
  // welcome, help and lists
  'newClaim',
  'continueDraft',
  'myClaims',
  'help',
  'resumeDraft',
  'viewClaim',
  'claimsPage',
  'filterClaims',
  'exportClaims',
  // the language chooser (outside any flow)
  'chooseLanguage',
  'setLanguage',
  // the new-claim steps (the four before 'startEntered' are those of the cards it replaced, still in chats)
  'startEntered',
  'mpnChosen',
  'customerEntered',
  'customerConfirmed',
  'customerChange',
  'solutionChosen',
  'revenueEntered',
  'nameEntered',
  'productsChosen',
  'subscriptionsEntered',
  'contactsEntered',
  'poeTemplate',
  'poeDone',
  'poeSample',
  'commentEntered',
  'commentSkipped',
  // summary and submission ('backToReview' keeps its name: cards already in chats carry it)
  'editSection',
  'saveDraft',
  'submitClaim',
  'confirmSubmit',
  'backToReview',
  // cancel
  'cancel',
  'cancelKeep',
  'cancelDiscard',
  'cancelBack',
  // after submission
  'viewHistory',
  'respondToRequest',
  'addPoe',
  'addComment',
  'disputeClaim',
  'disputeFile',
  'withdrawClaim',
  'disassociateClaim',
] as const;

export type CardVerb = (typeof CARD_VERBS)[number];

/**
 * The verbs of Action.Execute buttons: `adaptiveCard/action` invokes answered by the
 * bot's CardActionRouter outside any dialog (the reviewer's cards, the comments thread).
 * Their data carries ids (`claimId`, `partnerId`) and the status the card showed, never roles.
 */
export const EXECUTE_VERBS = [
  'reviewQueue',
  'reviewOpen',
  'reviewStart',
  'reviewRequestInfo',
  'reviewApprove',
  'reviewReject',
  'reviewConfirmContact',
  'addComment',
  'viewComments',
  // roles and organisations
  'members',
  'roleGrant',
  'roleRevoke',
  'accessRequest',
  'accessDecide',
  'orgList',
  'orgOnboardForm',
  'orgOnboard',
  'orgSuspend',
] as const;

export type ExecuteVerb = (typeof EXECUTE_VERBS)[number];

/** A type guard for membership in one of the lists below. */
const memberOf =
  <T extends string>(list: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === 'string' && (list as readonly string[]).includes(value);

export const isCardVerb = memberOf(CARD_VERBS);

/** The summary card's sections, each with its own Edit button (`editSection` + `section`). */
export const SUMMARY_SECTIONS = [
  'location',
  'customer',
  'solution',
  'revenue',
  'claimName',
  'products',
  'subscriptions',
  'contacts',
  'poe',
  'comments',
] as const;

export type SummarySection = (typeof SUMMARY_SECTIONS)[number];

export const isSummarySection = memberOf(SUMMARY_SECTIONS);

/** Input ids a card must never use: Teams merges inputs over the action data. */
export const RESERVED_INPUT_IDS: readonly string[] = ['verb', 'claimId', 'nonce'];

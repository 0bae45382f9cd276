/**
 * Cards outside the claim steps: welcome, help, the cancel question, and a generic
 * notice (a message with optional buttons and links) for everything else.
 */
import { PROGRAM_OPT_OUT_WINDOW } from '../claims/calendar';
import { coopGuidance, formatWindowLength, t, type Locale, type MessageKey } from '../locales/i18n';
import { expandCard, labelsFor, type CardAttachment, type StepContext } from './cardKit';
import type { CardVerb } from './verbs';

const MAIN_ACTION_LABELS = {
  newClaim: 'welcome.newClaim',
  continueDraft: 'welcome.continueDraft',
  myClaims: 'welcome.myClaims',
  help: 'welcome.help',
  language: 'welcome.language',
} as const;

export interface WelcomeCardModel {
  /** The user's display name from Teams, if known. */
  userName?: string;
  /** Incentives admins may create claims; others only view. */
  canCreate: boolean;
  nonce?: string;
}

export function renderWelcomeCard(model: WelcomeCardModel, locale: Locale): CardAttachment {
  const name = model.userName?.trim() ?? '';
  return expandCard('welcome', {
    labels: labelsFor(locale, {
      ...MAIN_ACTION_LABELS,
      title: 'welcome.title',
      intro: 'welcome.intro',
      scope: 'welcome.scope',
      whatYouNeed: 'welcome.whatYouNeed',
      viewOnly: 'welcome.viewOnly',
    }),
    nonce: model.nonce ?? '',
    canCreate: model.canCreate,
    hasGreeting: name !== '',
    greeting: name === '' ? '' : t(locale, 'welcome.greeting', { name }),
  });
}

export interface HelpCardModel {
  canCreate: boolean;
  /** Reviewers also get the review queue command. */
  isReviewer?: boolean;
  /** Operator admins also get the organisations command. */
  isOperatorAdmin?: boolean;
  nonce?: string;
  /** The opt-out window as configured ("5", "PT2M"); the rules say how long it is. Default: the program's 5 business days. */
  optOutWindow?: string;
}

const HELP_LINES: readonly {
  key: MessageKey;
  creatorsOnly: boolean;
  reviewersOnly?: boolean;
  operatorAdminsOnly?: boolean;
}[] = [
  { key: 'help.newClaim', creatorsOnly: true },
  { key: 'help.continueDraft', creatorsOnly: true },
  { key: 'help.myClaims', creatorsOnly: false },
  { key: 'help.status', creatorsOnly: false },
  { key: 'help.history', creatorsOnly: false },
  { key: 'help.export', creatorsOnly: false },
  { key: 'help.reviewQueue', creatorsOnly: false, reviewersOnly: true },
  { key: 'help.members', creatorsOnly: false },
  { key: 'help.organisations', creatorsOnly: false, operatorAdminsOnly: true },
  { key: 'help.cancel', creatorsOnly: false },
  { key: 'help.help', creatorsOnly: false },
  { key: 'help.language', creatorsOnly: false },
];

const RULE_LINES: readonly MessageKey[] = [
  'help.ruleOnePartner',
  'help.ruleOptOut',
  'help.ruleFinal',
  'help.ruleReassociate',
  'help.ruleRole',
];

export function renderHelpCard(model: HelpCardModel, locale: Locale): CardAttachment {
  return expandCard('help', {
    labels: labelsFor(locale, {
      ...MAIN_ACTION_LABELS,
      title: 'help.title',
      intro: 'help.intro',
      rulesTitle: 'help.rulesTitle',
    }),
    nonce: model.nonce ?? '',
    canCreate: model.canCreate,
    commandLines: HELP_LINES.filter(
      (line) =>
        (model.canCreate || !line.creatorsOnly) &&
        (model.isReviewer === true || !line.reviewersOnly) &&
        (model.isOperatorAdmin === true || !line.operatorAdminsOnly),
    ).map((line) => t(locale, line.key)),
    ruleLines: RULE_LINES.map((key) =>
      t(locale, key, { window: formatWindowLength(locale, model.optOutWindow ?? PROGRAM_OPT_OUT_WINDOW) }),
    ),
  });
}

export interface CancelConfirmCardModel extends StepContext {
  /** The draft's name, when there is one to keep. */
  claimName?: string;
}

export function renderCancelConfirmCard(model: CancelConfirmCardModel, locale: Locale): CardAttachment {
  const claimName = model.claimName?.trim() ?? '';
  return expandCard('cancelConfirm', {
    labels: labelsFor(locale, {
      title: 'cancel.title',
      question: 'cancel.question',
      keep: 'cancel.keep',
      discard: 'cancel.discard',
      back: 'common.back',
    }),
    claimId: model.claimId,
    nonce: model.nonce,
    hasClaimName: claimName !== '',
    claimName,
  });
}

export type NoticeTone = 'default' | 'good' | 'warning' | 'attention';

export interface NoticeAction {
  verb: CardVerb;
  label: MessageKey;
  style?: 'default' | 'positive' | 'destructive';
}

export interface NoticeCardModel extends Partial<StepContext> {
  tone?: NoticeTone;
  /** Already localized (it may carry user text, shown as plain text). */
  title?: string;
  lines: readonly string[];
  actions?: readonly NoticeAction[];
  /** Links opened in the browser, e.g. the PoE template or a CSV export. */
  links?: readonly { label: MessageKey; url: string }[];
}

/**
 * Any message as a card: warnings with "continue anyway / change" buttons (the
 * domain–tenant check), co-op guidance, stale-card notices, downloads.
 */
export function renderNoticeCard(model: NoticeCardModel, locale: Locale): CardAttachment {
  const title = model.title?.trim() ?? '';
  return expandCard('notice', {
    labels: labelsFor(locale, {}),
    claimId: model.claimId ?? '',
    nonce: model.nonce ?? '',
    containerStyle: model.tone ?? 'default',
    hasTitle: title !== '',
    title,
    lines: [...model.lines],
    actions: (model.actions ?? []).map((a) => ({
      verb: a.verb,
      title: t(locale, a.label),
      style: a.style ?? 'default',
    })),
    links: (model.links ?? []).map((l) => ({ title: t(locale, l.label), url: l.url })),
  });
}

export interface TenantCheckCardModel extends StepContext {
  domain: string;
  tenantId: string;
}

/**
 * The directory does not know the domain: the partner may go on with the tenant ID they
 * typed, warned that the review will check it, or change the values. (A tenant the
 * directory names is taken without asking; one it contradicts is a problem on the start card.)
 */
export function renderTenantCheckCard(model: TenantCheckCardModel, locale: Locale): CardAttachment {
  return renderNoticeCard(
    {
      ...model,
      tone: 'warning',
      lines: [t(locale, 'customer.unknownDomain', { domain: model.domain, tenantId: model.tenantId })],
      actions: [
        { verb: 'customerConfirmed', label: 'customer.continueAnyway' },
        { verb: 'customerChange', label: 'customer.change' },
      ],
    },
    locale,
  );
}

/** The co-op guidance for a program outside CPOR that the partner named, or undefined if none was named. */
export function renderCoopGuidanceCard(programText: string, locale: Locale): CardAttachment | undefined {
  const guidance = coopGuidance(locale, programText);
  if (guidance === undefined) return undefined;
  return renderNoticeCard(
    {
      tone: 'warning',
      title: t(locale, 'coop.title'),
      lines: [guidance, t(locale, 'coop.howTo'), t(locale, 'coop.startOver')],
      actions: [{ verb: 'help', label: 'welcome.help' }],
    },
    locale,
  );
}

export interface AnsweredCardModel {
  /** The step's name (our own label). */
  section: string;
  /** What the step now holds, as the partner gave it (user text: plain runs only). */
  value?: string;
  /** Why the card closed, when it is not simply answered ("continued below"). */
  note?: string;
  /** A card closed without its answer being taken (out of date, corrected below). */
  superseded?: boolean;
}

/**
 * An answered step, collapsed to one read-only line: it replaces the step's card in
 * place, so no card above the newest still offers inputs or buttons.
 */
export function renderAnsweredCard(model: AnsweredCardModel, locale: Locale): CardAttachment {
  const value = model.value?.trim() ?? '';
  const note = model.note?.trim() ?? '';
  return expandCard('answered', {
    labels: labelsFor(locale, {}),
    containerStyle: model.superseded ? 'default' : 'emphasis',
    mark: model.superseded ? '↓ ' : '✓ ',
    section: model.section,
    // The separators are punctuation, the same in the three languages.
    value: `: ${value}`,
    hasValue: value !== '',
    note: ` · ${note}`,
    hasNote: note !== '',
  });
}

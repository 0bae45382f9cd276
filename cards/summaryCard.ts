/**
 * The summary card, the partner's only confirmation before submitting: every section of the claim in compact
 * label/value rows, one Edit menu, the optional comment, the "submission is final" warning once, Save draft and
 * (when nothing is missing) Submit. The separate confirmation card stays for the bench's peer flow only.
 */
import { PROGRAM_OPT_OUT_WINDOW } from '../claims/calendar';
import { productById } from '../claims/catalog';
import { COMMENT_MAX } from '../claims/validation';
import type { Claim, Contact } from '../claims/model';
import {
  activityLabel,
  formatFileSize,
  formatWindowLength,
  productName,
  solutionAreaLabel,
  t,
  type Locale,
  type MessageKey,
} from '../locales/i18n';
import { expandCard, headerData, labelsFor, problemData, type CardAttachment, type StepContext } from './cardKit';
import { renderNoticeCard } from './generalCards';
import { combinedChecklist, withChecklist } from './poeChecklist';
import { problemText, type CardProblems } from './stepCards';
import type { SummarySection } from './verbs';

export interface SummaryCardModel extends StepContext {
  claim: Claim;
  /** What submission validation still reports; with none, Submit is offered. */
  problems: CardProblems;
  /** The partner location's name, shown beside its MPN ID. */
  locationName?: string;
  /** False while the claim is not editable (nothing but viewing); default true. */
  editable?: boolean;
  /** How old a PoE's latest date may be, in months, as the check was configured. */
  poeMaxAgeMonths?: number;
  /** PoE files whose check is still running: the checklist says so instead of a result. */
  checkingPoeIds?: readonly string[];
  /** The opt-out window as configured ("5", "PT2M"); default the program's 5 business days. */
  optOutWindow?: string;
  /** The comment typed in the card's comment box and not yet added, shown again. */
  comment?: string;
  /**
   * Whether the claim itself is ready to submit, when `problems` also holds a problem of the
   * comment box (which must not hide Submit); default: no problems.
   */
  submittable?: boolean;
}

/** One label/value row of the summary; a section's first row draws the line above it. */
interface RowData {
  label: string;
  values: string[];
  first: boolean;
}

const SECTION_TITLES: Readonly<Record<SummarySection, MessageKey>> = {
  location: 'summary.sectionLocation',
  customer: 'summary.sectionCustomer',
  solution: 'summary.sectionSolution',
  revenue: 'summary.sectionRevenue',
  claimName: 'summary.sectionClaim',
  products: 'summary.sectionProducts',
  subscriptions: 'summary.sectionSubscriptions',
  contacts: 'summary.sectionContacts',
  poe: 'summary.sectionPoe',
  comments: 'summary.sectionComments',
};

function sectionLines(
  claim: Claim,
  locale: Locale,
  locationName: string | undefined,
): Record<SummarySection, string[]> {
  const orNone = (value: string | undefined): string => (value?.trim() ? value : t(locale, 'common.notProvided'));
  const field = (label: MessageKey, value: string | undefined): string =>
    t(locale, 'common.fieldValue', { label: t(locale, label), value: orNone(value) });
  const contact = (role: MessageKey, c: Contact | undefined): string[] => {
    if (!c) return [];
    const base = { role: t(locale, role), name: orNone(c.name), email: orNone(c.email) };
    return [
      c.title?.trim()
        ? t(locale, 'summary.contactWithTitle', { ...base, jobTitle: c.title })
        : t(locale, 'summary.contactWithoutTitle', base),
    ];
  };
  const listed = (items: string[], empty: MessageKey): string[] => (items.length > 0 ? items : [t(locale, empty)]);
  const solution =
    claim.solutionArea && claim.activity
      ? t(locale, 'solution.option', {
          area: solutionAreaLabel(locale, claim.solutionArea),
          activity: activityLabel(locale, claim.activity),
        })
      : t(locale, 'common.notProvided');
  return {
    location: [
      locationName
        ? t(locale, 'mpn.option', { mpnId: orNone(claim.mpnId), location: locationName })
        : orNone(claim.mpnId),
    ],
    customer: fieldRows(claim).customer.map(([label, value]) => field(label, value)),
    solution: [solution],
    revenue: fieldRows(claim).revenue.map(([label, value]) => field(label, value)),
    claimName: [orNone(claim.name)],
    products: listed(claim.productIds.map(productName), 'summary.none'),
    subscriptions: listed(
      claim.subscriptions
        .filter((s) => claim.productIds.includes(s.productId))
        .map((s) =>
          s.multiple || s.subscriptionIds.length > 0
            ? t(locale, 'summary.subscriptionIds', {
                product: productName(s.productId),
                ids: s.subscriptionIds.join(', '),
              })
            : t(locale, 'summary.subscriptionSingle', { product: productName(s.productId) }),
        ),
      'summary.none',
    ),
    contacts: listed(
      [
        ...contact('contacts.customerSection', claim.customerContact),
        ...contact('contacts.technicalSection', claim.technicalContact),
        ...contact('contacts.partnerSection', claim.partnerContact),
      ],
      'summary.none',
    ),
    poe: listed(
      claim.poe.map((f) =>
        t(locale, 'summary.poeFile', { fileName: f.fileName, size: formatFileSize(locale, f.sizeBytes) }),
      ),
      'summary.noPoe',
    ),
    comments: listed(
      claim.comments.map((c) => c.text),
      'summary.noComments',
    ),
  };
}

/**
 * The sections whose values are label-value pairs: a line each in an answered card's
 * recap; on the summary, revenue details get a row per field, the value alone in its column.
 */
type FieldPairs = [MessageKey, string | undefined][];

function fieldRows(claim: Claim): { customer: FieldPairs; revenue: FieldPairs } {
  return {
    customer: [
      ['customer.domainLabel', claim.customerDomain],
      ['customer.tenantLabel', claim.customerTenantId],
    ],
    revenue: [
      ['revenue.sellerLabel', claim.revenue?.solutionSellerName],
      ['revenue.customerNameLabel', claim.revenue?.customerName],
      ['revenue.isvLabel', claim.revenue?.isvSolutionName],
    ],
  };
}

function summaryRows(
  claim: Claim,
  locale: Locale,
  shown: readonly SummarySection[],
  lines: Record<SummarySection, string[]>,
): RowData[] {
  const orNone = (value: string | undefined): string => (value?.trim() ? value : t(locale, 'common.notProvided'));
  return shown
    .filter((id) => rowShown(claim, id))
    .flatMap((id) => {
      const rows =
        id === 'revenue'
          ? fieldRows(claim).revenue.map(([label, value]) => ({ label: t(locale, label), values: [orNone(value)] }))
          : id === 'customer'
            ? // The domain and the tenant under one label: the GUID fits on its line beside it.
              [
                {
                  label: t(locale, SECTION_TITLES.customer),
                  values: [claim.customerDomain, claim.customerTenantId].map(orNone),
                },
              ]
            : [{ label: t(locale, SECTION_TITLES[id]), values: lines[id] }];
      return rows.map((row, i) => ({ ...row, first: i === 0 }));
    });
}

/** The name is the card's subtitle, and no comments need no row: the comment box is just below. */
const rowShown = (claim: Claim, id: SummarySection): boolean =>
  id !== 'claimName' && (id !== 'comments' || claim.comments.length > 0);

/** Revenue details only for revenue association; subscriptions only once a Dynamics 365 product is chosen. */
function sectionShown(claim: Claim, section: SummarySection): boolean {
  if (section === 'revenue') return claim.activity === 'revenueAssociation';
  if (section === 'subscriptions') return claim.productIds.some((id) => productById(id)?.dynamics365 === true);
  return true;
}

/** What these sections of the claim hold, one line: the text of an answered step's collapsed card. */
export function recapOf(
  claim: Claim,
  sections: readonly SummarySection[],
  locale: Locale,
  locationName?: string,
): string {
  const lines = sectionLines(claim, locale, locationName);
  return sections
    .filter((id) => sectionShown(claim, id))
    .flatMap((id) => lines[id])
    .join(' · ');
}

export function renderSummaryCard(model: SummaryCardModel, locale: Locale): CardAttachment {
  const editable = model.editable ?? true;
  const lines = sectionLines(model.claim, locale, model.locationName);
  const shown = (Object.keys(SECTION_TITLES) as SummarySection[]).filter((id) => sectionShown(model.claim, id));
  // Comments are added in the card's own comment box, not edited.
  const editChoices = shown
    .filter((id) => id !== 'comments')
    .map((id) => ({ id, title: t(locale, SECTION_TITLES[id]) }));
  const problems = problemData(model.problems.map((p) => problemText(locale, p)));
  const checklist = combinedChecklist(model.claim, locale, {
    title: 'poeCheck.summaryTitle',
    ...(model.checkingPoeIds ? { checkingIds: model.checkingPoeIds } : {}),
    // The phrases found were quoted on the PoE card; here the verdicts are enough.
    evidence: false,
    fix: editable,
    ...(model.poeMaxAgeMonths ? { maxAgeMonths: model.poeMaxAgeMonths } : {}),
  });
  const card = expandCard('summary', {
    claimId: model.claimId,
    nonce: model.nonce,
    ...headerData(model.header),
    labels: {
      ...labelsFor(locale, {
        title: 'summary.title',
        intro: 'summary.intro',
        edit: 'summary.edit',
        editLabel: 'summary.editLabel',
        commentLabel: 'summary.commentLabel',
        commentPlaceholder: 'comments.placeholder',
        problemsTitle: 'summary.problemsTitle',
        submit: 'summary.submit',
        saveDraft: 'summary.saveDraft',
        cancel: 'common.cancel',
      }),
      finalWarning: finalWarning(locale, model.optOutWindow),
    },
    claimName: model.claim.name.trim() ? model.claim.name : t(locale, 'drafts.untitled'),
    rows: summaryRows(model.claim, locale, shown, lines),
    editable,
    editChoices,
    firstSection: editChoices[0]?.id ?? '',
    comment: model.comment ?? '',
    commentMaxLength: COMMENT_MAX,
    ...problems,
    canSubmit: editable && (model.submittable ?? !problems.hasProblems),
  });
  return withChecklist(card, checklist);
}

const finalWarning = (locale: Locale, optOutWindow = PROGRAM_OPT_OUT_WINDOW): string =>
  t(locale, 'summary.finalWarning', { window: formatWindowLength(locale, optOutWindow) });

/** "Submit this claim? It is final." with Yes, submit / Not yet; `optOutWindow` as configured ("5", "PT2M"). */
export function renderSubmitConfirmCard(context: StepContext, locale: Locale, optOutWindow?: string): CardAttachment {
  return renderNoticeCard(
    {
      ...context,
      tone: 'warning',
      title: t(locale, 'submit.confirmTitle'),
      lines: [t(locale, 'submit.confirmText'), finalWarning(locale, optOutWindow)],
      actions: [
        { verb: 'confirmSubmit', label: 'submit.confirm', style: 'positive' },
        { verb: 'backToReview', label: 'submit.notYet' },
      ],
    },
    locale,
  );
}

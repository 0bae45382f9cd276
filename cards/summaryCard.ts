/**
 * The summary card (the partner's last look before submitting): every section of the claim with an Edit button each, Save draft
 * and (when nothing is missing) Submit; and the "submission is final" confirmation.
 */
import { PROGRAM_OPT_OUT_WINDOW } from '../claims/calendar';
import { productById } from '../claims/catalog';
import type { Claim, Contact } from '../claims/model';
import {
  activityLabel,
  formatFileSize,
  formatWindowLength,
  problemMessage,
  productName,
  solutionAreaLabel,
  t,
  type Locale,
  type MessageKey,
} from '../locales/i18n';
import { expandCard, headerData, labelsFor, problemData, type CardAttachment, type StepContext } from './cardKit';
import { renderNoticeCard } from './generalCards';
import { combinedChecklist, withChecklist } from './poeChecklist';
import type { CardProblems } from './stepCards';
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
}

interface SectionData {
  id: SummarySection;
  title: string;
  lines: string[];
  editable: boolean;
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
    customer: [
      field('customer.domainLabel', claim.customerDomain),
      field('customer.tenantLabel', claim.customerTenantId),
    ],
    solution: [solution],
    revenue: [
      field('revenue.sellerLabel', claim.revenue?.solutionSellerName),
      field('revenue.customerNameLabel', claim.revenue?.customerName),
      field('revenue.isvLabel', claim.revenue?.isvSolutionName),
    ],
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
  const sections: SectionData[] = (Object.keys(SECTION_TITLES) as SummarySection[])
    .filter((id) => sectionShown(model.claim, id))
    .map((id) => ({ id, title: t(locale, SECTION_TITLES[id]), lines: lines[id], editable }));
  const problems = problemData(model.problems.map((p) => (typeof p === 'string' ? p : problemMessage(locale, p))));
  const checklist = combinedChecklist(model.claim, locale, {
    title: 'poeCheck.summaryTitle',
    ...(model.checkingPoeIds ? { checkingIds: model.checkingPoeIds } : {}),
    evidence: true,
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
        problemsTitle: 'summary.problemsTitle',
        ready: 'summary.ready',
        submit: 'summary.submit',
        saveDraft: 'summary.saveDraft',
        cancel: 'common.cancel',
      }),
      finalWarning: finalWarning(locale, model.optOutWindow),
    },
    claimName: model.claim.name.trim() ? model.claim.name : t(locale, 'drafts.untitled'),
    sections,
    ...problems,
    canSubmit: editable && !problems.hasProblems,
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

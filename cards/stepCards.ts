/**
 * The cards of the new-claim waterfall, one render function each. A model holds
 * what the step shows and prefills (so a resumed draft or a re-ask shows what the
 * partner typed) plus the problems to show when the step is asked again.
 */
import { ACTIVITIES_BY_AREA, productById, productsFor, SOLUTION_AREAS } from '../claims/catalog';
import type { Problem } from '../claims/errors';
import type { Claim, Contact, RevenueAssociationDetails, SolutionArea } from '../claims/model';
import { CLAIM_NAME_MAX, COMMENT_MAX, ORGANISATION_NAME_MAX, PERSON_NAME_MAX } from '../claims/validation';
import {
  activityHelp,
  activityLabel,
  formatFileSize,
  problemMessage,
  solutionAreaLabel,
  t,
  type Locale,
} from '../locales/i18n';
import { expandCard, headerData, labelsFor, problemData, type CardAttachment, type StepContext } from './cardKit';
import { areaActivityValue, idsInputId, multipleInputId } from './submissions';
import { withChecklist } from './poeChecklist';
import { withProposal } from './proposalNotice';

/** Problems from the validators (localized here) or sentences the dialog already localized. */
export type CardProblems = readonly (Problem | string)[];

/** A problem as the partner reads it. */
export const problemText = (locale: Locale, problem: Problem | string): string =>
  typeof problem === 'string' ? problem : problemMessage(locale, problem);

export interface StepModel extends StepContext {
  problems?: CardProblems;
}

const stepBase = (model: StepModel, locale: Locale) => ({
  claimId: model.claimId,
  nonce: model.nonce,
  ...headerData(model.header),
  ...problemData((model.problems ?? []).map((p) => problemText(locale, p))),
});

const STEP_LABELS = { continue: 'common.continue', cancel: 'common.cancel' } as const;

// ---------------------------------------------------------------- the start card

/** The inputs of the start card that a problem can be shown under. */
export type StartField = 'mpnId' | 'customerDomain' | 'customerTenantId' | 'areaActivity' | 'name';

const START_FIELDS: readonly StartField[] = ['mpnId', 'customerDomain', 'customerTenantId', 'areaActivity', 'name'];

/** Where a validator's field path is shown on the start card (the area and the activity are one choice). */
const START_FIELD_OF: Readonly<Partial<Record<string, StartField>>> = {
  mpnId: 'mpnId',
  customerDomain: 'customerDomain',
  customerTenantId: 'customerTenantId',
  solutionArea: 'areaActivity',
  activity: 'areaActivity',
  areaActivity: 'areaActivity',
  name: 'name',
};

/** The start card's input a validator's field path belongs to; undefined for the other cards' fields. */
export const startFieldOf = (field: string): StartField | undefined =>
  Object.hasOwn(START_FIELD_OF, field) ? START_FIELD_OF[field] : undefined;

export interface StartCardModel extends StepModel {
  /** The organisation's locations; with one there is nothing to choose and the card says which. */
  locations: readonly { mpnId: string; name: string }[];
  /** What the card shows in its inputs: the claim, what was typed last, or what a SOW proposed. */
  values: Partial<Record<StartField, string>>;
  /** What a statement of work proposed for the customer (`proposalLines`), for the partner to confirm. */
  proposal?: readonly string[];
  /** The name an empty name input gives the claim, when the solution is known; otherwise a generic hint. */
  proposedName?: string;
}

/** Radio buttons for a few locations, a drop-down beyond that. */
const EXPANDED_CHOICES_MAX = 6;

/** Solution area and activity as one choice, "Microsoft 365: Usage". */
export const solutionChoices = (locale: Locale): { value: string; title: string; help: string }[] =>
  SOLUTION_AREAS.flatMap((area) =>
    ACTIVITIES_BY_AREA[area].map((activity) => ({
      value: areaActivityValue(area, activity),
      title: t(locale, 'solution.option', {
        area: solutionAreaLabel(locale, area),
        activity: activityLabel(locale, activity),
      }),
      help: `${activityLabel(locale, activity)}: ${activityHelp(locale, activity)}`,
    })),
  );

/**
 * Partner location, customer, solution area and activity, and the claim's name on one
 * card, as Partner Center has them on one page. A problem is shown under the input it
 * is about, so a partner fixing one field keeps everything else they typed in view.
 */
export function renderStartCard(model: StartCardModel, locale: Locale): CardAttachment {
  const general: string[] = [];
  const byField: Record<StartField, string[]> = {
    mpnId: [],
    customerDomain: [],
    customerTenantId: [],
    areaActivity: [],
    name: [],
  };
  for (const problem of model.problems ?? []) {
    const field = typeof problem === 'string' ? undefined : startFieldOf(problem.field);
    const text = problemText(locale, problem);
    if (field) byField[field].push(text);
    else general.push(text);
  }
  const [only] = model.locations;
  const chooseLocation = model.locations.length !== 1 || only === undefined;
  return withProposal(
    expandCard('start', {
      claimId: model.claimId,
      nonce: model.nonce,
      ...headerData(model.header),
      ...problemData(general),
      fieldProblems: byField,
      ...Object.fromEntries(
        START_FIELDS.map((field) => [`has${FLAG_NAMES[field]}Problems`, byField[field].length > 0]),
      ),
      labels: labelsFor(locale, {
        ...STEP_LABELS,
        title: 'start.title',
        prompt: 'start.prompt',
        locationLabel: 'mpn.title',
        locationPlaceholder: 'mpn.placeholder',
        locationError: 'mpn.error',
        customerSection: 'customer.title',
        domainLabel: 'customer.domainLabel',
        domainPlaceholder: 'customer.domainPlaceholder',
        domainError: 'customer.domainError',
        tenantLabel: 'customer.tenantLabel',
        tenantPlaceholder: 'customer.tenantPlaceholder',
        tenantError: 'customer.tenantError',
        tenantHint: 'customer.tenantHint',
        solutionLabel: 'solution.label',
        solutionError: 'solution.error',
        nameLabel: 'claimName.label',
      }),
      chooseLocation,
      choiceStyle: model.locations.length <= EXPANDED_CHOICES_MAX ? 'expanded' : 'compact',
      selectedLocation: model.values.mpnId ?? '',
      locations: model.locations.map((l) => ({
        mpnId: l.mpnId,
        title: t(locale, 'mpn.option', { mpnId: l.mpnId, location: l.name }),
      })),
      // A separate run after the bold label: the location's name is the directory's text.
      onlyLocationLine: only ? ` ${t(locale, 'mpn.option', { mpnId: only.mpnId, location: only.name })}` : '',
      domain: model.values.customerDomain ?? '',
      tenantId: model.values.customerTenantId ?? '',
      solutions: solutionChoices(locale),
      selectedSolution: model.values.areaActivity ?? '',
      name: model.values.name ?? '',
      nameMaxLength: CLAIM_NAME_MAX,
      namePlaceholder: model.proposedName
        ? t(locale, 'start.namePlaceholder', { name: model.proposedName })
        : t(locale, 'start.namePlaceholderGeneric'),
    }),
    locale,
    model.proposal ?? [],
  );
}

const FLAG_NAMES: Readonly<Record<StartField, string>> = {
  mpnId: 'Mpn',
  customerDomain: 'Domain',
  customerTenantId: 'Tenant',
  areaActivity: 'Solution',
  name: 'Name',
};

// ---------------------------------------------------------------- revenue association

export interface RevenueDetailsCardModel extends StepModel {
  revenue?: Partial<RevenueAssociationDetails>;
}

export function renderRevenueDetailsCard(model: RevenueDetailsCardModel, locale: Locale): CardAttachment {
  return expandCard('revenueDetails', {
    ...stepBase(model, locale),
    labels: labelsFor(locale, {
      ...STEP_LABELS,
      title: 'revenue.title',
      prompt: 'revenue.prompt',
      sellerLabel: 'revenue.sellerLabel',
      customerNameLabel: 'revenue.customerNameLabel',
      isvLabel: 'revenue.isvLabel',
      sellerError: 'revenue.sellerError',
      customerNameError: 'revenue.customerNameError',
      isvError: 'revenue.isvError',
    }),
    maxLength: ORGANISATION_NAME_MAX,
    solutionSellerName: model.revenue?.solutionSellerName ?? '',
    customerName: model.revenue?.customerName ?? '',
    isvSolutionName: model.revenue?.isvSolutionName ?? '',
  });
}

// ---------------------------------------------------------------- products

export interface ProductsCardModel extends StepModel {
  /** What a statement of work proposed for this card (`proposalLines`), for the partner to confirm. */
  proposal?: readonly string[];
  solutionArea: SolutionArea;
  /** The products offered: the catalog filtered by the solution area, as `{ id, title }`. */
  products: readonly { id: string; title: string }[];
  selected?: readonly string[];
}

/** The catalog's products of one solution area, as the products card lists them. */
export const productChoicesFor = (area: SolutionArea): { id: string; title: string }[] =>
  productsFor(area).map((product) => ({ id: product.id, title: product.name }));

export function renderProductsCard(model: ProductsCardModel, locale: Locale): CardAttachment {
  return withProposal(
    expandCard('products', {
      ...stepBase(model, locale),
      labels: labelsFor(locale, {
        ...STEP_LABELS,
        title: 'products.title',
        prompt: 'products.prompt',
        label: 'products.label',
        placeholder: 'products.placeholder',
        error: 'products.error',
      }),
      filtered: t(locale, 'products.filtered', { area: solutionAreaLabel(locale, model.solutionArea) }),
      products: model.products.map((p) => ({ id: p.id, title: p.title })),
      // Input.ChoiceSet's multi-select value is one comma-separated string.
      selected: (model.selected ?? []).join(','),
      notes: [t(locale, model.solutionArea === 'microsoft365' ? 'products.reassociateNote' : 'products.legacyNote')],
    }),
    locale,
    model.proposal ?? [],
  );
}

// ---------------------------------------------------------------- subscriptions

export interface SubscriptionsCardModel extends StepModel {
  /** The chosen Dynamics 365 products, with what the partner said so far. */
  products: readonly { id: string; title: string; multiple: boolean; subscriptionIds: readonly string[] }[];
}

/** The claim's Dynamics 365 products with what it already says about their subscriptions; empty when none is chosen. */
export function subscriptionProductsOf(
  claim: Pick<Claim, 'productIds' | 'subscriptions'>,
): SubscriptionsCardModel['products'] {
  return claim.productIds.flatMap((id) => {
    const product = productById(id);
    if (!product?.dynamics365) return [];
    const known = claim.subscriptions.find((s) => s.productId === id);
    return [
      { id, title: product.name, multiple: known?.multiple ?? false, subscriptionIds: known?.subscriptionIds ?? [] },
    ];
  });
}

export function renderSubscriptionsCard(model: SubscriptionsCardModel, locale: Locale): CardAttachment {
  return expandCard('subscriptions', {
    ...stepBase(model, locale),
    labels: labelsFor(locale, {
      ...STEP_LABELS,
      title: 'subscriptions.title',
      prompt: 'subscriptions.prompt',
      idsPlaceholder: 'subscriptions.idsPlaceholder',
    }),
    productIds: model.products.map((p) => p.id).join(','),
    products: model.products.map((p) => ({
      multipleInputId: multipleInputId(p.id),
      idsInputId: idsInputId(p.id),
      question: t(locale, 'subscriptions.multipleQuestion', { product: p.title }),
      idsLabel: t(locale, 'subscriptions.idsLabel', { product: p.title }),
      multiple: p.multiple ? 'true' : 'false',
      subscriptionIds: p.subscriptionIds.join('\n'),
    })),
  });
}

// ---------------------------------------------------------------- contacts

export interface ContactsCardModel extends StepModel {
  /** What a statement of work proposed for this card (`proposalLines`), for the partner to confirm. */
  proposal?: readonly string[];
  /** A Dynamics 365 product is claimed, so the customer's technical contact is asked too. */
  needsTechnicalContact: boolean;
  customer?: Partial<Contact>;
  technical?: Partial<Contact>;
  /** Prefilled from the partner's Teams profile. */
  partner?: Partial<Contact>;
}

const contactData = (contact: Partial<Contact> | undefined) => ({
  name: contact?.name ?? '',
  title: contact?.title ?? '',
  email: contact?.email ?? '',
});

export function renderContactsCard(model: ContactsCardModel, locale: Locale): CardAttachment {
  return withProposal(
    expandCard('contacts', {
      ...stepBase(model, locale),
      labels: labelsFor(locale, {
        ...STEP_LABELS,
        title: 'contacts.title',
        prompt: 'contacts.prompt',
        customerSection: 'contacts.customerSection',
        technicalSection: 'contacts.technicalSection',
        technicalNote: 'contacts.technicalNote',
        partnerSection: 'contacts.partnerSection',
        name: 'contacts.name',
        jobTitle: 'contacts.jobTitle',
        email: 'contacts.email',
        emailPlaceholder: 'contacts.emailPlaceholder',
        nameError: 'contacts.nameError',
        jobTitleError: 'contacts.jobTitleError',
        emailError: 'contacts.emailError',
      }),
      maxLength: PERSON_NAME_MAX,
      needsTechnicalContact: model.needsTechnicalContact,
      customer: contactData(model.customer),
      technical: contactData(model.technical),
      partner: contactData(model.partner),
    }),
    locale,
    model.proposal ?? [],
  );
}

// ---------------------------------------------------------------- proof of execution

export interface PoeCardModel extends StepModel {
  files: readonly { id?: string; fileName: string; sizeBytes: number }[];
  /** Files whose check is still running: shown as "checking…" until the card is updated with the result. */
  checkingIds?: readonly string[];
  maxSizeBytes: number;
  /** The signed, short-lived link to the filled-in PoE template, offered from the start. */
  templateUrl?: string;
  /** Local mode only: offer a generated sample PoE (the Agents Playground cannot upload files). */
  offerSample?: boolean;
  /** The checklist of the files read so far (`fileChecklists`), shown after the files. */
  checklist?: readonly unknown[];
}

/**
 * At most three actions: Continue (the primary one only once a file is attached),
 * the template link, Cancel. The local demo's sample sits by its note instead.
 */
export function renderPoeCard(model: PoeCardModel, locale: Locale): CardAttachment {
  const hasFiles = model.files.length > 0;
  const checking = new Set(model.checkingIds ?? []);
  return withChecklist(
    expandCard('poe', {
      ...stepBase(model, locale),
      labels: labelsFor(locale, {
        cancel: 'common.cancel',
        title: 'poe.title',
        intro: 'poe.intro',
        howToAttach: 'poe.howToAttach',
        filesTitle: 'poe.filesTitle',
        noneYet: 'poe.noneYet',
        downloadTemplate: 'poe.downloadTemplate',
        sampleAttach: 'poe.sampleAttach',
        sampleNote: 'poe.sampleNote',
      }),
      accepted: t(locale, 'poe.accepted', { maxSize: formatFileSize(locale, model.maxSizeBytes) }),
      files: model.files.map((f) =>
        t(locale, f.id !== undefined && checking.has(f.id) ? 'poe.fileChecking' : 'summary.poeFile', {
          fileName: f.fileName,
          size: formatFileSize(locale, f.sizeBytes),
        }),
      ),
      hasFiles,
      continueTitle: t(locale, hasFiles ? 'poe.continue' : 'poe.continueWithout'),
      continueStyle: hasFiles ? 'positive' : 'default',
      templateUrl: model.templateUrl ?? '',
      hasTemplateUrl: model.templateUrl !== undefined,
      offerSample: model.offerSample === true,
    }),
    model.checklist ?? [],
  );
}

// ---------------------------------------------------------------- comments

export interface CommentsCardModel extends StepModel {
  comment?: string;
}

export function renderCommentsCard(model: CommentsCardModel, locale: Locale): CardAttachment {
  return expandCard('comments', {
    ...stepBase(model, locale),
    labels: labelsFor(locale, {
      cancel: 'common.cancel',
      title: 'comments.title',
      prompt: 'comments.prompt',
      label: 'comments.label',
      placeholder: 'comments.placeholder',
      save: 'comments.save',
      skip: 'comments.skip',
    }),
    maxLength: COMMENT_MAX,
    comment: model.comment ?? '',
  });
}

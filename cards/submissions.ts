/**
 * Reading what a card sent back. Teams delivers a submit as one flat object (the
 * action's data with the inputs merged over it), every value a string the client
 * could have forged, so each reader takes `unknown` values and returns typed fields,
 * turning anything missing or of the wrong type into ''. Judging the values is the
 * validators' job (claims/validation.ts), not this module's.
 */
import { isActivityAllowed, isSolutionArea } from '../claims/catalog';
import type { Activity, Contact, ProductSubscriptions, RevenueAssociationDetails, SolutionArea } from '../claims/model';
import { isSummarySection, type SummarySection } from './verbs';

export type SubmittedValues = Readonly<Record<string, unknown>>;

const text = (values: SubmittedValues, key: string): string => {
  const value = values[key];
  return typeof value === 'string' ? value : '';
};

/** Splits a list typed or sent as one string: commas, semicolons, line breaks, spaces (any width). */
const listOf = (value: string): string[] => value.split(/[\s,;、，；]+/u).filter((item) => item !== '');

export const multipleInputId = (productId: string): string => `multiple_${productId}`;
export const idsInputId = (productId: string): string => `ids_${productId}`;

/** The solution card sends area and activity as one choice value. */
export const areaActivityValue = (area: SolutionArea, activity: Activity): string => `${area}/${activity}`;

export function readAreaActivity(
  values: SubmittedValues,
): { solutionArea: SolutionArea; activity: Activity } | undefined {
  const [area = '', activity = ''] = text(values, 'areaActivity').split('/');
  if (!isSolutionArea(area)) return undefined;
  const candidate = activity as Activity;
  return isActivityAllowed(area, candidate) ? { solutionArea: area, activity: candidate } : undefined;
}

export const readMpnChoice = (values: SubmittedValues): { mpnId: string } => ({ mpnId: text(values, 'mpnId') });

export const readCustomer = (values: SubmittedValues): { customerDomain: string; customerTenantId: string } => ({
  customerDomain: text(values, 'customerDomain'),
  customerTenantId: text(values, 'customerTenantId'),
});

export const readRevenue = (values: SubmittedValues): RevenueAssociationDetails => ({
  solutionSellerName: text(values, 'solutionSellerName'),
  customerName: text(values, 'customerName'),
  isvSolutionName: text(values, 'isvSolutionName'),
});

export const readClaimName = (values: SubmittedValues): { name: string } => ({ name: text(values, 'name') });

/** Multi-select values arrive as one comma-separated string; duplicates are kept for the validator to report. */
export const readProducts = (values: SubmittedValues): { productIds: string[] } => ({
  productIds: text(values, 'productIds')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== ''),
});

/** One entry per product the card asked about (the action data lists them). */
export function readSubscriptions(values: SubmittedValues): ProductSubscriptions[] {
  return listOf(text(values, 'productIds')).map((productId) => ({
    productId,
    multiple: text(values, multipleInputId(productId)) === 'true',
    subscriptionIds: listOf(text(values, idsInputId(productId))),
  }));
}

export interface SubmittedContacts {
  customerContact: Contact;
  /** Present only when the card asked for it. */
  technicalContact?: Contact;
  partnerContact: Contact;
}

export function readContacts(values: SubmittedValues, needsTechnicalContact: boolean): SubmittedContacts {
  const contact = (prefix: string): Contact => ({
    name: text(values, `${prefix}Name`),
    title: text(values, `${prefix}Title`),
    email: text(values, `${prefix}Email`),
  });
  const partner: Contact = { name: text(values, 'partnerName'), email: text(values, 'partnerEmail') };
  return needsTechnicalContact
    ? { customerContact: contact('customer'), technicalContact: contact('technical'), partnerContact: partner }
    : { customerContact: contact('customer'), partnerContact: partner };
}

export const readComment = (values: SubmittedValues): { comment: string } => ({ comment: text(values, 'comment') });

/** The free text of the dispute (`justification`) and disassociation (`reason`) forms. */
export const readReason = (values: SubmittedValues, field: 'justification' | 'reason'): string => text(values, field);

export function readEditSection(values: SubmittedValues): SummarySection | undefined {
  const section = text(values, 'section');
  return isSummarySection(section) ? section : undefined;
}

/** The claims list's paging buttons: an empty token means the first page. */
export function readClaimsPage(values: SubmittedValues): { continuationToken?: string; page: number } {
  const token = text(values, 'continuationToken');
  const page = typeof values.page === 'number' ? values.page : Number.parseInt(text(values, 'page'), 10);
  const safePage = Number.isInteger(page) && page >= 1 ? page : 1;
  return token === '' ? { page: safePage } : { continuationToken: token, page: safePage };
}

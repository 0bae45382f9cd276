/**
 * Validation of claim fields and whole claims. Every check returns problems as
 * values (never throws) so the dialogs can show all of them at once, localized.
 * User text is data: it is measured and matched, never evaluated or templated.
 *
 * Decisions:
 * - GUIDs (tenant, subscription) are 8-4-4-4-12 hex in any case, optionally in
 *   braces (as PowerShell and the registry print them); the all-zero GUID is refused
 *   because no tenant or subscription has it. 32 hex digits without hyphens are
 *   refused: every portal shows the hyphenated form, so that is what we ask for.
 * - Input is NFKC-normalised first, so full-width digits typed on a Korean or
 *   Japanese keyboard count as digits.
 * - Lengths count Unicode code points, so an emoji is one character, not two.
 */
import { domainToASCII } from 'node:url';
import { ACTIVITIES_BY_AREA, isActivityAllowed, isSolutionArea, productById } from './catalog';
import { fail, ok, type Problem, type Result } from './errors';
import type { Claim, Contact, PartnerOrganisation, ProductSubscriptions, RevenueAssociationDetails } from './model';

export const CLAIM_NAME_MAX = 100;
export const PERSON_NAME_MAX = 100;
export const TITLE_MAX = 100;
/** Solution seller, customer and ISV solution names (revenue association). */
export const ORGANISATION_NAME_MAX = 100;
export const COMMENT_MAX = 2000;
/** A customer's reason for opting out: a sentence or two, typed on the consent page or card (and small enough for its form). */
export const OPT_OUT_REASON_MAX = 500;
export const EMAIL_MAX = 254;
export const DOMAIN_MAX = 253;
export const DOMAIN_LABEL_MAX = 63;
export const MPN_ID_MIN_DIGITS = 6;
export const MPN_ID_MAX_DIGITS = 10;

const problem = (code: string, field: string, params?: Problem['params']): Problem =>
  params ? { code, field, params } : { code, field };

const prepare = (value: string): string => value.normalize('NFKC').trim();

const codePointLength = (value: string): number => [...value].length;

// ---------------------------------------------------------------- text

export interface TextRules {
  max: number;
  /** Comments may span lines; names and titles may not. */
  multiline?: boolean;
  /** Absent or blank is a problem (`required`). Default true. */
  required?: boolean;
}

// C0/C1 controls, and the bidi overrides that can make a name display as something else.
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** Trimmed non-empty (when required), at most `max` code points, no control characters. */
export function validateText(value: string | undefined, field: string, rules: TextRules): Problem | undefined {
  const text = (value ?? '').trim();
  if (text === '') return rules.required === false ? undefined : problem('required', field);
  const length = codePointLength(text);
  if (length > rules.max) return problem('tooLong', field, { max: rules.max, length });
  const forbidden = rules.multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN;
  if (forbidden.test(text)) return problem('invalidCharacters', field);
  return undefined;
}

export const validateClaimName = (value: string | undefined, field = 'name'): Problem | undefined =>
  validateText(value, field, { max: CLAIM_NAME_MAX });

export const validateComment = (value: string | undefined, field = 'comment'): Problem | undefined =>
  validateText(value, field, { max: COMMENT_MAX, multiline: true });

// ---------------------------------------------------------------- GUIDs

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_GUID = '00000000-0000-0000-0000-000000000000';

/** The canonical (lower-case, unbraced) form of a GUID, or undefined when it is not one we accept. */
export function normalizeGuid(value: string): string | undefined {
  const input = prepare(value);
  const braced = input.startsWith('{') && input.endsWith('}');
  const guid = (braced ? input.slice(1, -1) : input).toLowerCase();
  return GUID.test(guid) && guid !== NIL_GUID ? guid : undefined;
}

function validateGuid(value: string | undefined, field: string, invalidCode: string): Problem | undefined {
  if (value === undefined || value.trim() === '') return problem('required', field);
  return normalizeGuid(value) ? undefined : problem(invalidCode, field);
}

/** Whether a typed tenant ID names this tenant (a stored id, not always a well-formed GUID, as in the demo seed). */
export const sameTenant = (typed: string, tenantId: string): boolean => {
  const guid = normalizeGuid(typed);
  return guid !== undefined && guid === (normalizeGuid(tenantId) ?? tenantId.trim().toLowerCase());
};

export const validateTenantId = (value: string | undefined, field = 'customerTenantId'): Problem | undefined =>
  validateGuid(value, field, 'tenantIdInvalid');

export const validateSubscriptionId = (value: string | undefined, field = 'subscriptionId'): Problem | undefined =>
  validateGuid(value, field, 'subscriptionIdInvalid');

// ---------------------------------------------------------------- MPN ID

const MPN_ID = new RegExp(`^[0-9]{${MPN_ID_MIN_DIGITS},${MPN_ID_MAX_DIGITS}}$`);

/** MPN IDs (Partner Center location ids) are 6 to 10 digits. */
export function validateMpnId(value: string | undefined, field = 'mpnId'): Problem | undefined {
  if (value === undefined || value.trim() === '') return problem('required', field);
  return MPN_ID.test(prepare(value)) ? undefined : problem('mpnIdInvalid', field);
}

export const normalizeMpnId = (value: string): string => prepare(value);

// ---------------------------------------------------------------- domains

// Letters, marks, digits, hyphens and the dots IDNA maps to '.'; anything else (spaces,
// '/', '@', ':', emoji, zero-width characters) means it is not a host name.
const DOMAIN_INPUT = /^[\p{L}\p{M}\p{N}\-.\u3002\uff0e\uff61]+$/u;
const ASCII_LABEL = /^[a-z0-9-]+$/;

function checkDomain(value: string | undefined, field: string): Result<string, Problem> {
  const no = (code: string, params?: Problem['params']) => fail(problem(code, field, params));
  const input = (value ?? '').trim();
  if (input === '') return no('required');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) return no('domainInvalid', { hint: 'url' });
  if (input.includes('@')) return no('domainInvalid', { hint: 'email' });
  if (!DOMAIN_INPUT.test(input)) return no('domainInvalid');
  // One trailing dot is the absolute form of the same name.
  const ascii = domainToASCII(input.normalize('NFKC')).replace(/\.$/, '');
  if (ascii === '') return no('domainInvalid');
  if (ascii.length > DOMAIN_MAX) return no('domainTooLong', { max: DOMAIN_MAX });
  const labels = ascii.split('.');
  if (labels.length < 2) return no('domainNotQualified');
  for (const label of labels) {
    if (label.length > DOMAIN_LABEL_MAX) return no('domainTooLong', { max: DOMAIN_LABEL_MAX });
    if (!ASCII_LABEL.test(label) || label.startsWith('-') || label.endsWith('-')) return no('domainInvalid');
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return no('domainInvalid');
  return ok(ascii);
}

const problemOf = (result: Result<string, Problem>): Problem | undefined => (result.ok ? undefined : result.error);
const valueOf = (result: Result<string, Problem>): string | undefined => (result.ok ? result.value : undefined);

export const validateDomain = (value: string | undefined, field = 'customerDomain'): Problem | undefined =>
  problemOf(checkDomain(value, field));

/** The lower-case ASCII (punycode) form we store and compare, or undefined when invalid. */
export const normalizeDomain = (value: string): string | undefined => valueOf(checkDomain(value, 'domain'));

// ---------------------------------------------------------------- email

// RFC 5321 dot-atom local part, ASCII only: quoted local parts and SMTPUTF8 mailboxes
// are legal but rare enough that refusing them catches far more typos than it costs.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

function checkEmail(value: string | undefined, field: string): Result<string, Problem> {
  const input = (value ?? '').trim();
  if (input === '') return fail(problem('required', field));
  const invalid = fail(problem('emailInvalid', field));
  const at = input.lastIndexOf('@');
  if (at <= 0) return invalid;
  const local = input.slice(0, at);
  if (local.length > 64 || !LOCAL_PART.test(local)) return invalid;
  const domain = normalizeDomain(input.slice(at + 1));
  if (!domain) return invalid;
  const address = `${local}@${domain}`;
  if (address.length > EMAIL_MAX) return fail(problem('tooLong', field, { max: EMAIL_MAX, length: address.length }));
  return ok(address);
}

export const validateEmail = (value: string | undefined, field = 'email'): Problem | undefined =>
  problemOf(checkEmail(value, field));

/** The address with its domain in lower-case ASCII form, or undefined when invalid. */
export const normalizeEmail = (value: string): string | undefined => valueOf(checkEmail(value, 'email'));

// ---------------------------------------------------------------- composite parts

const defined = (items: (Problem | undefined)[]): Problem[] => items.filter((p): p is Problem => p !== undefined);

/** A contact; `titleRequired` is true for customer and technical contacts (the partner's own contact needs none). */
export function validateContact(contact: Contact | undefined, field: string, titleRequired: boolean): Problem[] {
  if (!contact) return [problem('required', field)];
  return defined([
    validateText(contact.name, `${field}.name`, { max: PERSON_NAME_MAX }),
    validateText(contact.title, `${field}.title`, { max: TITLE_MAX, required: titleRequired }),
    validateEmail(contact.email, `${field}.email`),
  ]);
}

export function validateRevenue(revenue: RevenueAssociationDetails | undefined): Problem[] {
  const rules = { max: ORGANISATION_NAME_MAX };
  return defined([
    validateText(revenue?.solutionSellerName, 'revenue.solutionSellerName', rules),
    validateText(revenue?.customerName, 'revenue.customerName', rules),
    validateText(revenue?.isvSolutionName, 'revenue.isvSolutionName', rules),
  ]);
}

// ---------------------------------------------------------------- claim sections

/** The parts of a claim in the order the conversation collects them. */
export const CLAIM_SECTIONS = [
  'customer',
  'areaActivity',
  'details',
  'products',
  'contacts',
  'subscriptions',
  'poe',
] as const;
export type ClaimSection = (typeof CLAIM_SECTIONS)[number];

const needsDynamicsRules = (claim: Pick<Claim, 'productIds'>): boolean =>
  claim.productIds.some((id) => productById(id)?.dynamics365 === true);

function validateCustomerSection(claim: Claim, org?: PartnerOrganisation): Problem[] {
  const problems = defined([
    validateMpnId(claim.mpnId),
    validateDomain(claim.customerDomain),
    validateTenantId(claim.customerTenantId),
  ]);
  const mpnWellFormed = !problems.some((p) => p.field === 'mpnId');
  if (org && mpnWellFormed && !org.locations.some((l) => l.mpnId === normalizeMpnId(claim.mpnId))) {
    problems.push(problem('mpnIdUnknown', 'mpnId'));
  }
  // A partner is never its own customer: its own people would then approve the consent (RULES.md, rule 8).
  if (org && sameTenant(claim.customerTenantId, org.id))
    problems.push(problem('customerIsPartner', 'customerTenantId'));
  return problems;
}

function validateAreaActivitySection(claim: Claim): Problem[] {
  if (claim.solutionArea === undefined) return [problem('required', 'solutionArea')];
  if (!isSolutionArea(claim.solutionArea)) return [problem('solutionAreaInvalid', 'solutionArea')];
  if (claim.activity === undefined) return [problem('required', 'activity')];
  if (!isActivityAllowed(claim.solutionArea, claim.activity)) {
    return [
      problem('activityNotAllowed', 'activity', {
        solutionArea: claim.solutionArea,
        allowed: ACTIVITIES_BY_AREA[claim.solutionArea].join(','),
      }),
    ];
  }
  return [];
}

function validateDetailsSection(claim: Claim): Problem[] {
  const problems = defined([validateClaimName(claim.name)]);
  // Under any other area the activity itself is the problem; its fields would be noise.
  if (claim.solutionArea === 'businessApplications' && claim.activity === 'revenueAssociation') {
    problems.push(...validateRevenue(claim.revenue));
  }
  return problems;
}

function validateProductsSection(claim: Claim): Problem[] {
  if (claim.productIds.length === 0) return [problem('productsRequired', 'productIds')];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const productId of claim.productIds) {
    const product = productById(productId);
    if (seen.has(productId)) problems.push(problem('productDuplicate', 'productIds', { productId }));
    seen.add(productId);
    if (!product) problems.push(problem('productUnknown', 'productIds', { productId }));
    else if (claim.solutionArea && product.solutionArea !== claim.solutionArea) {
      problems.push(problem('productNotInArea', 'productIds', { productId, solutionArea: claim.solutionArea }));
    }
  }
  return problems;
}

function validateContactsSection(claim: Claim): Problem[] {
  const problems = [
    ...validateContact(claim.customerContact, 'customerContact', true),
    ...validateContact(claim.partnerContact, 'partnerContact', false),
  ];
  if (needsDynamicsRules(claim)) {
    problems.push(
      ...(claim.technicalContact
        ? validateContact(claim.technicalContact, 'technicalContact', true)
        : [problem('technicalContactRequired', 'technicalContact')]),
    );
  } else if (claim.technicalContact) {
    // Optional outside Dynamics 365, but what is given must still be right.
    problems.push(...validateContact(claim.technicalContact, 'technicalContact', false));
  }
  return problems;
}

function validateProductSubscriptions(entry: ProductSubscriptions, seen: Set<string>): Problem[] {
  const field = `subscriptions.${entry.productId}`;
  const product = productById(entry.productId);
  if (entry.multiple && product?.dynamics365 && entry.subscriptionIds.length === 0) {
    return [problem('subscriptionIdsRequired', field, { productId: entry.productId })];
  }
  const problems: Problem[] = [];
  entry.subscriptionIds.forEach((id, index) => {
    const invalid = validateSubscriptionId(id, field);
    if (invalid) {
      problems.push({ ...invalid, params: { productId: entry.productId, index } });
      return;
    }
    const canonical = normalizeGuid(id) ?? id;
    if (seen.has(canonical))
      problems.push(problem('subscriptionIdDuplicate', field, { productId: entry.productId, index }));
    seen.add(canonical);
  });
  return problems;
}

/** Only entries for claimed products count: a stale entry for a removed product is ignored. */
function validateSubscriptionsSection(claim: Claim): Problem[] {
  const seen = new Set<string>();
  return claim.subscriptions
    .filter((entry) => claim.productIds.includes(entry.productId))
    .flatMap((entry) => validateProductSubscriptions(entry, seen));
}

const SECTION_VALIDATORS: Record<ClaimSection, (claim: Claim, org?: PartnerOrganisation) => Problem[]> = {
  customer: validateCustomerSection,
  areaActivity: validateAreaActivitySection,
  details: validateDetailsSection,
  products: validateProductsSection,
  contacts: validateContactsSection,
  subscriptions: validateSubscriptionsSection,
  poe: (claim) => (claim.poe.length === 0 ? [problem('poeRequired', 'poe')] : []),
};

/** One step's fields, for re-asking just that step. `org` enables the MPN-location check. */
export function validateSection(claim: Claim, section: ClaimSection, org?: PartnerOrganisation): Problem[] {
  return SECTION_VALIDATORS[section](claim, org);
}

/** Everything a claim needs before it may be submitted, all problems at once. */
export function validateClaimForSubmission(claim: Claim, org?: PartnerOrganisation): Problem[] {
  return CLAIM_SECTIONS.flatMap((section) => validateSection(claim, section, org));
}

/**
 * Reads the legacy associations file for `npm run import-legacy`: a JSON array of
 * objects, or CSV with a header row, both with these fields:
 *
 *   partnerId              the partner organisation's tenant id (GUID)            required
 *   customerTenantId       the customer's directory (tenant) id (GUID)            required
 *   customerDomain         the customer's domain, shown in the partner's notice   optional
 *   productId              a catalog id ("dynamics365Sales") or name ("Power BI") required
 *   subscriptionId         the customer's subscription (GUID)                     Dynamics 365 / Power BI only
 *   subscriptionExpiresAt  when that subscription ends: an ISO instant, or a date
 *                          (the subscription then runs to the end of that UTC day) required for Dynamics 365 / Power BI
 *
 * Every problem is reported at once, with the line of the record it concerns, so an
 * operator fixes the file in one go; nothing is imported from a file with problems.
 */
import { productById, PRODUCTS } from '../claims/catalog';
import { CsvSyntaxError, parseCsv } from '../claims/csv';
import { legacyRuleFor } from '../claims/associations';
import type { LegacyAssociation } from '../claims/legacyAssociations';
import { normalizeDomain, normalizeGuid } from '../claims/validation';
import { locateJson } from './jsonLines';

export interface LegacyRecord {
  /** The line of the file the record starts on. */
  line: number;
  association: LegacyAssociation;
}

export class LegacyFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} cannot be imported:\n  - ${problems.join('\n  - ')}`);
    this.name = 'LegacyFileError';
  }
}

const FIELDS = [
  'partnerId',
  'customerTenantId',
  'customerDomain',
  'productId',
  'subscriptionId',
  'subscriptionExpiresAt',
] as const;
type Field = (typeof FIELDS)[number];
const REQUIRED: readonly Field[] = ['partnerId', 'customerTenantId', 'productId'];
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

type RawRecord = { line: number; values: Partial<Record<Field, string>> };

/** Parses and validates the file's text; throws LegacyFileError listing every problem. */
export function parseLegacyFile(text: string, source: string): LegacyRecord[] {
  const problems: string[] = [];
  const raw = source.toLowerCase().endsWith('.csv') ? readCsv(text, problems) : readJson(text, problems);
  if (problems.length === 0 && raw.length === 0) problems.push('the file holds no associations');
  const records = raw.flatMap((record) => {
    const association = validate(record, problems);
    return association ? [{ line: record.line, association }] : [];
  });
  reportDuplicates(records, problems);
  if (problems.length > 0) throw new LegacyFileError(source, problems);
  return records;
}

function readCsv(text: string, problems: string[]): RawRecord[] {
  let rows;
  try {
    rows = parseCsv(text);
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    problems.push(e.message);
    return [];
  }
  const [header, ...body] = rows;
  if (!header) return [];
  const columns = header.cells.map((cell) => FIELDS.find((field) => field.toLowerCase() === cell.trim().toLowerCase()));
  header.cells.forEach((cell, i) => {
    if (columns[i] === undefined)
      problems.push(`line ${header.line}: unknown column "${cell}" (expected ${FIELDS.join(', ')})`);
  });
  for (const field of REQUIRED)
    if (!columns.includes(field)) problems.push(`line ${header.line}: the column ${field} is missing`);
  return body.map(({ line, cells }) => {
    if (cells.length !== header.cells.length)
      problems.push(`line ${line}: ${cells.length} fields where the header has ${header.cells.length}`);
    const values: RawRecord['values'] = {};
    cells.forEach((cell, i) => {
      const field = columns[i];
      if (field && cell.trim() !== '') values[field] = cell.trim();
    });
    return { line, values };
  });
}

function readJson(text: string, problems: string[]): RawRecord[] {
  const located = locateJson(text);
  if (!located.ok) {
    problems.push(`line ${located.line}: not valid JSON (${located.detail})`);
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    // What the scan lets through and JSON.parse refuses: control characters or bad escapes in a string.
    problems.push(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    return [];
  }
  if (!Array.isArray(json)) {
    problems.push('line 1: expected a JSON array of associations');
    return [];
  }
  return json.map((item: unknown, i) => {
    const line = located.elementLines[i] ?? 1;
    const values: RawRecord['values'] = {};
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`line ${line}: each association must be an object`);
      return { line, values };
    }
    for (const [key, value] of Object.entries(item)) {
      const field = FIELDS.find((f) => f === key);
      if (!field) problems.push(`line ${line}: unknown field "${key}"`);
      else if (typeof value !== 'string') problems.push(`line ${line}: ${key} must be a string`);
      else if (value.trim() !== '') values[field] = value.trim();
    }
    return { line, values };
  });
}

function productIdOf(value: string): string | undefined {
  if (productById(value)) return value;
  const wanted = value.toLowerCase();
  return PRODUCTS.find((product) => product.id.toLowerCase() === wanted || product.name.toLowerCase() === wanted)?.id;
}

/** A date means the subscription runs through that whole (UTC) day. */
function expiryOf(value: string): string | undefined {
  if (DATE_ONLY.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== value
      ? undefined
      : new Date(start + 86_400_000).toISOString();
  }
  return INSTANT.test(value) && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;
}

function validate({ line, values }: RawRecord, problems: string[]): LegacyAssociation | undefined {
  const before = problems.length;
  const say = (detail: string): void => void problems.push(`line ${line}: ${detail}`);
  for (const field of REQUIRED) if (values[field] === undefined) say(`${field} is required`);
  const guid = (field: 'partnerId' | 'customerTenantId' | 'subscriptionId'): string | undefined => {
    const value = values[field];
    if (value === undefined) return undefined;
    const normalized = normalizeGuid(value);
    if (!normalized) say(`${field} "${value}" is not a GUID`);
    return normalized;
  };
  const partnerId = guid('partnerId');
  const customerTenantId = guid('customerTenantId');
  const subscriptionId = guid('subscriptionId');
  const customerDomain = values.customerDomain === undefined ? undefined : normalizeDomain(values.customerDomain);
  if (values.customerDomain !== undefined && !customerDomain)
    say(`customerDomain "${values.customerDomain}" is not a domain name`);
  const productId = values.productId === undefined ? undefined : productIdOf(values.productId);
  if (values.productId !== undefined && !productId)
    say(`productId "${values.productId}" is not a product of the catalog`);
  const expiresAt = values.subscriptionExpiresAt === undefined ? undefined : expiryOf(values.subscriptionExpiresAt);
  if (values.subscriptionExpiresAt !== undefined && !expiresAt)
    say(`subscriptionExpiresAt "${values.subscriptionExpiresAt}" is neither a date (YYYY-MM-DD) nor an ISO instant`);
  if (productId) {
    const heldUntilExpiry = legacyRuleFor(productId) === 'validUntilSubscriptionExpires';
    if (heldUntilExpiry && values.subscriptionExpiresAt === undefined)
      say(
        `subscriptionExpiresAt is required for ${productById(productId)?.name ?? productId} (held until the subscription expires)`,
      );
    if (!heldUntilExpiry && (values.subscriptionId !== undefined || values.subscriptionExpiresAt !== undefined)) {
      say(
        `${productById(productId)?.name ?? productId} must be re-associated: leave subscriptionId and subscriptionExpiresAt empty`,
      );
    }
  }
  if (problems.length > before || !partnerId || !customerTenantId || !productId) return undefined;
  return {
    partnerId,
    customerTenantId,
    productId,
    ...(customerDomain ? { customerDomain } : {}),
    ...(subscriptionId ? { subscriptionId } : {}),
    ...(expiresAt ? { subscriptionExpiresAt: expiresAt } : {}),
  };
}

/** The same association twice is a mistake in the file (which expiry would be right?). */
function reportDuplicates(records: readonly LegacyRecord[], problems: string[]): void {
  const seen = new Map<string, number>();
  for (const { line, association: a } of records) {
    const identity = [a.partnerId, a.customerTenantId, a.productId, a.subscriptionId ?? ''].join('|');
    const first = seen.get(identity);
    if (first === undefined) seen.set(identity, line);
    else problems.push(`line ${line}: the same association as line ${first}`);
  }
}

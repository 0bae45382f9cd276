/**
 * The claims list as a CSV file for Excel: localized headers and words (statuses,
 * areas, reasons), dates in the reader's time zone written the way spreadsheets parse
 * them ("2026-03-02 09:00"), UTF-8 with a byte-order mark so Excel reads Korean and
 * Japanese correctly, and every cell spreadsheet-safe (claims/csv.ts).
 */
import { toCsv, UTF8_BOM } from '../claims/csv';
import type { Claim } from '../claims/model';
import {
  activityLabel,
  productName,
  rejectionReasonText,
  solutionAreaLabel,
  statusLabel,
  t,
  type Locale,
  type MessageKey,
} from '../locales/i18n';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export interface ClaimsCsvOptions {
  locale: Locale;
  /** The zone dates are written in; named in the date columns' headers. */
  timeZone: string;
}

interface Column {
  header: MessageKey;
  isDate?: boolean;
  value: (claim: Claim, locale: Locale) => string | undefined;
}

const COLUMNS: readonly Column[] = [
  { header: 'csv.id', value: (c) => c.id },
  { header: 'csv.name', value: (c) => c.name },
  { header: 'csv.status', value: (c, locale) => statusLabel(locale, c.status) },
  {
    header: 'csv.solutionArea',
    value: (c, locale) => (c.solutionArea ? solutionAreaLabel(locale, c.solutionArea) : undefined),
  },
  { header: 'csv.activity', value: (c, locale) => (c.activity ? activityLabel(locale, c.activity) : undefined) },
  { header: 'csv.customerDomain', value: (c) => c.customerDomain },
  { header: 'csv.customerTenantId', value: (c) => c.customerTenantId },
  { header: 'csv.mpnId', value: (c) => c.mpnId },
  { header: 'csv.products', value: (c) => c.productIds.map(productName).join('; ') },
  { header: 'csv.createdAt', isDate: true, value: (c) => c.createdAt },
  { header: 'csv.submittedAt', isDate: true, value: (c) => c.submittedAt },
  { header: 'csv.updatedAt', isDate: true, value: (c) => c.updatedAt },
  {
    header: 'csv.windowClosesAt',
    isDate: true,
    value: (c) => (c.status === 'approvedCustomerNotified' ? c.windowClosesAt : undefined),
  },
  {
    header: 'csv.answerDueAt',
    isDate: true,
    value: (c) => (c.status === 'partnerActionRequired' ? c.infoRequest?.deadlineAt : undefined),
  },
  {
    header: 'csv.rejectionReason',
    value: (c, locale) => (c.rejection ? rejectionReasonText(locale, c.rejection.reason) : undefined),
  },
];

/** "YYYY-MM-DD HH:mm" in `timeZone`: unambiguous, sortable, and parsed as a date by spreadsheets. */
export function spreadsheetDateTime(iso: string, timeZone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  for (const part of format.formatToParts(new Date(iso))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The header row and one row per claim, in the order given. */
export function claimsCsvRows(claims: Iterable<Claim>, options: ClaimsCsvOptions): string[][] {
  const { locale, timeZone } = options;
  const header = COLUMNS.map((column) => {
    const name = t(locale, column.header);
    return column.isDate ? t(locale, 'csv.dateColumn', { column: name, timeZone }) : name;
  });
  const rows = [header];
  for (const claim of claims) {
    rows.push(
      COLUMNS.map((column) => {
        const value = column.value(claim, locale) ?? '';
        return column.isDate && value !== '' ? spreadsheetDateTime(value, timeZone) : value;
      }),
    );
  }
  return rows;
}

/** The file's bytes: BOM, then CRLF-terminated rows. */
export function claimsCsv(claims: Iterable<Claim>, options: ClaimsCsvOptions): Buffer {
  return Buffer.from(UTF8_BOM + toCsv(claimsCsvRows(claims, options)), 'utf8');
}

/**
 * Dates, sizes, lists and countdowns in the user's language, through Intl so the
 * order and punctuation are the locale's own (2025년 3월 5일, 2025年3月5日).
 */
import { readWindowLength } from '../claims/calendar';
import type { Locale } from './catalogs';
import { t } from './translator';

type DateInput = Date | string;

function toDate(value: DateInput): Date {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a date: ${String(value)}`);
  return date;
}

/**
 * Teams reports the user's IANA zone (`localTimezone`), but a client may send
 * something Intl does not know; UTC then beats failing the whole reply.
 */
function safeTimeZone(timeZone: string | undefined): string {
  if (!timeZone) return 'UTC';
  if (knownZones.has(timeZone)) return timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return 'UTC';
  }
  if (knownZones.size < FORMATS_KEPT) knownZones.add(timeZone);
  return timeZone;
}

/**
 * Building an Intl formatter costs far more than using one (the bench's profile showed
 * formatting among the card render's costs), and a turn formats with a handful of
 * locale, zone and unit combinations: each is built once and kept. The zone comes from
 * the client, so the number kept is capped; past it, formatters are built per call.
 */
const FORMATS_KEPT = 500;
const knownZones = new Set<string>();
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>();

function kept<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.ListFormat>(key: string, build: () => T): T {
  const found = formatters.get(key);
  if (found) return found as T;
  const built = build();
  if (formatters.size < FORMATS_KEPT) formatters.set(key, built);
  return built;
}

/** A calendar date in the user's zone: "March 5, 2025", "2025년 3월 5일", "2025年3月5日". */
export function formatDate(locale: Locale, date: DateInput, timeZone?: string): string {
  const zone = safeTimeZone(timeZone);
  return kept(
    `date|${locale}|${zone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: zone }),
  ).format(toDate(date));
}

/**
 * A date and time with its zone named ("March 9, 2026 at 10:00 AM PDT", Korean and
 * Japanese in words: "태평양 표준시"): partner, reviewer and customer may sit in different
 * zones, so every time shown says which one it is in, one way everywhere.
 */
export function formatDateTime(locale: Locale, date: DateInput, timeZone?: string): string {
  const zone = safeTimeZone(timeZone);
  const format = kept(
    `dateTime|${locale}|${zone}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZoneName: locale === 'en-US' ? 'short' : 'long',
        timeZone: zone,
      }),
  );
  return localDayPeriods(locale, format, toDate(date)).replace(/(^|\s)미 (태평양|산악|중부|동부)/u, '$1$2');
}

/** Korean says 오전/오후, whatever the ICU data at hand prints for the day period ("AM 1:51"). */
const DAY_PERIODS: Partial<Record<Locale, Readonly<Record<string, string>>>> = { 'ko-KR': { AM: '오전', PM: '오후' } };

export function localDayPeriods(locale: Locale, format: Intl.DateTimeFormat, date: Date): string {
  const periods = DAY_PERIODS[locale];
  if (!periods) return format.format(date);
  return format
    .formatToParts(date)
    .map((part) => (part.type === 'dayPeriod' ? (periods[part.value] ?? part.value) : part.value))
    .join('');
}

const KIB = 1024;
const MIB = 1024 * 1024;

/** Binary sizes with the locale's decimal mark: "512 byte", "3.4 kB", "2.5 MB". */
export function formatFileSize(locale: Locale, bytes: number): string {
  const [unit, amount] =
    bytes < KIB
      ? (['byte', bytes] as const)
      : bytes < MIB
        ? (['kilobyte', bytes / KIB] as const)
        : (['megabyte', bytes / MIB] as const);
  return kept(
    `size|${locale}|${unit}`,
    () => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }),
  ).format(amount);
}

/** "A, B, and C" / "A, B 및 C" / "A、B、C". */
export function formatList(locale: Locale, items: readonly string[]): string {
  return kept(`list|${locale}`, () => new Intl.ListFormat(locale, { type: 'conjunction', style: 'long' })).format(
    items,
  );
}

export type CountdownKind = 'window' | 'deadline';

/**
 * The opt-out window or an answer deadline as a phrase: "closes in 3 business days".
 * `businessDaysLeft` comes from the business-day calendar; below zero means it has passed.
 */
export function formatCountdown(locale: Locale, kind: CountdownKind, businessDaysLeft: number): string {
  const days = Math.floor(businessDaysLeft);
  if (kind === 'window') {
    if (days < 0) return t(locale, 'dates.windowClosed');
    if (days === 0) return t(locale, 'dates.windowClosesToday');
    if (days === 1) return t(locale, 'dates.windowClosesInOne');
    return t(locale, 'dates.windowClosesInDays', { days });
  }
  if (days < 0) return t(locale, 'dates.overdue');
  if (days === 0) return t(locale, 'dates.dueToday');
  if (days === 1) return t(locale, 'dates.dueInOne');
  return t(locale, 'dates.dueInDays', { days });
}

/** Largest first, so PT2H reads "2 hours", not "120 minutes". */
const WINDOW_UNITS: readonly (readonly ['day' | 'hour' | 'minute' | 'second', number])[] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/**
 * How long the customer's opt-out window is, from the OPT_OUT_WINDOW setting as written
 * ("5" business days, or a duration such as "PT2M"): "5 business days", "2 minutes",
 * "5영업일", "2분", "5 営業日", "2 分". A setting it can't read says the program's 5 days:
 * configuration refuses such a setting at start-up, so only a test could pass one.
 */
export function formatWindowLength(locale: Locale, spec: string): string {
  const length = readWindowLength(spec);
  if (!length) return t(locale, 'dates.businessDays', { days: 5 });
  if (length.kind === 'businessDays')
    return t(locale, length.days === 1 ? 'dates.businessDayOne' : 'dates.businessDays', { days: length.days });
  const { milliseconds } = length;
  const [unit, size] = WINDOW_UNITS.find(([, unitMs]) => milliseconds % unitMs === 0) ?? ['second', 1000];
  return kept(
    `window|${locale}|${unit}`,
    () => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }),
  ).format(milliseconds / size);
}

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
 * A date and time with its zone named ("March 9, 2026 at 10:00 AM PDT", "2026년 3월 9일
 * 오전 10:00 태평양 표준시", "2026年3月9日 午前10:00 太平洋標準時"): partner, reviewer and
 * customer may sit in different zones, so every time shown says which one it is in, one
 * way everywhere. Always a 12-hour clock with the language's own day periods (Japanese
 * defaults to 24 hours, which reads as a timetable rather than a message).
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
        // The locale's own 12-hour cycle: Japanese counts 午後0:34, English 12:34 PM.
        hour12: true,
        timeZoneName: locale === 'en-US' ? 'short' : 'long',
        timeZone: zone,
      }),
  );
  return clockWords(locale, format, toDate(date));
}

interface ClockWords {
  /** The day period as the language writes it, by what ICU may print instead. */
  dayPeriods: Readonly<Record<string, string>>;
  /** What to drop from a zone's long name: "미 태평양 표준시", "米国太平洋標準時" read "태평양 표준시", "太平洋標準時". */
  zoneQualifier?: RegExp;
}

/**
 * How each language writes the clock, whatever the ICU data at hand prints: Korean
 * reads 오전/오후 where some ICU data prints "AM 1:51", and both Korean and Japanese
 * name the US zones the way their speakers say them, without "US".
 */
const CLOCK_WORDS: Record<Locale, ClockWords> = {
  'en-US': { dayPeriods: {} },
  'ko-KR': { dayPeriods: { AM: '오전', PM: '오후' }, zoneQualifier: /^미 (?=태평양|산악|산지|중부|동부)/u },
  'ja-JP': {
    dayPeriods: { AM: '午前', PM: '午後' },
    zoneQualifier: /^(?:米国|アメリカ)(?=太平洋|山岳|山地|中部|東部)/u,
  },
};

function clockWords(locale: Locale, format: Intl.DateTimeFormat, date: Date): string {
  const { dayPeriods, zoneQualifier } = CLOCK_WORDS[locale];
  return format
    .formatToParts(date)
    .map((part) => {
      if (part.type === 'dayPeriod') return dayPeriods[part.value] ?? part.value;
      if (part.type === 'timeZoneName' && zoneQualifier) return part.value.replace(zoneQualifier, '');
      // Node's format() prints a plain space before "PM" where formatToParts gives ICU's narrow one (U+202F).
      return part.type === 'literal' ? part.value.replace(/\u202f/gu, ' ') : part.value;
    })
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

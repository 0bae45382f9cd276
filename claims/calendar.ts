/**
 * Business days in one country and time zone: weekends and that country's public
 * holidays (from `date-holidays`) are not business days. Time zone arithmetic uses
 * `Intl.DateTimeFormat` only, so it follows the platform's tz database and is right
 * across daylight-saving changes.
 *
 * Days are identified by their local calendar date ("YYYY-MM-DD" in `timeZone`).
 */
import Holidays from 'date-holidays';

export interface CalendarOptions {
  /** ISO 3166-1 alpha-2 code, e.g. 'US', 'KR', 'JP'. */
  country: string;
  /** IANA zone whose local days count, e.g. 'America/Los_Angeles'. */
  timeZone: string;
  /** Weekend days, 0 = Sunday … 6 = Saturday. Default Saturday and Sunday. */
  weekend?: readonly number[];
}

const DAY_MS = 86_400_000;
const MAX_OFFSET_MS = 15 * 3_600_000;
/** Refuse absurd spans instead of looping for a long time. */
const MAX_BUSINESS_DAYS = 3660;

interface LocalParts {
  ymd: string;
  /** Local wall-clock time of the instant read as if it were UTC, in ms. */
  wallClockUtc: number;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const ymdOf = (utcMidnight: number): string => new Date(utcMidnight).toISOString().slice(0, 10);

function utcMidnightOf(ymd: string): number {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

const shiftDays = (ymd: string, days: number): string => ymdOf(utcMidnightOf(ymd) + days * DAY_MS);

export class BusinessCalendar {
  readonly country: string;
  readonly timeZone: string;
  private readonly weekend: ReadonlySet<number>;
  private readonly holidays: Holidays;
  private readonly holidayDates = new Set<string>();
  private readonly loadedYears = new Set<number>();
  private readonly formatter: Intl.DateTimeFormat;

  /** Throws RangeError for an unknown country or time zone: configuration must fail at start-up. */
  constructor(options: CalendarOptions) {
    this.country = options.country.toUpperCase();
    this.timeZone = options.timeZone;
    this.weekend = new Set(options.weekend ?? [0, 6]);
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: options.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    this.holidays = new Holidays();
    if (!this.holidays.getCountries()[this.country])
      throw new RangeError(`unknown holiday country: ${options.country}`);
    this.holidays.init(this.country, { types: ['public'] });
  }

  /** The local calendar date of an instant, "YYYY-MM-DD". */
  localDate(instant: Date): string {
    return this.localParts(instant.getTime()).ymd;
  }

  /** Whether the local day containing `instant` is a business day. */
  isBusinessDay(instant: Date): boolean {
    return this.isBusinessDate(this.localDate(instant));
  }

  isBusinessDate(ymd: string): boolean {
    if (this.weekend.has(new Date(utcMidnightOf(ymd)).getUTCDay())) return false;
    return !this.isPublicHoliday(ymd);
  }

  isPublicHoliday(ymd: string): boolean {
    const year = Number(ymd.slice(0, 4));
    // A multi-day holiday that starts in December may run into January.
    this.loadYear(year - 1);
    this.loadYear(year);
    return this.holidayDates.has(ymd);
  }

  /**
   * The deadline `n` business days after `from`: the END of the nth business day
   * following `from`'s local day (the local midnight that ends it), as an instant.
   * The day of `from` itself never counts, so a claim approved late on Friday still
   * gets five whole business days. `n = 0` returns `from` unchanged.
   */
  addBusinessDays(from: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0 || n > MAX_BUSINESS_DAYS) {
      throw new RangeError(`business days must be an integer from 0 to ${MAX_BUSINESS_DAYS}, got ${n}`);
    }
    if (n === 0) return new Date(from.getTime());
    let day = this.localDate(from);
    for (let counted = 0; counted < n;) {
      day = shiftDays(day, 1);
      if (this.isBusinessDate(day)) counted += 1;
    }
    return new Date(this.startOfLocalDate(shiftDays(day, 1)));
  }

  /**
   * Business days left for a countdown: those after `from`'s local day that begin
   * before `to`. The inverse of addBusinessDays: between(from, add(from, n)) = n.
   * Zero when `to` is not after `from`.
   */
  businessDaysBetween(from: Date, to: Date): number {
    if (to.getTime() <= from.getTime()) return 0;
    let count = 0;
    for (let day = shiftDays(this.localDate(from), 1); this.startsBefore(day, to.getTime()); day = shiftDays(day, 1)) {
      if (this.isBusinessDate(day)) count += 1;
    }
    return count;
  }

  /** UTC offsets stay within ±15 h, so only days near `instant` need the exact (slower) start. */
  private startsBefore(ymd: string, instant: number): boolean {
    const wallMidnight = utcMidnightOf(ymd);
    if (wallMidnight + MAX_OFFSET_MS < instant) return true;
    if (wallMidnight - MAX_OFFSET_MS >= instant) return false;
    return this.startOfLocalDate(ymd) < instant;
  }

  /** The first instant of a local date (local midnight, or the end of a DST gap that swallows it). */
  startOfLocalDate(ymd: string): number {
    const wallMidnight = utcMidnightOf(ymd);
    // The zone's offset a day either side brackets any single transition near this day.
    const candidates = [wallMidnight - DAY_MS, wallMidnight + DAY_MS]
      .map((probe) => wallMidnight - this.offsetAt(probe))
      .filter((instant) => this.localParts(instant).ymd === ymd)
      .sort((a, b) => a - b);
    const exact = candidates.find((instant) => this.localParts(instant).wallClockUtc === wallMidnight);
    const first = exact ?? candidates[0];
    if (first === undefined) throw new RangeError(`no start found for ${ymd} in ${this.timeZone}`);
    return first;
  }

  /** Local time minus UTC at an instant, in ms. */
  private offsetAt(instant: number): number {
    const whole = instant - (((instant % 1000) + 1000) % 1000);
    return this.localParts(whole).wallClockUtc - whole;
  }

  private localParts(instant: number): LocalParts {
    const parts: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(new Date(instant))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
    return {
      ymd: `${pad(year, 4)}-${pad(month)}-${pad(day)}`,
      wallClockUtc: Date.UTC(year, month - 1, day, hour, minute, second),
    };
  }

  private loadYear(year: number): void {
    if (this.loadedYears.has(year)) return;
    this.loadedYears.add(year);
    for (const holiday of this.holidays.getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      // `date` is the local first day; multi-day holidays (Chuseok, Seollal) span several.
      const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      for (let i = 0; i < days; i += 1) this.holidayDates.add(shiftDays(holiday.date.slice(0, 10), i));
    }
  }

  /**
   * A deadline rule from configuration: a positive whole number of business days
   * ("5"), or an ISO-8601 duration of exact elapsed time ("PT2M", "P1D", "PT1H30M")
   * for demos and tests. Throws RangeError naming the bad value.
   */
  parseWindow(spec: string): (from: Date) => Date {
    const length = readWindowLength(spec);
    if (!length) throw new RangeError(`window is neither business days nor a positive ISO-8601 duration: "${spec}"`);
    if (length.kind === 'duration') return (from) => new Date(from.getTime() + length.milliseconds);
    const { days } = length;
    if (days < 1 || days > MAX_BUSINESS_DAYS)
      throw new RangeError(`window must be 1 to ${MAX_BUSINESS_DAYS} business days: "${spec}"`);
    return (from) => this.addBusinessDays(from, days);
  }
}

/** What a window setting says, before any bound: a whole number of business days, or elapsed time. */
export type WindowLength = { kind: 'businessDays'; days: number } | { kind: 'duration'; milliseconds: number };

/**
 * Reads a window setting ("5", "PT2M"): the one reader behind the calendar's deadlines,
 * the configuration's check and the window's wording. Undefined when it is neither.
 */
export function readWindowLength(spec: string): WindowLength | undefined {
  const text = spec.trim();
  if (/^\d+$/.test(text)) return { kind: 'businessDays', days: Number(text) };
  const milliseconds = parseIsoDuration(text);
  return milliseconds !== undefined && milliseconds > 0 ? { kind: 'duration', milliseconds } : undefined;
}

/** Rule 3's opt-out window as the program states it, in `parseWindow`'s terms: 5 business days. */
export const PROGRAM_OPT_OUT_WINDOW = '5';

const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO-8601 duration as milliseconds of elapsed time; a day is 24 hours. Years and
 * months are refused because their length depends on the calendar.
 */
export function parseIsoDuration(spec: string): number | undefined {
  const match = ISO_DURATION.exec(spec.trim().toUpperCase());
  if (!match || spec.trim().toUpperCase() === 'P' || /T$/i.test(spec.trim())) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  const number = (value: string | undefined): number => (value === undefined ? 0 : Number(value));
  return Math.round(
    ((number(weeks) * 7 + number(days)) * 24 * 3600 + number(hours) * 3600 + number(minutes) * 60 + number(seconds)) *
      1000,
  );
}

/**
 * Dates as partners write them in English, Korean and Japanese documents. Text is
 * NFKC-normalised first, so full-width digits and ideographic spaces match too. Each
 * pattern is a row: the regular expression and how its groups make a calendar day.
 */

export interface FoundDate {
  /** The calendar day, `YYYY-MM-DD`. */
  day: string;
  /** The text as written, for the evidence. */
  phrase: string;
  /** Where in the (normalised) text it starts. */
  index: number;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const MONTH_NAME =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';

/** Japanese eras still found on contracts: the era's year 1 in the Gregorian calendar. */
const ERAS: Readonly<Record<string, number>> = { 令和: 2019, 平成: 1989, 昭和: 1926 };

type DayParts = { year: number; month: number; day: number } | undefined;

interface DatePattern {
  pattern: RegExp;
  parts: (m: RegExpExecArray) => DayParts;
}

const n = (s: string | undefined): number => Number.parseInt(s ?? '', 10);

/** 11/15/2026 is US order; when the first number cannot be a month, it is day-first (15/11/2026). */
function slashed(first: number, second: number, year: number): DayParts {
  return first > 12 ? { year, month: second, day: first } : { year, month: first, day: second };
}

const DATE_PATTERNS: readonly DatePattern[] = [
  // 2026-11-15, 2026/11/15, 2026.11.15 and the Korean 2026. 11. 15.
  {
    pattern: /(?<!\d)((?:19|20)\d{2})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?(\d{1,2})(?!\d)/g,
    parts: (m) => ({ year: n(m[1]), month: n(m[2]), day: n(m[3]) }),
  },
  // 11/15/2026, 15.11.2026
  {
    pattern: /(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?!\d)/g,
    parts: (m) => slashed(n(m[1]), n(m[2]), n(m[3])),
  },
  // 15 November 2026, 3 Mar 2025 (also a mail's Date header)
  {
    pattern: new RegExp(`(?<!\\d)(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH_NAME}\\s+((?:19|20)\\d{2})(?!\\d)`, 'gi'),
    parts: (m) => ({ year: n(m[3]), month: MONTHS[m[2].toLowerCase()] ?? 0, day: n(m[1]) }),
  },
  // November 15, 2026
  {
    pattern: new RegExp(`\\b${MONTH_NAME}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+((?:19|20)\\d{2})(?!\\d)`, 'gi'),
    parts: (m) => ({ year: n(m[3]), month: MONTHS[m[1].toLowerCase()] ?? 0, day: n(m[2]) }),
  },
  // 2026년 11월 15일
  {
    pattern: /((?:19|20)\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일/g,
    parts: (m) => ({ year: n(m[1]), month: n(m[2]), day: n(m[3]) }),
  },
  // 2026年11月15日
  {
    pattern: /((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/g,
    parts: (m) => ({ year: n(m[1]), month: n(m[2]), day: n(m[3]) }),
  },
  // 令和8年11月15日, 令和元年5月1日
  {
    pattern: /(令和|平成|昭和)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/g,
    parts: (m) => ({ year: (ERAS[m[1]] ?? 0) + (m[2] === '元' ? 0 : n(m[2]) - 1), month: n(m[3]), day: n(m[4]) }),
  },
];

function calendarDay(parts: DayParts): string | undefined {
  if (!parts) return undefined;
  const { year, month, day } = parts;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31)) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // 31 February rolls over into March: not a date.
  if (date.getUTCMonth() !== month - 1) return undefined;
  return date.toISOString().slice(0, 10);
}

/** Every date in the text, in the order written; the same span is counted once. */
export function findDates(text: string): FoundDate[] {
  const normalised = text.normalize('NFKC');
  const found: FoundDate[] = [];
  const taken: [number, number][] = [];
  for (const { pattern, parts } of DATE_PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(normalised); m; m = pattern.exec(normalised)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      const day = calendarDay(parts(m));
      if (!day) continue;
      taken.push([start, end]);
      found.push({ day, phrase: m[0], index: start });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The calendar day `months` before `now` (UTC), `YYYY-MM-DD`. */
export function monthsBefore(now: Date, months: number): string {
  const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate()));
  return cutoff.toISOString().slice(0, 10);
}

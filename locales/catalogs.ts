/**
 * The message catalogs and the types derived from them. en-US is the reference:
 * its keys define `MessageKey`, so a key used in code but missing from en-US is a
 * compile error, and the locale tests hold ko-KR and ja-JP to the same keys.
 */
import enUS from './en-US.json';
import jaJP from './ja-JP.json';
import koKR from './ko-KR.json';
import { DEFAULT_LOCALE, localeOfTag, LOCALES, type Locale } from './languages';

export { DEFAULT_LOCALE, LOCALES, type Locale };

export type Catalog = typeof enUS;

/** Dotted paths to the string leaves of a catalog ("welcome.title"); arrays are not messages. */
type StringLeaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? `${Prefix}${K}`
    : T[K] extends readonly unknown[]
      ? never
      : StringLeaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = StringLeaves<Catalog>;

/** Typed text users may type instead of pressing a button. */
export type Command = keyof Catalog['commands'];

/**
 * Typed as unknown trees on purpose: the JSON files are data to be checked (by the
 * locale tests), not types to be trusted, so lookups narrow at run time.
 */
export const CATALOGS: Readonly<Record<Locale, unknown>> = {
  'en-US': enUS,
  'ko-KR': koKR,
  'ja-JP': jaJP,
};

/** ko, ko-KR, KO_kr → ko-KR; ja* → ja-JP; anything else (or nothing) → en-US. */
export function resolveLocale(activityLocale?: string): Locale {
  return localeOfTag(activityLocale ?? '') ?? DEFAULT_LOCALE;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The languages the bot speaks, in one table: every list of languages (the chooser
 * card, the consent pages and mail, the Teams manifest's localization files, fonts in
 * generated documents, how sentences join) derives from it. A new row here fails
 * compilation wherever a per-language value is still missing (`CATALOGS` first).
 */
export interface LanguageTraits {
  /** BCP 47 primary language subtag: HTML `lang`, Teams' language tag, what Accept-Language names. */
  tag: string;
  /** The language as its speakers write it; the same in every locale on purpose. */
  nativeName: string;
  /** The Word font for East Asian text in generated documents. */
  eastAsianFont: string;
  /** What stands between two sentences; Japanese writes none after "。". */
  sentenceGap: string;
  /**
   * Countries (ISO 3166, upper case) of a partner location whose customers are asked
   * for consent in this language when the claim does not say which it was filed in.
   */
  countries: readonly string[];
  /** Top-level domains whose customers get consent mail in this language when nothing else says. */
  mailTlds: readonly string[];
  /**
   * Whether a command word typed in this language switches the bot to it. English
   * words switch nothing: people with a Korean or Japanese Teams type "help" too.
   */
  typedCommandSwitches: boolean;
  /** The Teams manifest localization file, for every language but the manifest's default. */
  manifestFile: `${string}.json` | null;
}

export const LANGUAGES = {
  'en-US': {
    tag: 'en',
    nativeName: 'English',
    eastAsianFont: 'Calibri',
    sentenceGap: ' ',
    countries: ['US', 'GB', 'AU', 'CA', 'IE', 'NZ'],
    mailTlds: [],
    typedCommandSwitches: false,
    manifestFile: null,
  },
  'ko-KR': {
    tag: 'ko',
    nativeName: '한국어',
    eastAsianFont: 'Malgun Gothic',
    sentenceGap: ' ',
    countries: ['KR'],
    mailTlds: ['kr'],
    typedCommandSwitches: true,
    manifestFile: 'ko.json',
  },
  'ja-JP': {
    tag: 'ja',
    nativeName: '日本語',
    eastAsianFont: 'Yu Gothic',
    sentenceGap: '',
    countries: ['JP'],
    mailTlds: ['jp'],
    typedCommandSwitches: true,
    manifestFile: 'ja.json',
  },
} as const satisfies Record<string, LanguageTraits>;

export type Locale = keyof typeof LANGUAGES;
/** In the table's order: English first. */
export const LOCALES = Object.keys(LANGUAGES) as readonly Locale[];
export const DEFAULT_LOCALE: Locale = 'en-US';

export const languageOf = (locale: Locale): LanguageTraits => LANGUAGES[locale];

/** The locale whose primary language subtag `tag` names ("ko", "ko-KR", "KO_kr"), if any. */
export function localeOfTag(tag: string): Locale | undefined {
  const language = tag.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((locale) => LANGUAGES[locale].tag === language);
}

/**
 * The locale a `lang` parameter names, checked against the table: a tag of sane shape
 * ("ko-KR", "ja", "en_US") whose language is one of ours, else undefined (never echoed).
 */
export function localeOfLangParameter(value: string | undefined): Locale | undefined {
  return value !== undefined && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/.test(value) ? localeOfTag(value) : undefined;
}

/** The language of a partner location's country ("KR", "jp"), if the table names one. */
export function localeOfCountry(country: string | undefined): Locale | undefined {
  const code = country?.trim().toUpperCase();
  return code ? LOCALES.find((locale) => languageOf(locale).countries.includes(code)) : undefined;
}

/** The language a customer domain's top-level domain suggests (".kr", ".jp"), if any. */
export function localeOfDomain(domain: string): Locale | undefined {
  const tld = domain.trim().toLowerCase().replace(/\.+$/, '').split('.').at(-1) ?? '';
  return tld ? LOCALES.find((locale) => languageOf(locale).mailTlds.includes(tld)) : undefined;
}

/** The Teams manifest's localization files, one per language but the default. */
export type ManifestLocalizationFile = NonNullable<(typeof LANGUAGES)[Locale]['manifestFile']>;
export const MANIFEST_LOCALIZATION_FILES: readonly ManifestLocalizationFile[] = LOCALES.flatMap((locale) => {
  const file = LANGUAGES[locale].manifestFile;
  return file === null ? [] : [file];
});

/**
 * The language chooser: English, 한국어, 日本語, or follow Teams. Each language is
 * named in itself (not translated), so a person who cannot read the current language
 * still finds their own.
 */
import { LOCALES, t, type Locale } from '../locales/i18n';
import { LANGUAGES } from '../locales/languages';
import { expandCard, labelsFor, type CardAttachment } from './cardKit';

/** Languages as their speakers write them; the same in every locale on purpose. */
export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = Object.fromEntries(
  LOCALES.map((locale) => [locale, LANGUAGES[locale].nativeName]),
) as Record<Locale, string>;

export interface LanguageCardModel {
  /** The user's own choice; undefined when following Teams. */
  chosen?: Locale;
  /** The locale Teams sends, which "follow Teams" means. */
  teamsLocale: Locale;
  nonce?: string;
}

/** `locale` is the language the card speaks in: the one in effect now. */
export function renderLanguageCard(model: LanguageCardModel, locale: Locale): CardAttachment {
  const teams = { language: LANGUAGE_NAMES[model.teamsLocale] };
  const current = model.chosen
    ? t(locale, 'language.currentChosen', { language: LANGUAGE_NAMES[model.chosen] })
    : t(locale, 'language.currentTeams', teams);
  const style = (selected: boolean): string => (selected ? 'positive' : 'default');
  return expandCard('language', {
    labels: { ...labelsFor(locale, { title: 'language.title', intro: 'language.intro' }), current },
    nonce: model.nonce ?? '',
    choices: [
      ...LOCALES.map((value) => ({ value, title: LANGUAGE_NAMES[value], style: style(model.chosen === value) })),
      { value: 'teams', title: t(locale, 'language.followTeams', teams), style: style(model.chosen === undefined) },
    ],
  });
}

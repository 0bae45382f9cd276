/**
 * The consent request email: who claims the association, for which products, until
 * when the customer may opt out, and the link to the consent page.
 *
 * Language, the choice: the email opens in the customer's language as consentLanguage.ts
 * chooses it (the claim's filing language, else the partner location's, else the
 * domain's) and, when that is not English, repeats itself in English below, so nobody
 * gets a message only in a language they may not read. Each section's button opens the
 * consent page in that section's language (`?lang=`, outside the signed token, so the
 * signature is untouched), and each section links to the page in every other language.
 *
 * Every value that is not our own wording (names, domain, products, the link) is
 * HTML-escaped in the HTML body; the text body carries them as they are.
 */
import type { MailMessage } from '../../claims/ports';
import { formatConsentDeadline } from '../../cards/consentCard';
import { DEFAULT_LOCALE, LOCALES, productName, t, type Locale } from '../../locales/i18n';
import { LANGUAGES } from '../../locales/languages';
import { escapeHtml } from '../http/html';

export interface ConsentMailContent {
  to: string;
  contactName: string;
  partnerName: string;
  customerDomain: string;
  productIds: readonly string[];
  /** ISO; the opt-out window's close. */
  closesAt: string;
  timeZone: string;
  /** The consent page's signed link, without a language. */
  link: string;
  /** The customer's language (consentLanguage.ts): the subject's and the first section's. */
  locale: Locale;
}

/** The languages of the email, the first being the subject's: the customer's, then English if that is another. */
export function mailLocalesFor(locale: Locale): Locale[] {
  return locale === DEFAULT_LOCALE ? [DEFAULT_LOCALE] : [locale, DEFAULT_LOCALE];
}

/** The consent page in `locale`: the same signed link with `lang`, which the page checks against the language table. */
export function linkIn(link: string, locale: Locale): string {
  return `${link}${link.includes('?') ? '&' : '?'}lang=${locale}`;
}

/** The page in each language but this section's, with its name as its speakers write it. */
const otherLanguages = (locale: Locale, link: string) =>
  LOCALES.filter((other) => other !== locale).map((other) => ({
    locale: other,
    name: LANGUAGES[other].nativeName,
    href: linkIn(link, other),
  }));

interface Section {
  locale: Locale;
  greeting: string;
  intro: string;
  products: string[];
  closes: string;
  button: string;
  linkHint: string;
  otherLanguages: string;
  footer: string;
}

function sectionIn(locale: Locale, content: ConsentMailContent): Section {
  return {
    locale,
    greeting: t(locale, 'consent.mail.greeting', { name: content.contactName }),
    intro: t(locale, 'consent.mail.intro', { partner: content.partnerName, customer: content.customerDomain }),
    products: content.productIds.map(productName),
    closes: t(locale, 'consent.mail.closes', {
      date: formatConsentDeadline(locale, content.closesAt, content.timeZone),
    }),
    button: t(locale, 'consent.mail.button'),
    linkHint: t(locale, 'consent.mail.linkHint'),
    otherLanguages: t(locale, 'consent.mail.otherLanguages'),
    footer: t(locale, 'consent.mail.footer'),
  };
}

function textOf(section: Section, link: string): string {
  return [
    section.greeting,
    '',
    section.intro,
    ...section.products.map((product) => `  • ${product}`),
    '',
    section.closes,
    '',
    `${section.button}: ${linkIn(link, section.locale)}`,
    '',
    section.otherLanguages,
    ...otherLanguages(section.locale, link).map((other) => `  ${other.name}: ${other.href}`),
    '',
    section.footer,
  ].join('\n');
}

function htmlOf(section: Section, link: string): string {
  const href = escapeHtml(linkIn(link, section.locale));
  const others = otherLanguages(section.locale, link).map(
    (other) =>
      `<a href="${escapeHtml(other.href)}" lang="${LANGUAGES[other.locale].tag}" hreflang="${LANGUAGES[other.locale].tag}">${escapeHtml(other.name)}</a>`,
  );
  const paragraph = (text: string, style = '') => `<p style="margin:0 0 12px 0;${style}">${escapeHtml(text)}</p>`;
  return [
    `<div lang="${LANGUAGES[section.locale].tag}" style="font-family:'Segoe UI',system-ui,sans-serif;font-size:15px;line-height:1.5;color:#242424;max-width:600px">`,
    paragraph(section.greeting),
    paragraph(section.intro),
    `<ul style="margin:0 0 12px 0">${section.products.map((product) => `<li>${escapeHtml(product)}</li>`).join('')}</ul>`,
    paragraph(section.closes, 'font-weight:600'),
    `<p style="margin:20px 0"><a href="${href}" style="background:#5b5fc7;color:#ffffff;padding:10px 18px;border-radius:4px;text-decoration:none;display:inline-block">${escapeHtml(section.button)}</a></p>`,
    paragraph(section.linkHint, 'font-size:13px'),
    `<p style="margin:0 0 12px 0;font-size:13px;word-break:break-all"><a href="${href}">${href}</a></p>`,
    `<p style="margin:0 0 12px 0;font-size:13px">${escapeHtml(section.otherLanguages)} ${others.join(' · ')}</p>`,
    paragraph(section.footer, 'font-size:12px;color:#616161'),
    '</div>',
  ].join('\n');
}

export function composeConsentMail(content: ConsentMailContent): MailMessage {
  const locales = mailLocalesFor(content.locale);
  const sections = locales.map((locale) => sectionIn(locale, content));
  const divider = (locale: Locale) => `── ${t(locale, 'consent.mail.languageName')} ──`;
  const text = sections
    .map((section, i) => (i === 0 ? '' : `\n\n${divider(section.locale)}\n\n`) + textOf(section, content.link))
    .join('');
  const html = sections
    .map(
      (section, i) =>
        (i === 0
          ? ''
          : `<hr style="border:none;border-top:1px solid #d1d1d1;margin:24px 0"><p style="font-size:13px;color:#616161">${escapeHtml(divider(section.locale))}</p>\n`) +
        htmlOf(section, content.link),
    )
    .join('\n');
  const primary = locales[0] ?? 'en-US';
  return {
    to: content.to,
    subject: t(primary, 'consent.mail.subject', { partner: content.partnerName }),
    text,
    html: `<!doctype html><html lang="${LANGUAGES[primary].tag}"><head><meta charset="utf-8"></head><body>\n${html}\n</body></html>`,
  };
}

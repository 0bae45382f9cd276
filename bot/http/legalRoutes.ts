/**
 * `GET /privacy` and `GET /terms`: the pages the Teams manifest links by default
 * (manifest/buildPackage.ts), so an installed app's "Privacy" and "Terms of use" links
 * work without anyone hosting them elsewhere. Static text from the locale catalogs, in
 * the browser's language; no script, no style, so the server's strict CSP stays as is.
 */
import type { Next, Request, Response, Server } from 'restify';
import { LANGUAGE_NAMES } from '../../cards/render';
import { LOCALES, t, type Locale, type MessageKey } from '../../locales/i18n';
import { pageLocale } from '../consent/consentPages';
import { escapeHtml } from './html';

type PageName = 'privacy' | 'terms';

interface Section {
  heading: MessageKey;
  /** Shown as one paragraph when single, as a list otherwise. */
  body: readonly MessageKey[];
}

interface LegalPage {
  title: MessageKey;
  intro: MessageKey;
  sections: readonly Section[];
}

const PAGES: Readonly<Record<PageName, LegalPage>> = {
  privacy: {
    title: 'legal.privacy.title',
    intro: 'legal.privacy.intro',
    sections: [
      {
        heading: 'legal.privacy.storedHeading',
        body: [
          'legal.privacy.storedClaims',
          'legal.privacy.storedContacts',
          'legal.privacy.storedPoe',
          'legal.privacy.storedReferences',
          'legal.privacy.storedHistory',
          'legal.privacy.storedLogs',
        ],
      },
      { heading: 'legal.privacy.whereHeading', body: ['legal.privacy.where'] },
      {
        heading: 'legal.privacy.accessHeading',
        body: [
          'legal.privacy.accessPartner',
          'legal.privacy.accessReviewers',
          'legal.privacy.accessCustomer',
          'legal.privacy.accessOperator',
        ],
      },
      { heading: 'legal.privacy.retentionHeading', body: ['legal.privacy.retention'] },
      { heading: 'legal.privacy.noSaleHeading', body: ['legal.privacy.noSale'] },
      { heading: 'legal.privacy.contactHeading', body: ['legal.privacy.contact'] },
    ],
  },
  terms: {
    title: 'legal.terms.title',
    intro: 'legal.terms.intro',
    sections: [
      {
        heading: 'legal.terms.useHeading',
        body: ['legal.terms.useTruthful', 'legal.terms.useContacts', 'legal.terms.useNoAbuse'],
      },
      { heading: 'legal.terms.operatorHeading', body: ['legal.terms.operator'] },
      { heading: 'legal.terms.warrantyHeading', body: ['legal.terms.warranty'] },
      { heading: 'legal.terms.contactHeading', body: ['legal.terms.contact'] },
    ],
  },
};

/** en-US → en: the page's `lang` attribute. */
const languageTag = (locale: Locale): string => locale.split('-')[0] ?? locale;

function sectionHtml(locale: Locale, section: Section): string {
  const text = (key: MessageKey) => escapeHtml(t(locale, key));
  const body =
    section.body.length === 1
      ? `<p>${text(section.body[0]!)}</p>`
      : `<ul>${section.body.map((key) => `<li>${text(key)}</li>`).join('')}</ul>`;
  return `<h2>${text(section.heading)}</h2>${body}`;
}

/** The whole page; every catalog string is escaped, though all of it is our own wording. */
export function legalPageHtml(name: PageName, locale: Locale): string {
  const page = PAGES[name];
  const text = (key: MessageKey) => escapeHtml(t(locale, key));
  const languages = LOCALES.map((other) =>
    other === locale
      ? `<strong lang="${languageTag(other)}">${escapeHtml(LANGUAGE_NAMES[other])}</strong>`
      : `<a href="?lang=${other}" lang="${languageTag(other)}" hreflang="${languageTag(other)}">${escapeHtml(LANGUAGE_NAMES[other])}</a>`,
  );
  return [
    `<!doctype html><html lang="${languageTag(locale)}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(page.title)} · ${text('app.name')}</title></head><body><main>`,
    `<nav aria-label="${text('legal.language')}">${languages.join(' | ')}</nav>`,
    `<h1>${text(page.title)}</h1><p>${text(page.intro)}</p>`,
    ...page.sections.map((section) => sectionHtml(locale, section)),
    `<footer><p><a href="/privacy?lang=${locale}">${text('legal.privacyLink')}</a> | <a href="/terms?lang=${locale}">${text('legal.termsLink')}</a></p></footer>`,
    '</main></body></html>',
  ].join('');
}

function servePage(name: PageName) {
  return (req: Request, res: Response, next: Next) => {
    // The server registers no query parser: read `lang` from the URL ourselves.
    const lang = new URL(req.url ?? '/', 'http://legal.invalid').searchParams.get('lang') ?? undefined;
    const locale = pageLocale(lang, req.headers['accept-language']);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Language', locale);
    res.setHeader('Vary', 'Accept-Language');
    res.sendRaw(200, legalPageHtml(name, locale));
    next();
  };
}

/** Registers the two pages; they keep the server's strict CSP and security headers. */
export function legalRoutes(server: Server): void {
  for (const name of Object.keys(PAGES) as PageName[]) {
    server.get(`/${name}`, servePage(name));
    server.head(`/${name}`, servePage(name));
  }
}

/** One registrar from several, for `createServer({ routes })`, which takes one. */
export function allRoutes(...registrars: readonly ((server: Server) => void)[]): (server: Server) => void {
  return (server) => {
    for (const register of registrars) register(server);
  };
}

/**
 * The HTML of the consent pages: the card page (the consent card rendered in the
 * browser by the official `adaptivecards` renderer, served from this bot, never a CDN),
 * the opt-out confirmation (a plain form: what opting out means, an optional reason,
 * Confirm opt-out / Back) and the message pages (answer recorded, link used, expired,
 * refused). Every page links to itself in the other languages.
 *
 * The card page works with and without scripts: plain buttons post the same form and
 * are hidden only once the card has rendered. Our one inline script and stylesheet carry
 * the response's CSP nonce; the card JSON sits in a data block, escaped so no value can
 * end it. Every value that is not our own wording is escaped.
 */
import { OPT_OUT_REASON_MAX } from '../../claims/validation';
import { DEFAULT_LOCALE, LOCALES, t, type Locale } from '../../locales/i18n';
import { languageOf, localeOfLangParameter, localeOfTag } from '../../locales/languages';
import { escapeHtml, jsonForScriptElement } from '../http/html';

export const ADAPTIVE_CARDS_SCRIPT_PATH = '/static/adaptivecards.js';

/**
 * The page's language: `?lang=` (the email's links and the page's own switch) first,
 * when the language table knows it, then the browser's Accept-Language in order of
 * preference, then English.
 */
export function pageLocale(lang: string | undefined, acceptLanguage: string | undefined): Locale {
  const supported = localeOfTag;
  const chosen = localeOfLangParameter(lang);
  if (chosen) return chosen;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...params] = entry.split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = supported(tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}

/** Which of the link's pages is shown: its language links lead to the same step. */
export type PageStep = 'card' | 'optOut';

export interface PageFrame {
  locale: Locale;
  /** This response's CSP nonce. */
  nonce: string;
  /** Default 'card'. */
  step?: PageStep;
}

/** The link's own page in `locale` (relative: the signed token is the path, untouched), at `step`. */
export function pageQuery(locale: Locale, step: PageStep = 'card'): string {
  return `?lang=${locale}${step === 'card' ? '' : `&step=${step}`}`;
}

const STYLE = `
body{margin:0;background:#f5f5f5;color:#242424;font:15px/1.5 'Segoe UI',system-ui,-apple-system,sans-serif}
main{max-width:640px;margin:0 auto;padding:24px 16px}
header{display:flex;justify-content:space-between;align-items:baseline;gap:16px;flex-wrap:wrap}
h1{font-size:22px;font-weight:600;margin:0 0 12px}
nav a{margin-left:8px;color:#5b5fc7}
nav a[aria-current]{font-weight:600;color:#242424;text-decoration:none}
.panel{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:16px 20px;margin:16px 0}
.good{border-left:4px solid #107c10}.bad{border-left:4px solid #c4314b}.neutral{border-left:4px solid #5b5fc7}
.buttons button,.ac-pushButton{font:inherit;font-weight:600;padding:8px 18px;margin:8px 8px 0 0;border-radius:4px;border:1px solid #d1d1d1;background:#fff;color:#242424;cursor:pointer}
.buttons button[value=customerApprove],.ac-pushButton.style-positive{background:#5b5fc7;color:#fff;border-color:#5b5fc7}
.ac-pushButton.style-destructive{color:#c4314b;border-color:#c4314b}
.small{font-size:13px;color:#616161}
label{display:block;font-weight:600;margin:12px 0 4px}
textarea{box-sizing:border-box;width:100%;font:inherit;padding:8px;border:1px solid #d1d1d1;border-radius:4px}
.buttons button.destructive{background:#c4314b;color:#fff;border-color:#c4314b}
.buttons a{margin-left:8px;color:#5b5fc7}
.problem{color:#c4314b;font-weight:600}
`;

function languageLinks(current: Locale, step: PageStep): string {
  const label = escapeHtml(t(current, 'consent.page.language'));
  const links = LOCALES.map((locale) => {
    const currentMark = locale === current ? ' aria-current="true"' : '';
    const { tag, nativeName } = languageOf(locale);
    return `<a href="${escapeHtml(pageQuery(locale, step))}" lang="${tag}" hreflang="${tag}"${currentMark}>${escapeHtml(nativeName)}</a>`;
  });
  return `<nav aria-label="${label}">${links.join('')}</nav>`;
}

function page(frame: PageFrame, title: string, body: string): string {
  return `<!doctype html>
<html lang="${languageOf(frame.locale).tag}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style nonce="${frame.nonce}">${STYLE}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(t(frame.locale, 'consent.page.title'))}</h1>${languageLinks(frame.locale, frame.step ?? 'card')}</header>
${body}
</main>
</body>
</html>
`;
}

export interface CardPageView {
  /** The consent card's JSON (the attachment's content). */
  card: Record<string, unknown>;
  csrf: string;
}

/**
 * Renders the card and turns its Action.Execute into the form's POST, once: a second
 * click while the first is on its way does nothing (the server is idempotent anyway).
 */
const CARD_SCRIPT = `(function () {
  var form = document.getElementById('consent-form');
  var host = document.getElementById('card-host');
  var sent = false;
  var card = new AdaptiveCards.AdaptiveCard();
  card.onExecuteAction = function (action) {
    if (sent || !(action instanceof AdaptiveCards.ExecuteAction)) return;
    sent = true;
    var verb = document.createElement('input');
    verb.type = 'hidden';
    verb.name = 'verb';
    verb.value = action.verb;
    form.appendChild(verb);
    form.submit();
  };
  card.parse(JSON.parse(document.getElementById('consent-card').textContent));
  var rendered = card.render();
  if (!rendered) return;
  host.appendChild(rendered);
  document.getElementById('plain-buttons').hidden = true;
})();`;

export function consentCardPage(frame: PageFrame, view: CardPageView): string {
  const { locale, nonce } = frame;
  const text = (key: Parameters<typeof t>[1]) => escapeHtml(t(locale, key));
  const body = `<p>${text('consent.page.lead')}</p>
<div class="panel neutral" id="card-host"></div>
<form id="consent-form" method="post" action="${escapeHtml(pageQuery(locale))}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<div id="plain-buttons" class="buttons">
<noscript><p>${text('consent.page.noScript')}</p></noscript>
<button type="submit" name="verb" value="customerApprove">${text('consent.card.approve')}</button>
<button type="submit" name="verb" value="customerOptOut">${text('consent.card.optOut')}</button>
</div>
</form>
<p class="small">${text('consent.page.privacy')}</p>
<script type="application/json" id="consent-card">${jsonForScriptElement(view.card)}</script>
<script nonce="${nonce}" src="${ADAPTIVE_CARDS_SCRIPT_PATH}"></script>
<script nonce="${nonce}">${CARD_SCRIPT}</script>`;
  return page(frame, t(locale, 'consent.page.title'), body);
}

export interface OptOutPageView {
  partnerName: string;
  csrf: string;
  /** What was typed, when the page comes back with a problem; escaped, never markup. */
  reason?: string;
  /** Why the reason was refused, in the page's language. */
  problem?: string;
}

/** The opt-out confirmation: only its Confirm opt-out records the answer; Back is the card again. */
export function optOutPage(frame: PageFrame, view: OptOutPageView): string {
  const { locale } = frame;
  const text = (key: Parameters<typeof t>[1]) => escapeHtml(t(locale, key));
  const problem = view.problem
    ? `<p id="reason-problem" class="problem" role="alert">${escapeHtml(view.problem)}</p>\n`
    : '';
  const described = view.problem ? 'reason-hint reason-problem' : 'reason-hint';
  const body = `<section class="panel bad">
<h2>${text('consent.optOut.title')}</h2>
<p>${escapeHtml(t(locale, 'consent.optOut.body', { partner: view.partnerName }))}</p>
<form id="opt-out-form" method="post" action="${escapeHtml(pageQuery(locale))}">
<input type="hidden" name="csrf" value="${escapeHtml(view.csrf)}">
<input type="hidden" name="verb" value="customerOptOutConfirm">
<label for="reason">${text('consent.optOut.reasonLabel')}</label>
<textarea id="reason" name="reason" rows="4" maxlength="${OPT_OUT_REASON_MAX}" aria-describedby="${described}">${escapeHtml(view.reason ?? '')}</textarea>
<p id="reason-hint" class="small">${escapeHtml(t(locale, 'consent.optOut.reasonHint', { max: OPT_OUT_REASON_MAX }))}</p>
${problem}<div class="buttons">
<button type="submit" class="destructive">${text('consent.optOut.confirm')}</button>
<a href="${escapeHtml(pageQuery(locale))}">${text('consent.optOut.back')}</a>
</div>
</form>
</section>`;
  return page({ ...frame, step: 'optOut' }, t(locale, 'consent.optOut.title'), body);
}

export type MessageTone = 'good' | 'bad' | 'neutral';

export interface MessagePageView {
  title: string;
  paragraphs: string[];
  tone: MessageTone;
}

export function consentMessagePage(frame: PageFrame, view: MessagePageView): string {
  const paragraphs = view.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const body = `<section class="panel ${view.tone}" role="status">
<h2>${escapeHtml(view.title)}</h2>
${paragraphs}
</section>`;
  return page(frame, view.title, body);
}

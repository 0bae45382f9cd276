/**
 * What the hostile suite checks about every answer: it is there (never a silent drop),
 * it is a message or a card from the catalog of the turn's language (never the generic
 * apology for a failed turn, never another language), and user text only ever sits in
 * RichTextBlock text runs. Also the JavaScript prototypes a polluted merge would change.
 */
import assert from 'node:assert/strict';
import { CATALOGS } from '../../locales/catalogs';
import { LOCALES, t, type Locale } from '../../locales/i18n';
import { objectsOfType } from '../cards/cardChecks';
import type { Reply } from './hostileWorld';

export type Card = Record<string, unknown>;

const PLACEHOLDER = /\{[A-Za-z][A-Za-z0-9]*\}/g;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every message of a catalog (arrays are command words, not messages). */
function messagesOf(tree: unknown, out: string[] = []): string[] {
  if (typeof tree === 'string') out.push(tree);
  else if (tree !== null && typeof tree === 'object' && !Array.isArray(tree))
    for (const value of Object.values(tree)) messagesOf(value, out);
  return out;
}

/**
 * A message as a pattern: its literal text exactly, each placeholder any text. A message
 * that is nearly all placeholders ("{label}: {value}") would match anything and say
 * nothing about the language, so those only match themselves... which they never are.
 */
function patternsOf(locale: Locale): RegExp[] {
  return messagesOf(CATALOGS[locale])
    .filter((message) => {
      const literal = message.replace(PLACEHOLDER, '');
      return message === literal || (literal.match(/\p{L}/gu) ?? []).length >= 2;
    })
    .map((message) => new RegExp(`^${message.split(PLACEHOLDER).map(escapeRegExp).join('[\\s\\S]*')}$`, 'u'));
}

const PATTERNS: Readonly<Record<Locale, RegExp[]>> = Object.fromEntries(
  LOCALES.map((locale) => [locale, patternsOf(locale)]),
) as Record<Locale, RegExp[]>;

/** Text one message of the locale's catalog says (whole, or one message per line). */
export function isCatalogText(locale: Locale, text: string): boolean {
  const matches = (line: string) => PATTERNS[locale].some((pattern) => pattern.test(line));
  return matches(text) || text.split('\n').every((line) => line.trim() === '' || matches(line));
}

/** The apology a failed turn sends (errors.generic), in any language. */
const APOLOGIES = LOCALES.map(
  (locale) =>
    new RegExp(
      `^${t(locale, 'errors.generic', { reference: '\u0000' }).split('\u0000').map(escapeRegExp).join('.*')}$`,
      'su',
    ),
);
export const isApology = (text: string): boolean => APOLOGIES.some((pattern) => pattern.test(text));

export const cardOf = (reply: Reply | undefined): Card | undefined => {
  const content = reply?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  return content !== null && typeof content === 'object' && !Array.isArray(content) ? (content as Card) : undefined;
};

export const cardsOf = (replies: readonly Reply[]): Card[] =>
  replies.map(cardOf).filter((c): c is Card => c !== undefined);
export const textsOf = (replies: readonly Reply[]): string[] =>
  replies.map((r) => r.text).filter((x): x is string => typeof x === 'string');
export const textBlocks = (card: unknown): string[] => [...objectsOfType(card, 'TextBlock')].map((b) => String(b.text));
export const textRuns = (card: unknown): string[] => [...objectsOfType(card, 'TextRun')].map((r) => String(r.text));
/** The card's heading: its first TextBlock. */
export const titleOf = (card: unknown): string | undefined => textBlocks(card)[0];

/**
 * A card of the locale: the fallback text and every TextBlock (which Teams renders as
 * markdown, so only our own labels go there) are the locale's catalog text.
 */
export function assertLocalizedCard(card: Card, locale: Locale, where = ''): void {
  assert.equal(card.fallbackText, t(locale, 'app.cardFallback'), `${where}: the card is not in ${locale}`);
  for (const text of textBlocks(card))
    assert.ok(
      isCatalogText(locale, text),
      `${where}: the TextBlock ${JSON.stringify(text.slice(0, 200))} is not ${locale} catalog text`,
    );
  for (const facts of objectsOfType(card, 'FactSet'))
    assert.fail(`${where}: a FactSet (${JSON.stringify(facts).slice(0, 200)}) could carry user text as markdown`);
}

/**
 * At least one answer, each a message of the locale's catalog or a localized card, none
 * the apology for a failed turn. Messages carrying user text are plain text.
 */
export function assertLocalizedReplies(replies: readonly Reply[], locale: Locale, where = ''): void {
  const shown = replies.filter((r) => r.type === 'message');
  assert.ok(shown.length > 0, `${where}: no answer at all`);
  for (const reply of shown) {
    const card = cardOf(reply);
    if (card) assertLocalizedCard(card, locale, where);
    if (typeof reply.text === 'string' && reply.text !== '') {
      assert.ok(!isApology(reply.text), `${where}: the turn failed (${reply.text})`);
      assert.ok(
        isCatalogText(locale, reply.text),
        `${where}: ${JSON.stringify(reply.text.slice(0, 300))} is not ${locale} catalog text`,
      );
    }
    if (!card && (typeof reply.text !== 'string' || reply.text === ''))
      assert.fail(`${where}: an empty message ${JSON.stringify(reply).slice(0, 300)}`);
  }
}

/** The own property names of the prototypes a hostile merge could pollute. */
export function prototypeSnapshot(): string[] {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .flatMap((proto, i) => Object.getOwnPropertyNames(proto).map((name) => `${i}:${name}`))
    .sort();
}

/** The marker key the fuzzers put under `__proto__`, `constructor` and `prototype`. */
export const POLLUTION_MARKER = 'hostilePolluted';

export function assertUnpolluted(before: readonly string[], where = ''): void {
  assert.deepEqual(prototypeSnapshot(), before, `${where}: a prototype changed`);
  assert.equal(Reflect.get({}, POLLUTION_MARKER), undefined, `${where}: Object.prototype polluted`);
  assert.equal(Reflect.get([], POLLUTION_MARKER), undefined, `${where}: Array.prototype polluted`);
}

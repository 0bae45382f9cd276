/**
 * Loading, caching and expanding the card templates. Templates are JSON imported at
 * build time (so `tsc` ships them with the code) and parsed into an
 * adaptivecards-templating Template once, on first use.
 *
 * User text is data: the templating engine evaluates `${...}` only in the template;
 * values bound from the view model are copied as they are (cards.test.ts proves it
 * with `${$root.secret}` and function calls as customer names). Teams renders
 * markdown in TextBlock and FactSet, so templates show user text only in
 * RichTextBlock TextRuns, which the Adaptive Card schema defines as plain text;
 * TextBlocks show nothing but `labels.*` (our own strings). A test enforces it.
 */
import { Template } from 'adaptivecards-templating';
import { t, type Locale, type MessageKey } from '../locales/i18n';
import answered from './answered.json';
import cancelConfirm from './cancelConfirm.json';
import claimsList from './claimsList.json';
import comments from './comments.json';
import commentsThread from './commentsThread.json';
import contacts from './contacts.json';
import customerConsent from './customerConsent.json';
import draftsList from './draftsList.json';
import help from './help.json';
import history from './history.json';
import language from './language.json';
import notice from './notice.json';
import poe from './poe.json';
import poeChecklist from './poeChecklist.json';
import proposalNotice from './proposalNotice.json';
import products from './products.json';
import summary from './summary.json';
import receipt from './receipt.json';
import reviewDetail from './reviewDetail.json';
import reviewQueue from './reviewQueue.json';
import revenueDetails from './revenueDetails.json';
import start from './start.json';
import status from './status.json';
import subscriptions from './subscriptions.json';
import welcome from './welcome.json';
import members from './members.json';
import organisations from './organisations.json';
import onboarding from './onboarding.json';
import accessRequest from './accessRequest.json';

export const CARD_TEMPLATES = {
  welcome,
  help,
  start,
  revenueDetails,
  products,
  subscriptions,
  contacts,
  poe,
  poeChecklist,
  proposalNotice,
  comments,
  summary,
  receipt,
  draftsList,
  claimsList,
  status,
  history,
  cancelConfirm,
  notice,
  customerConsent,
  language,
  reviewQueue,
  reviewDetail,
  commentsThread,
  answered,
  members,
  organisations,
  onboarding,
  accessRequest,
} as const;

export type CardName = keyof typeof CARD_TEMPLATES;
export const CARD_NAMES = Object.keys(CARD_TEMPLATES) as CardName[];

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The shape of a Bot Framework Attachment, without importing botbuilder here. */
export interface CardAttachment {
  contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  content: Record<string, unknown>;
}

const templates = new Map<CardName, Template>();

function templateFor(name: CardName): Template {
  let template = templates.get(name);
  if (!template) {
    template = new Template(CARD_TEMPLATES[name]);
    templates.set(name, template);
  }
  return template;
}

/** A card's data: everything its template binds, `labels` included. */
export type CardData = Record<string, unknown> & { labels: Record<string, string> };

/** Binds a template to its data and wraps the result as an attachment. */
export function expandCard(name: CardName, data: CardData): CardAttachment {
  const expanded: unknown = templateFor(name).expand({ $root: data });
  if (typeof expanded !== 'object' || expanded === null || Array.isArray(expanded)) {
    throw new Error(`card template ${name} did not expand to an object`);
  }
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: expanded as Record<string, unknown> };
}

/**
 * The card with `elements` in place of its element with id `anchor` (at any depth of
 * containers), or without that element when there are none: how a template part (the
 * PoE checklist, a statement of work's proposal) goes into the cards that show it.
 */
export function spliceAt(card: CardAttachment, anchor: string, elements: readonly unknown[]): CardAttachment {
  const place = (nodes: unknown[]): unknown[] =>
    nodes.flatMap((node) => {
      if (typeof node !== 'object' || node === null) return [node];
      const element = node as Record<string, unknown>;
      if (element.id === anchor) return [...elements];
      return [Array.isArray(element.items) ? { ...element, items: place(element.items) } : element];
    });
  const body = Array.isArray(card.content.body) ? place(card.content.body) : card.content.body;
  return { ...card, content: { ...card.content, body } };
}

/** Resolves a card's label map (binding name → message key) in one locale, plus the fallback text. */
export function labelsFor(locale: Locale, keys: Readonly<Record<string, MessageKey>>): Record<string, string> {
  const labels: Record<string, string> = { fallback: t(locale, 'app.cardFallback') };
  for (const [name, key] of Object.entries(keys)) labels[name] = t(locale, key);
  return labels;
}

/** "Page 2" over a list, and nothing when everything fits on one page (no "Page 1" of one). */
export const pagerData = (
  locale: Locale,
  page: number,
  hasNext: boolean,
): { pageLabel: string; showPager: boolean } => ({
  pageLabel: t(locale, 'claimsList.page', { page }),
  showPager: page > 1 || hasNext,
});

/** Identifies the card a submit came from: the claim and the dialog step's nonce. */
export interface StepContext {
  /** '' before the claim exists (the first steps) and on cards outside a claim. */
  claimId: string;
  /** The waterfall step's nonce; '' on cards outside a dialog. */
  nonce: string;
  /** On the claim's step cards: which claim this is and how far the partner got. */
  header?: StepHeader;
}

export interface StepHeader {
  /** The claim's name (user text), or "New claim" before it has one. */
  claimName: string;
  /** "Step 3 of 6", localized. */
  progress: string;
}

/** The header line's data; the templates show it above the title when there is one. */
export const headerData = (
  header: StepHeader | undefined,
): { hasHeader: boolean; headerName: string; headerProgress: string } => ({
  hasHeader: header !== undefined,
  headerName: header?.claimName ?? '',
  // The separator is punctuation, the same in the three languages.
  headerProgress: header ? ` · ${header.progress}` : '',
});

/** Problem sentences already localized, or none; the flag spares templates an expression. */
export const problemData = (problems: readonly string[] | undefined): { problems: string[]; hasProblems: boolean } => ({
  problems: [...(problems ?? [])],
  hasProblems: (problems ?? []).length > 0,
});

/**
 * A text message Teams shows as typed. Bot messages default to markdown in Teams, so
 * a sentence carrying a claim name or a reviewer's note must say `plain`, or
 * `[x](https://…)` in that text becomes a link.
 */
export function plainTextMessage(text: string): { type: 'message'; text: string; textFormat: 'plain' } {
  return { type: 'message', text, textFormat: 'plain' };
}

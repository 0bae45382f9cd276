/**
 * Reading an Action.Execute's data (the card's data with the inputs merged in) and
 * answering with a card. The data comes from the client and may be forged: it is read
 * as untrusted text, and only ever names things, never grants anything.
 */
import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { ADAPTIVE_CARD_CONTENT_TYPE, renderNoticeCard, type CardAttachment } from '../cards/render';
import type { Locale } from '../locales/i18n';
import type { CardActionData } from './cardActions';

/** Our claim ids and tenant ids: anything else is not looked up at all. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A trimmed string field, or undefined when absent, empty or not a string. */
export function textField(data: CardActionData, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** An id field, or undefined when it cannot be one of ours. */
export function idField(data: CardActionData, key: string): string | undefined {
  const value = textField(data, key);
  return value !== undefined && ID.test(value) ? value : undefined;
}

/** A multi-select's value: Teams sends the chosen values comma-separated. */
export function listField(data: CardActionData, key: string): string[] {
  return (textField(data, key) ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Replaces the clicked card, for the clicker, with this one. */
export function cardResponse(card: CardAttachment): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card.content };
}

/** A card that only says something (a refusal, a claim that is gone). */
export function noticeResponse(
  locale: Locale,
  tone: 'warning' | 'attention',
  lines: string[],
): AdaptiveCardInvokeResponse {
  return cardResponse(renderNoticeCard({ tone, lines }, locale));
}

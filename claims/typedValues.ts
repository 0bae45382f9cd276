/**
 * What a partner typed in the chat instead of filling the card ("fabrikam.com
 * 3f2504e0-4f89-…"): the values a claim card asks, read out of the words, so the card
 * shown again holds them. Only well-formed values are taken; the card still checks them.
 */
import { normalizeGuid, normalizeMpnId, validateDomain, validateEmail, validateMpnId } from './validation';

export interface TypedValues {
  domain?: string;
  tenantId?: string;
  email?: string;
  mpnId?: string;
}

/** Words split at spaces and the commas, semicolons and brackets people put around values. */
const WORDS = /[\s,;、，；()（）<>「」]+/u;

export function readTypedValues(text: string): TypedValues {
  const found: TypedValues = {};
  for (const raw of text.normalize('NFKC').split(WORDS)) {
    const word = raw.replace(/^[."'“”‘’]+|[."'“”‘’:!?]+$/gu, '');
    if (word === '') continue;
    if (found.tenantId === undefined && normalizeGuid(word) !== undefined) found.tenantId = word;
    else if (word.includes('@')) {
      if (found.email === undefined && validateEmail(word) === undefined) found.email = word;
    } else if (/^\d+$/.test(word)) {
      if (found.mpnId === undefined && validateMpnId(word) === undefined) found.mpnId = normalizeMpnId(word);
    } else if (found.domain === undefined && word.includes('.') && validateDomain(word) === undefined)
      found.domain = word;
  }
  return found;
}

/**
 * The small pieces every signed link shares (consent links, PoE template links): strict
 * base64url and constant-time comparison. Pure (node:crypto only).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export const toBase64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * Bytes of a canonical base64url string, or undefined for anything else. Node's decoder
 * ignores stray characters and the unused low bits of the last character, and either
 * would let a changed token verify: so decode, re-encode and compare.
 */
export function fromCanonicalBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Equal strings, compared in time independent of where they differ. */
export function sameSecretText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** HMAC-SHA256 of `text`, base64url. */
export function macOf(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

/**
 * A signed JSON payload's `fields`, when each is a non-empty string and `expiresAt` a
 * date; only those fields are kept. Undefined for anything else.
 */
export function signedFieldsOf<F extends string>(
  bytes: Buffer,
  fields: readonly F[],
): (Record<F, string> & { expiresAt: string }) | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  if (![...fields, 'expiresAt'].every((field) => typeof record[field] === 'string' && record[field] !== ''))
    return undefined;
  if (Number.isNaN(Date.parse(String(record.expiresAt)))) return undefined;
  // Every field was just checked to be a string.
  return Object.fromEntries([...fields, 'expiresAt'].map((field) => [field, record[field]])) as Record<F, string> & {
    expiresAt: string;
  };
}

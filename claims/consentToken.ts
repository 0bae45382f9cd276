/**
 * Customer consent links: the token in `{PUBLIC_URL}/consent/{token}` and the CSRF
 * token of the page it opens. Pure (node:crypto only), so the domain owns the rules.
 *
 * Token (v2, issued now): `v2.<grantId>.<signature>`, the grant kept on the server.
 * Token (v1, still accepted while its window is open): `v1.<payload>.<signature>`, payload = base64url(JSON of the grant), signature =
 * base64url(HMAC-SHA256(tokenKey, "v1.<payload>")). The grant binds the claim, its
 * partner, the contact's lowercased email, the purpose, the expiry (= the opt-out
 * window's close) and a nonce the server burns when the link is used.
 *
 * Verification order, each failure with its own reason:
 *   1. shape (version, three strict base64url parts, size)   → tokenMalformed
 *   2. signature, compared in constant time                  → tokenBadSignature
 *      (nothing from the payload is parsed before this passes)
 *   3. the signed payload's fields                           → tokenMalformed
 *   4. purpose                                               → tokenWrongPurpose
 *   5. expiry against the injected clock                     → tokenExpired
 * Base64url is checked canonically (decode, re-encode, compare): Node's decoder ignores
 * stray characters and the unused low bits of the last character, and either would let
 * a changed token verify.
 *
 * CSRF, the choice: a double-submit bound to the link. The page's GET draws a random
 * page secret, puts it in a SameSite=Strict, HttpOnly cookie, and puts
 * HMAC(csrfKey, nonce + page secret) in the form. The POST must bring both and they
 * must match for this link's nonce. So a decision is accepted only from a page we served
 * to the same browser (a cross-site form gets no Strict cookie, a blind POST has neither),
 * and a form token taken from one link is worthless for another. No server state.
 *
 * Every key is derived from the one configured secret with HKDF, one per use, so a
 * value signed for one purpose can never pass as another.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { fail, ok, type Result } from './errors';
import { systemClock, type Clock } from './ports';
import { fromCanonicalBase64url, macOf, sameSecretText, signedFieldsOf, toBase64url } from './signedText';

export const CONSENT_PURPOSE = 'customerConsent';
export const CONSENT_TOKEN_VERSION = 'v1';
/** `v2.<grantId>.<signature>`: an opaque grant id the server looks up; no personal data in the link. */
export const GRANT_TOKEN_VERSION = 'v2';
const GRANT_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** What a verified token refers to: the grant itself (v1 links, accepted while their windows are open) or its id (v2). */
export type TokenReference = { kind: 'grant'; grant: ConsentGrant } | { kind: 'grantId'; grantId: string };

/** What a consent link grants: one contact's answer on one claim, until the window closes. */
export interface ConsentGrant {
  claimId: string;
  partnerId: string;
  /** Lowercased. */
  contactEmail: string;
  purpose: typeof CONSENT_PURPOSE;
  /** ISO instant; the window's close. */
  expiresAt: string;
  nonce: string;
}

export type ConsentTokenRejection = 'tokenMalformed' | 'tokenBadSignature' | 'tokenExpired' | 'tokenWrongPurpose';

/** A refused token. An expired one was genuine, so its grant comes along (to name the date). */
export type TokenRefusal =
  { reason: Exclude<ConsentTokenRejection, 'tokenExpired'> } | { reason: 'tokenExpired'; grant: ConsentGrant };

export interface ConsentGrantInput {
  claimId: string;
  partnerId: string;
  contactEmail: string;
  expiresAt: Date | string;
  /** Random when absent; `nonceFor(seed)` gives one that repeats for the same seed. */
  nonce?: string;
}

/** Longest token we look at: a grant is well under 1 KB; anything larger is not ours. */
export const MAX_TOKEN_LENGTH = 2048;
const MIN_SECRET_LENGTH = 32;
const GRANT_FIELDS = ['claimId', 'partnerId', 'contactEmail', 'purpose', 'expiresAt', 'nonce'] as const;

export class ConsentTokens {
  private readonly tokenKey: Buffer;
  private readonly csrfKey: Buffer;
  private readonly nonceKey: Buffer;
  private readonly clock: Clock;

  /** `secret` is CONSENT_SIGNING_KEY; throws RangeError when it is too short to be a key. */
  constructor(secret: string, clock: Clock = systemClock) {
    if (secret.length < MIN_SECRET_LENGTH)
      throw new RangeError(`the consent signing key must be at least ${MIN_SECRET_LENGTH} characters`);
    const derive = (use: string) => Buffer.from(hkdfSync('sha256', secret, 'cpor-consent-links', use, 32));
    this.tokenKey = derive('token-v1');
    this.csrfKey = derive('csrf-v1');
    this.nonceKey = derive('nonce-v1');
    this.clock = clock;
  }

  issue(input: ConsentGrantInput): string {
    const expires = new Date(input.expiresAt);
    if (Number.isNaN(expires.getTime())) throw new RangeError('a consent token needs a valid expiry');
    const grant: ConsentGrant = {
      claimId: input.claimId,
      partnerId: input.partnerId,
      contactEmail: input.contactEmail.trim().toLowerCase(),
      purpose: CONSENT_PURPOSE,
      expiresAt: expires.toISOString(),
      nonce: input.nonce ?? randomBytes(16).toString('base64url'),
    };
    return this.sign(grant);
  }

  /** Signs any payload; `issue` is the way in, this is open so tests can sign odd payloads. */
  sign(payload: unknown): string {
    const body = `${CONSENT_TOKEN_VERSION}.${toBase64url(JSON.stringify(payload))}`;
    return `${body}.${this.mac(this.tokenKey, body)}`;
  }

  /** A link token that names the grant by id only. */
  grantToken(grantId: string): string {
    if (!GRANT_ID.test(grantId)) throw new RangeError('a grant id is 16-64 base64url characters');
    const body = `${GRANT_TOKEN_VERSION}.${grantId}`;
    return `${body}.${this.mac(this.tokenKey, body)}`;
  }

  /**
   * A v2 token's grant id (signature checked), or a v1 token's grant (fully verified):
   * links sent before grant ids existed keep working until their windows close.
   */
  verifyReference(token: string): Result<TokenReference, TokenRefusal> {
    if (typeof token === 'string' && token.startsWith(`${GRANT_TOKEN_VERSION}.`)) {
      const parts = token.split('.');
      if (parts.length !== 3 || token.length > MAX_TOKEN_LENGTH) return fail({ reason: 'tokenMalformed' });
      const [version, grantId, signature] = parts as [string, string, string];
      if (!GRANT_ID.test(grantId) || !fromCanonicalBase64url(signature)) return fail({ reason: 'tokenMalformed' });
      if (!sameSecretText(this.mac(this.tokenKey, `${version}.${grantId}`), signature))
        return fail({ reason: 'tokenBadSignature' });
      return ok({ kind: 'grantId', grantId });
    }
    const verified = this.verify(token);
    return verified.ok ? ok({ kind: 'grant', grant: verified.value }) : verified;
  }

  /** A looked-up grant's purpose and expiry, checked as a v1 token's are. */
  checkGrant(grant: ConsentGrant): Result<ConsentGrant, TokenRefusal> {
    if (grant.purpose !== CONSENT_PURPOSE) return fail({ reason: 'tokenWrongPurpose' });
    if (this.clock.now().getTime() >= Date.parse(grant.expiresAt)) return fail({ reason: 'tokenExpired', grant });
    return ok(grant);
  }

  verify(token: string): Result<ConsentGrant, TokenRefusal> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return fail({ reason: 'tokenMalformed' });
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== CONSENT_TOKEN_VERSION) return fail({ reason: 'tokenMalformed' });
    const [version, payload, signature] = parts as [string, string, string];
    const payloadBytes = fromCanonicalBase64url(payload);
    if (!payloadBytes || !fromCanonicalBase64url(signature)) return fail({ reason: 'tokenMalformed' });
    if (!sameSecretText(this.mac(this.tokenKey, `${version}.${payload}`), signature))
      return fail({ reason: 'tokenBadSignature' });

    const grant = parseGrant(payloadBytes);
    if (!grant) return fail({ reason: 'tokenMalformed' });
    if (grant.purpose !== CONSENT_PURPOSE) return fail({ reason: 'tokenWrongPurpose' });
    const consent = grant as ConsentGrant;
    if (this.clock.now().getTime() >= Date.parse(consent.expiresAt))
      return fail({ reason: 'tokenExpired', grant: consent });
    return ok(consent);
  }

  /** A nonce that is the same for the same seed (so a re-sent email carries the same link) and unguessable without the key. */
  nonceFor(seed: string): string {
    return this.mac(this.nonceKey, `nonce.${seed}`).slice(0, 22);
  }

  /** A fresh random value for one rendering of the consent page (it goes in the cookie). */
  newPageSecret(): string {
    return randomBytes(18).toString('base64url');
  }

  /** The form's CSRF token: bound to this link's nonce and this page's secret. */
  csrfToken(grant: Pick<ConsentGrant, 'nonce'>, pageSecret: string): string {
    return this.mac(this.csrfKey, `csrf.${grant.nonce}.${pageSecret}`);
  }

  verifyCsrf(
    grant: Pick<ConsentGrant, 'nonce'>,
    pageSecret: string | undefined,
    presented: string | undefined,
  ): boolean {
    if (!pageSecret || !presented) return false;
    return sameSecretText(this.csrfToken(grant, pageSecret), presented);
  }

  /**
   * The cookie that carries the page secret, named per link so two consent pages open
   * side by side do not overwrite each other's secret. Reveals nothing about the nonce.
   */
  csrfCookieName(grant: Pick<ConsentGrant, 'nonce'>): string {
    return `consent_${this.mac(this.csrfKey, `cookie.${grant.nonce}`).slice(0, 16)}`;
  }

  private mac(key: Buffer, text: string): string {
    return macOf(key, text);
  }
}

/** The signed payload as a grant, or undefined when a field is missing or not a non-empty string. */
function parseGrant(bytes: Buffer): (Omit<ConsentGrant, 'purpose'> & { purpose: string }) | undefined {
  return signedFieldsOf(bytes, GRANT_FIELDS);
}

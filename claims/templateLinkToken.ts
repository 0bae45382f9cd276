/**
 * The token of a PoE template link, `{PUBLIC_URL}/poe-template?link={token}`: it opens the
 * claim's filled-in Word template, which is made when the link is opened, not in the turn
 * that shows the card. Most partners upload their own signed SOW and never open it, and
 * making one (the Word document, its upload and a SAS) was a tenth of a claim's CPU.
 *
 * `t1.<payload>.<signature>`: payload = base64url(JSON {partnerId, claimId, locale,
 * expiresAt}), signature = base64url(HMAC-SHA256(key, "t1.<payload>")), the key derived
 * with HKDF from the configured signing secret for this use alone, so a consent token
 * never passes as a template token, nor the reverse. Like the read-only SAS it replaces,
 * it is a bearer link for a few hours; it names the claim, not a person.
 *
 * Verification order: shape → signature (constant time; nothing parsed before it passes)
 * → the payload's fields → expiry.
 */
import { hkdfSync } from 'node:crypto';
import { fail, ok, type Result } from './errors';
import { systemClock, type Clock } from './ports';
import { fromCanonicalBase64url, macOf, sameSecretText, signedFieldsOf, toBase64url } from './signedText';

export const TEMPLATE_TOKEN_VERSION = 't1';
/** A grant is about 200 bytes; anything much longer is not ours. */
const MAX_TOKEN_LENGTH = 1024;
const MIN_SECRET_LENGTH = 32;
const FIELDS = ['partnerId', 'claimId', 'locale'] as const;

/** What a template link opens: one claim's template, in one language, until it expires. */
export interface TemplateGrant {
  partnerId: string;
  claimId: string;
  locale: string;
  /** ISO instant. */
  expiresAt: string;
}

export type TemplateTokenRefusal = 'tokenMalformed' | 'tokenBadSignature' | 'tokenExpired';

export class TemplateLinkTokens {
  private readonly key: Buffer;

  /** `secret` is the deployment's signing key (CONSENT_SIGNING_KEY); throws RangeError when too short. */
  constructor(
    secret: string,
    private readonly clock: Clock = systemClock,
  ) {
    if (secret.length < MIN_SECRET_LENGTH)
      throw new RangeError(`the signing key must be at least ${MIN_SECRET_LENGTH} characters`);
    this.key = Buffer.from(hkdfSync('sha256', secret, 'cpor-template-links', 'token-t1', 32));
  }

  issue(grant: Omit<TemplateGrant, 'expiresAt'>, ttlSeconds: number): string {
    if (!(ttlSeconds > 0)) throw new RangeError('a template link needs a positive lifetime');
    const expiresAt = new Date(this.clock.now().getTime() + ttlSeconds * 1000).toISOString();
    const payload: TemplateGrant = {
      partnerId: grant.partnerId,
      claimId: grant.claimId,
      locale: grant.locale,
      expiresAt,
    };
    return this.sign(payload);
  }

  /** Signs any payload; `issue` is the way in, this is open so tests can sign odd payloads. */
  sign(payload: unknown): string {
    const body = `${TEMPLATE_TOKEN_VERSION}.${toBase64url(JSON.stringify(payload))}`;
    return `${body}.${macOf(this.key, body)}`;
  }

  verify(token: string): Result<TemplateGrant, TemplateTokenRefusal> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return fail('tokenMalformed');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== TEMPLATE_TOKEN_VERSION) return fail('tokenMalformed');
    const [version, payload, signature] = parts as [string, string, string];
    const bytes = fromCanonicalBase64url(payload);
    if (!bytes || !fromCanonicalBase64url(signature)) return fail('tokenMalformed');
    if (!sameSecretText(macOf(this.key, `${version}.${payload}`), signature)) return fail('tokenBadSignature');
    const grant = signedFieldsOf(bytes, FIELDS);
    if (!grant) return fail('tokenMalformed');
    if (this.clock.now().getTime() >= Date.parse(grant.expiresAt)) return fail('tokenExpired');
    return ok(grant);
  }
}

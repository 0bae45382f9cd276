import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CONSENT_PURPOSE,
  ConsentTokens,
  MAX_TOKEN_LENGTH,
  type ConsentGrant,
  type ConsentTokenRejection,
} from '../../claims/consentToken';
import type { Clock } from '../../claims/ports';

const SECRET = 'a-test-signing-key-that-is-long-enough-0123456789';
const NOW = new Date('2026-03-02T17:00:00.000Z');
const CLOSES = new Date('2026-03-09T17:00:00.000Z');

class SettableClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return this.at;
  }
}

const input = { claimId: 'claim-1', partnerId: 'partner-1', contactEmail: '  Chris@Contoso.COM ', expiresAt: CLOSES };

function reasonOf(tokens: ConsentTokens, token: string): ConsentTokenRejection | 'accepted' {
  const result = tokens.verify(token);
  return result.ok ? 'accepted' : result.error.reason;
}

function parts(token: string): [string, string, string] {
  const [version = '', payload = '', signature = ''] = token.split('.');
  return [version, payload, signature];
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (payload: string) =>
  JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('consent tokens', () => {
  let clock: SettableClock;
  let tokens: ConsentTokens;
  beforeEach(() => {
    clock = new SettableClock(NOW);
    tokens = new ConsentTokens(SECRET, clock);
  });

  describe('round trip', () => {
    it('gives back the grant it was issued for, with the email lowercased and the purpose set', () => {
      const token = tokens.issue({ ...input, nonce: 'nonce-1' });
      const result = tokens.verify(token);
      assert.ok(result.ok);
      assert.deepEqual(result.value, {
        claimId: 'claim-1',
        partnerId: 'partner-1',
        contactEmail: 'chris@contoso.com',
        purpose: CONSENT_PURPOSE,
        expiresAt: CLOSES.toISOString(),
        nonce: 'nonce-1',
      } satisfies ConsentGrant);
    });

    it('is versioned, URL-safe and small enough for a link', () => {
      const token = tokens.issue(input);
      assert.match(token, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      assert.ok(token.length < 400, `${token.length} characters`);
    });

    it('draws a fresh random nonce per token unless one is given', () => {
      const first = tokens.verify(tokens.issue(input));
      const second = tokens.verify(tokens.issue(input));
      assert.ok(first.ok && second.ok);
      assert.notEqual(first.value.nonce, second.value.nonce);
    });

    it('derives the same nonce from the same seed, and a different one from another seed or key', () => {
      assert.equal(
        tokens.nonceFor('claim-1/5.customerConsentRequest'),
        tokens.nonceFor('claim-1/5.customerConsentRequest'),
      );
      assert.notEqual(
        tokens.nonceFor('claim-1/5.customerConsentRequest'),
        tokens.nonceFor('claim-1/6.customerConsentRequest'),
      );
      assert.notEqual(tokens.nonceFor('seed'), new ConsentTokens(`${SECRET}-other`, clock).nonceFor('seed'));
    });

    it('refuses a key too short to be one', () => {
      assert.throws(() => new ConsentTokens('short'), RangeError);
    });

    it('refuses to issue a token without a valid expiry', () => {
      assert.throws(() => tokens.issue({ ...input, expiresAt: 'not a date' }), RangeError);
    });
  });

  describe('tampering', () => {
    it('a token signed with another key is a bad signature', () => {
      const forged = new ConsentTokens(`${SECRET}-attacker`, clock).issue(input);
      assert.equal(reasonOf(tokens, forged), 'tokenBadSignature');
    });

    it('a payload changed to another claim, contact or later expiry, keeping the signature, is a bad signature', () => {
      const [version, payload, signature] = parts(tokens.issue(input));
      const grant = decode(payload);
      for (const change of [
        { claimId: 'claim-2' },
        { contactEmail: 'mallory@evil.example' },
        { expiresAt: '2099-01-01T00:00:00.000Z' },
        { partnerId: 'p2' },
      ]) {
        assert.equal(
          reasonOf(tokens, `${version}.${encode({ ...grant, ...change })}.${signature}`),
          'tokenBadSignature',
          JSON.stringify(change),
        );
      }
    });

    it('a signature moved from another token is a bad signature', () => {
      const [version, payload] = parts(tokens.issue(input));
      const [, , otherSignature] = parts(tokens.issue({ ...input, claimId: 'claim-2' }));
      assert.equal(reasonOf(tokens, `${version}.${payload}.${otherSignature}`), 'tokenBadSignature');
    });

    it('an unknown version, a missing part or an extra part is malformed', () => {
      const token = tokens.issue(input);
      const [, payload, signature] = parts(token);
      for (const bad of [
        `v2.${payload}.${signature}`,
        `${payload}.${signature}`,
        `${token}.x`,
        `v1..${signature}`,
        `v1.${payload}.`,
        '',
        'v1',
        '...',
      ]) {
        assert.equal(reasonOf(tokens, bad), 'tokenMalformed', bad);
      }
    });

    it('characters outside base64url, padding and whitespace are malformed, not ignored', () => {
      const [version, payload, signature] = parts(tokens.issue(input));
      for (const bad of [
        `${version}.${payload}=.${signature}`,
        `${version}.${payload}.${signature}=`,
        `${version}.${payload} .${signature}`,
        `${version}.${payload}.${signature}\n`,
        `${version}.${payload.replace(/.$/, '+')}.${signature}`,
      ]) {
        assert.equal(reasonOf(tokens, bad), 'tokenMalformed', JSON.stringify(bad));
      }
    });

    it('an over-long token is malformed before any hashing', () => {
      assert.equal(reasonOf(tokens, `v1.${'A'.repeat(MAX_TOKEN_LENGTH)}.x`), 'tokenMalformed');
    });

    it('a correctly signed payload that is not a complete grant is malformed', () => {
      const grant = decode(parts(tokens.issue(input))[1]);
      for (const payload of [
        { ...grant, nonce: '' },
        { ...grant, claimId: 42 },
        { ...grant, expiresAt: 'soon' },
        ['a'],
        'text',
        null,
      ]) {
        assert.equal(reasonOf(tokens, tokens.sign(payload)), 'tokenMalformed', JSON.stringify(payload));
      }
      const { nonce: _dropped, ...withoutNonce } = grant;
      assert.equal(reasonOf(tokens, tokens.sign(withoutNonce)), 'tokenMalformed');
    });

    it('a correctly signed grant for another purpose is the wrong purpose', () => {
      const grant = decode(parts(tokens.issue(input))[1]);
      assert.equal(reasonOf(tokens, tokens.sign({ ...grant, purpose: 'passwordReset' })), 'tokenWrongPurpose');
    });

    it('any single flipped bit anywhere in the token is refused', () => {
      const token = tokens.issue(input);
      const bytes = Buffer.from(token, 'latin1');
      fc.assert(
        fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
          const flipped = Buffer.from(bytes);
          flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7));
          const result = tokens.verify(flipped.toString('latin1'));
          return !result.ok && result.error.reason !== 'tokenExpired';
        }),
        { numRuns: 2000 },
      );
    });

    it('any single flipped bit in the last signature character is refused (its unused low bits are not slack)', () => {
      const token = tokens.issue(input);
      for (let bit = 0; bit < 8; bit++) {
        const bytes = Buffer.from(token, 'latin1');
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ (1 << bit);
        assert.notEqual(reasonOf(tokens, bytes.toString('latin1')), 'accepted', `bit ${bit}`);
      }
    });
  });

  describe('expiry', () => {
    it('is accepted until just before the window closes and expired from that moment on, with the genuine grant', () => {
      const token = tokens.issue(input);
      clock.at = new Date(CLOSES.getTime() - 1);
      assert.equal(reasonOf(tokens, token), 'accepted');
      clock.at = CLOSES;
      const result = tokens.verify(token);
      assert.ok(!result.ok && result.error.reason === 'tokenExpired');
      assert.equal(result.error.grant.claimId, 'claim-1');
      clock.at = new Date(CLOSES.getTime() + 86_400_000);
      assert.equal(reasonOf(tokens, token), 'tokenExpired');
    });

    it('a signature failure wins over expiry: a forged token never reads as merely expired', () => {
      clock.at = new Date('2030-01-01T00:00:00.000Z');
      const forged = new ConsentTokens(`${SECRET}-attacker`, clock).issue(input);
      assert.equal(reasonOf(tokens, forged), 'tokenBadSignature');
    });
  });

  describe('CSRF tokens', () => {
    const grant = { nonce: 'nonce-1' };

    it('accept the token made for this link and page secret', () => {
      const secret = tokens.newPageSecret();
      assert.equal(tokens.verifyCsrf(grant, secret, tokens.csrfToken(grant, secret)), true);
    });

    it('refuse another page secret, another link, a missing cookie or a missing form field', () => {
      const secret = tokens.newPageSecret();
      const csrf = tokens.csrfToken(grant, secret);
      assert.equal(tokens.verifyCsrf(grant, tokens.newPageSecret(), csrf), false);
      assert.equal(tokens.verifyCsrf({ nonce: 'nonce-2' }, secret, csrf), false);
      assert.equal(tokens.verifyCsrf(grant, undefined, csrf), false);
      assert.equal(tokens.verifyCsrf(grant, secret, undefined), false);
      assert.equal(tokens.verifyCsrf(grant, secret, `${csrf}x`), false);
    });

    it('draw a different page secret each time, and name the cookie per link without showing the nonce', () => {
      assert.notEqual(tokens.newPageSecret(), tokens.newPageSecret());
      const name = tokens.csrfCookieName(grant);
      assert.match(name, /^consent_[A-Za-z0-9_-]{16}$/);
      assert.ok(!name.includes('nonce'));
      assert.notEqual(name, tokens.csrfCookieName({ nonce: 'nonce-2' }));
    });

    it('are not the consent token signature (keys are derived per use)', () => {
      const token = tokens.issue({ ...input, nonce: 'nonce-1' });
      assert.ok(!token.includes(tokens.csrfToken(grant, '')));
    });
  });

  describe('grant-id tokens (v2)', () => {
    const tokens = new ConsentTokens(SECRET, new SettableClock(NOW));
    const grantId = tokens.nonceFor('partner-1/claim-1/3.customerConsentRequest');

    it('name only the grant id, signed; a changed id or signature, another key or version is refused', () => {
      const token = tokens.grantToken(grantId);
      assert.deepEqual(tokens.verifyReference(token), { ok: true, value: { kind: 'grantId', grantId } });
      const [version, id, signature] = parts(token);
      const other = new ConsentTokens(`${SECRET}-other`, new SettableClock(NOW));
      const refusal = (t: string) => {
        const result = tokens.verifyReference(t);
        return result.ok ? 'accepted' : result.error.reason;
      };
      assert.equal(
        refusal(`${version}.${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${signature}`),
        'tokenBadSignature',
      );
      assert.equal(refusal(other.grantToken(grantId)), 'tokenBadSignature');
      assert.equal(refusal(`v3.${id}.${signature}`), 'tokenMalformed');
      assert.equal(refusal(`${version}.${id}`), 'tokenMalformed');
      assert.equal(refusal(`${version}.short.${signature}`), 'tokenMalformed');
      assert.throws(() => tokens.grantToken('no dots.allowed'), RangeError);
    });

    it("still verify v1 tokens whole, and check a looked-up grant's purpose and expiry", () => {
      const v1 = tokens.verifyReference(tokens.issue(input));
      assert.ok(v1.ok && v1.value.kind === 'grant' && v1.value.grant.contactEmail === 'chris@contoso.com');
      const grant: ConsentGrant = {
        claimId: 'c',
        partnerId: 'p',
        contactEmail: 'x@y.example',
        purpose: CONSENT_PURPOSE,
        expiresAt: CLOSES.toISOString(),
        nonce: grantId,
      };
      assert.ok(tokens.checkGrant(grant).ok);
      const late = new ConsentTokens(SECRET, new SettableClock(new Date(CLOSES.getTime() + 1)));
      const expired = late.checkGrant(grant);
      assert.ok(!expired.ok && expired.error.reason === 'tokenExpired');
      const wrong = tokens.checkGrant({ ...grant, purpose: 'other' as typeof CONSENT_PURPOSE });
      assert.ok(!wrong.ok && wrong.error.reason === 'tokenWrongPurpose');
    });
  });
});

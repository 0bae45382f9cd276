import assert from 'node:assert/strict';
import { ConsentTokens } from '../../claims/consentToken';
import { TemplateLinkTokens } from '../../claims/templateLinkToken';

/** Why a token was refused, or undefined when it verified. */
const refusalOf = (result: ReturnType<TemplateLinkTokens['verify']>) => (result.ok ? undefined : result.error);

const SECRET = 'a signing secret that is long enough, 32+';

describe('PoE template link tokens', () => {
  let now = new Date('2026-12-02T09:00:00Z');
  const clock = { now: () => now };
  const tokens = new TemplateLinkTokens(SECRET, clock);
  const grant = { partnerId: 'partner-1', claimId: 'claim-1', locale: 'ko-KR' };

  beforeEach(() => {
    now = new Date('2026-12-02T09:00:00Z');
  });

  it('verifies what it issued until the lifetime ends, then says expired', () => {
    const token = tokens.issue(grant, 3600);
    assert.deepEqual(tokens.verify(token), { ok: true, value: { ...grant, expiresAt: '2026-12-02T10:00:00.000Z' } });
    now = new Date('2026-12-02T09:59:59.999Z');
    assert.equal(tokens.verify(token).ok, true);
    now = new Date('2026-12-02T10:00:00.000Z');
    assert.deepEqual(tokens.verify(token), { ok: false, error: 'tokenExpired' });
  });

  it('refuses a changed payload or signature, another key, and a consent token signed with the same secret', () => {
    const token = tokens.issue(grant, 3600);
    const [version, payload, signature] = token.split('.') as [string, string, string];
    const other = Buffer.from(JSON.stringify({ ...grant, claimId: 'claim-2', expiresAt: '2027-01-01T00:00:00Z' }));
    assert.deepEqual(
      refusalOf(tokens.verify(`${version}.${other.toString('base64url')}.${signature}`)),
      'tokenBadSignature',
    );
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
    assert.equal(refusalOf(tokens.verify(`${version}.${payload}.${flipped}`)), 'tokenBadSignature');
    assert.equal(refusalOf(new TemplateLinkTokens(`${SECRET}!`, clock).verify(token)), 'tokenBadSignature');
    // The same secret signs consent links: neither passes as the other.
    const consent = new ConsentTokens(SECRET, clock).sign({ ...grant, expiresAt: '2027-01-01T00:00:00Z' });
    assert.equal(refusalOf(tokens.verify(consent.replace(/^v1\./, 't1.'))), 'tokenBadSignature');
  });

  it('refuses malformed tokens before looking at the payload', () => {
    const token = tokens.issue(grant, 3600);
    for (const bad of [
      '',
      'x',
      token.replace(/^t1/, 't2'),
      `${token}.x`,
      `${token}=`,
      'a'.repeat(2000),
      `t1.@@.${token.split('.')[2]}`,
    ])
      assert.equal(refusalOf(tokens.verify(bad)), 'tokenMalformed', bad.slice(0, 40));
    // Signed by us but missing a field: still not a grant.
    assert.equal(
      refusalOf(tokens.verify(tokens.sign({ partnerId: 'p', claimId: 'c', expiresAt: now.toISOString() }))),
      'tokenMalformed',
    );
    assert.equal(refusalOf(tokens.verify(tokens.sign({ ...grant, expiresAt: 'soon' }))), 'tokenMalformed');
  });

  it('needs a key of at least 32 characters and a positive lifetime', () => {
    assert.throws(() => new TemplateLinkTokens('short'), RangeError);
    assert.throws(() => tokens.issue(grant, 0), RangeError);
  });
});

import assert from 'node:assert/strict';
import { needsSaving, referenceFingerprint, REFERENCE_REFRESH_MS } from '../../../bot/teams/referenceRefresh';

const facts = {
  tenantId: 't1',
  aadObjectId: 'u1',
  email: 'alex@fabrikam.example',
  locale: 'en-US',
  reference: {
    activityId: 'a1',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    conversation: { id: 'c1' },
    user: { id: '29:u1' },
  },
};

describe('bot/teams/referenceRefresh', () => {
  it('fingerprints what reaching the user depends on, not the activity id that changes every turn', () => {
    const first = referenceFingerprint(facts);
    assert.equal(referenceFingerprint({ ...facts, reference: { ...facts.reference, activityId: 'a2' } }), first);
    assert.notEqual(
      referenceFingerprint({
        ...facts,
        reference: { ...facts.reference, serviceUrl: 'https://smba.trafficmanager.net/emea/' },
      }),
      first,
    );
    assert.notEqual(referenceFingerprint({ ...facts, locale: 'ko-KR' }), first);
    assert.notEqual(referenceFingerprint({ ...facts, email: undefined }), first);
  });

  it('saves when nothing was saved, when the reference changed, or when the last save is old', () => {
    const now = new Date('2025-03-03T09:00:00.000Z');
    const fingerprint = referenceFingerprint(facts);
    const savedAgo = (ms: number) => ({ fingerprint, at: new Date(now.getTime() - ms).toISOString() });
    assert.equal(needsSaving(undefined, fingerprint, now), true);
    assert.equal(needsSaving(savedAgo(60_000), fingerprint, now), false);
    assert.equal(needsSaving(savedAgo(60_000), 'another', now), true);
    assert.equal(needsSaving(savedAgo(REFERENCE_REFRESH_MS), fingerprint, now), true);
    assert.equal(
      needsSaving(savedAgo(-60_000), fingerprint, now),
      true,
      'a mark from the future (a skewed clock) is not trusted',
    );
    assert.equal(needsSaving({ fingerprint, at: 'not a date' }, fingerprint, now), true);
  });
});

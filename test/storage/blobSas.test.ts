import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { StorageSharedKeyCredential, type UserDelegationKey } from '@azure/storage-blob';
import type { Clock } from '../../claims/ports';
import {
  SharedKeySigner,
  UserDelegationSigner,
  type ReadLinkRequest,
  type UserDelegationKeySource,
} from '../../storage/blobSas';
import { AZURITE_ACCOUNT, AZURITE_KEY } from '../../storage/standIns';

const START = new Date('2025-03-03T09:00:00.000Z');
const MINUTE = 60_000;

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = START.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** Stands in for getUserDelegationKey (our own port): records each request, answers with a fresh key. */
function keySource() {
  const requests: { startsOn: Date; expiresOn: Date }[] = [];
  let failNext = false;
  const source: UserDelegationKeySource = async (startsOn, expiresOn) => {
    requests.push({ startsOn, expiresOn });
    if (failNext) {
      failNext = false;
      throw new Error('identity endpoint unavailable');
    }
    const key: UserDelegationKey = {
      signedObjectId: '11111111-1111-1111-1111-111111111111',
      signedTenantId: '22222222-2222-2222-2222-222222222222',
      signedStartsOn: startsOn,
      signedExpiresOn: expiresOn,
      signedService: 'b',
      signedVersion: '2025-01-05',
      value: randomBytes(32).toString('base64'),
    };
    return key;
  };
  return { source, requests, failOnce: () => (failNext = true) };
}

function linkRequest(clock: Clock, ttlMs = 5 * MINUTE): ReadLinkRequest {
  return {
    containerName: 'poe',
    blobName: 'partner/claim/poe-1',
    expiresOn: new Date(clock.now().getTime() + ttlMs),
    contentType: 'application/pdf',
    contentDisposition: 'attachment; filename="SOW.pdf"',
    httpsOnly: true,
  };
}

describe('blob read-link signers', () => {
  describe('UserDelegationSigner', () => {
    it('signs a read-only link to one blob with the delegation key, https only', async () => {
      const clock = manualClock();
      const signer = new UserDelegationSigner(keySource().source, 'poeaccount', { clock });
      const query = new URLSearchParams(await signer.readQuery(linkRequest(clock)));
      assert.equal(query.get('sp'), 'r');
      assert.equal(query.get('sr'), 'b');
      assert.equal(query.get('spr'), 'https');
      assert.equal(query.get('skoid'), '11111111-1111-1111-1111-111111111111');
      assert.equal(query.get('se'), '2025-03-03T09:05:00Z');
      assert.equal(query.get('rsct'), 'application/pdf');
      assert.equal(query.get('rscd'), 'attachment; filename="SOW.pdf"');
      assert.ok(query.get('sig'));
      assert.equal(signer.method, 'userDelegation');
    });

    it('fetches one key, valid from a little before now, for many links, also concurrent ones', async () => {
      const clock = manualClock();
      const keys = keySource();
      const signer = new UserDelegationSigner(keys.source, 'poeaccount', { clock, keyLifetimeSeconds: 3600 });
      await Promise.all(Array.from({ length: 5 }, () => signer.readQuery(linkRequest(clock))));
      clock.advance(30 * MINUTE);
      await signer.readQuery(linkRequest(clock));
      assert.equal(keys.requests.length, 1);
      assert.deepEqual(keys.requests[0], {
        startsOn: new Date(START.getTime() - 5 * MINUTE),
        expiresOn: new Date(START.getTime() + 60 * MINUTE),
      });
    });

    it('replaces the key shortly before it expires, so no link outlives its key', async () => {
      const clock = manualClock();
      const keys = keySource();
      const signer = new UserDelegationSigner(keys.source, 'poeaccount', { clock, keyLifetimeSeconds: 3600 });
      await signer.readQuery(linkRequest(clock));
      clock.advance(55 * MINUTE);
      await signer.readQuery(linkRequest(clock, 5 * MINUTE));
      assert.equal(keys.requests.length, 1, 'a link ending exactly at key expiry still fits');
      clock.advance(1);
      const query = new URLSearchParams(await signer.readQuery(linkRequest(clock, 5 * MINUTE)));
      assert.equal(keys.requests.length, 2);
      assert.ok(new Date(query.get('ske') ?? '') >= new Date(query.get('se') ?? ''));
    });

    it('tries again after a failed key fetch instead of keeping the failure', async () => {
      const clock = manualClock();
      const keys = keySource();
      const signer = new UserDelegationSigner(keys.source, 'poeaccount', { clock });
      keys.failOnce();
      await assert.rejects(signer.readQuery(linkRequest(clock)), /identity endpoint unavailable/);
      assert.ok(await signer.readQuery(linkRequest(clock)));
      assert.equal(keys.requests.length, 2);
    });

    it('refuses key lifetimes Azure would not grant, and links longer than the longest key', async () => {
      const keys = keySource();
      assert.throws(() => new UserDelegationSigner(keys.source, 'a', { keyLifetimeSeconds: 60 }), RangeError);
      assert.throws(
        () => new UserDelegationSigner(keys.source, 'a', { keyLifetimeSeconds: 8 * 24 * 3600 }),
        RangeError,
      );
      const clock = manualClock();
      const signer = new UserDelegationSigner(keys.source, 'a', { clock });
      await assert.rejects(signer.readQuery(linkRequest(clock, 7 * 24 * 60 * MINUTE)), RangeError);
      assert.equal(keys.requests.length, 0);
    });
  });

  describe('SharedKeySigner', () => {
    it('signs with the account key for read only, and allows plain HTTP only when asked', async () => {
      const signer = new SharedKeySigner(new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
      const clock = manualClock();
      const https = new URLSearchParams(await signer.readQuery(linkRequest(clock)));
      assert.equal(https.get('sp'), 'r');
      assert.equal(https.get('spr'), 'https');
      assert.equal(https.get('skoid'), null);
      const local = new URLSearchParams(await signer.readQuery({ ...linkRequest(clock), httpsOnly: false }));
      assert.equal(local.get('spr'), 'https,http');
      assert.equal(signer.accountName, AZURITE_ACCOUNT);
    });
  });
});

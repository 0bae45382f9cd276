/**
 * The new-claim conversation with Cosmos DB failing underneath it, injected by a loopback
 * proxy between the SDK and the stand-in: throttling is absorbed by the SDK's retries,
 * anything else gets the friendly apology with the typed values kept, pressing the card
 * again goes through, and a write whose answer was lost never leaves a twin claim.
 */
import assert from 'node:assert/strict';
import { t } from '../../locales/i18n';
import {
  Chat,
  adminCaller,
  claimsOf,
  inputOf,
  newClaimSetting,
  onlyClaimOf,
  textsOf,
  type Reply,
} from '../dialogs/newClaim/newClaimHarness';
import {
  CONTACTS,
  assertCard,
  attachSignedSow,
  chooseProducts,
  enterContacts,
  fillStart,
  poeDone,
  start,
  submitFromSummary,
  upToPoe,
  upToProducts,
  upToReview,
} from '../dialogs/newClaim/newClaimSteps';
import { cosmosDocs, isCosmosWrite, type Fault } from '../support/faultProxy';
import { assertPoeConsistent, proxiedCosmos, type ProxiedWorld } from './proxiedWorld';

const CLAIM_DOCS = cosmosDocs('claims');
const claimWrites = { path: CLAIM_DOCS, when: isCosmosWrite };
const claimCreate = { method: 'POST', path: /^\/dbs\/[^/]+\/colls\/claims\/docs$/, when: isCosmosWrite };
const claimReplace = { method: 'PUT', path: CLAIM_DOCS };

describe('Cosmos DB faults under the new-claim conversation', function () {
  this.timeout(60_000);
  const s = newClaimSetting();
  let proxied: ProxiedWorld;
  before(async () => {
    proxied = await proxiedCosmos(s.world);
  });
  afterEach(() => proxied.proxy.clear());
  after(async () => {
    await proxied?.close();
  });
  const chat = () => new Chat(proxied.world, adminCaller(s.org, 'en-US'));
  const apology = t('en-US', 'errors.storage');
  const apologised = (replies: readonly Reply[]) => textsOf(replies).includes(apology);

  it('absorbs throttling (429 with a retry-after) on the draft creation: the partner sees nothing of it', async () => {
    const c = chat();
    await start(c);
    const throttled = proxied.proxy.inject({
      ...claimCreate,
      fault: { kind: 'status', status: 429, retryAfterMs: 25 },
      times: 3,
    });
    const replies = await fillStart(c, { name: 'Throttled rollout' });
    assert.equal(throttled.struck, 3);
    assert.equal(apologised(replies), false);
    assertCard(c, 'products.title');
    assert.equal((await onlyClaimOf(s.world, s.org)).name, 'Throttled rollout');
  });

  it('files and submits a whole claim through a seeded storm of 429s on every request without one apology', async () => {
    const storm = proxied.proxy.random({
      seed: 20_260_302,
      rate: 0.3,
      faults: [{ kind: 'status', status: 429, retryAfterMs: 5 }],
    });
    const c = chat();
    await upToReview(c);
    await submitFromSummary(c);
    assert.ok(storm.struck >= 5, `only ${storm.struck} requests were throttled`);
    assert.equal(apologised(c.transcript), false);
    const claim = await onlyClaimOf(s.world, s.org);
    assert.deepEqual(
      [claim.status, claim.poe.length, claim.customerContact?.email],
      ['submitted', 1, CONTACTS.customerEmail],
    );
  });

  it('answers a 503 on a write with the apology, keeps every typed value, and the same card then goes through', async () => {
    const c = chat();
    await upToProducts(c);
    await chooseProducts(c, ['exchangeOnline']);
    const typed = { ...CONTACTS, customerName: 'Dana Q. Customer' };
    proxied.proxy.inject({ ...claimReplace, fault: { kind: 'status', status: 503 } });
    assert.deepEqual(textsOf(await enterContacts(c, typed)), [apology]);
    assertCard(c, 'contacts.title');
    assert.equal(inputOf(c.lastCard(), 'customerName')?.value, 'Dana Q. Customer');
    assert.equal((await onlyClaimOf(s.world, s.org)).customerContact, undefined);
    await enterContacts(c, typed);
    assertCard(c, 'poe.title');
    assert.equal((await onlyClaimOf(s.world, s.org)).customerContact?.name, 'Dana Q. Customer');
  });

  const lostCreates: [string, Fault][] = [
    ['a 503 after Cosmos created it', { kind: 'statusAfter', status: 503 }],
    ['a timeout (Cosmos created it, the answer never came)', { kind: 'holdAfter' }],
    ['a cut connection after Cosmos created it', { kind: 'cutAfter' }],
  ];
  for (const [how, fault] of lostCreates) {
    it(`leaves exactly one claim when the draft creation's answer is lost to ${how} and the partner presses again`, async () => {
      const c = chat();
      await start(c);
      proxied.proxy.inject({ ...claimCreate, fault });
      assert.deepEqual(textsOf(await fillStart(c, { name: 'Lost answer' })), [apology], 'an apology, not a hang');
      assert.equal(inputOf(c.lastCard(), 'name')?.value, 'Lost answer');
      assert.equal((await claimsOf(s.world, s.org)).length, 1, 'the first attempt did create it');
      await fillStart(c, { name: 'Lost answer' });
      assertCard(c, 'products.title');
      assert.equal((await onlyClaimOf(s.world, s.org)).name, 'Lost answer');
    });
  }

  it('fails the turn (bounded by the request timeout) when a read never answers; nothing is lost and the same card works', async () => {
    const c = chat();
    await upToProducts(c);
    proxied.proxy.inject({ method: 'GET', path: CLAIM_DOCS, fault: { kind: 'hold' } });
    await assert.rejects(chooseProducts(c, ['exchangeOnline']), /Timeout/);
    await chooseProducts(c, ['exchangeOnline']);
    assertCard(c, 'contacts.title');
    assert.deepEqual((await onlyClaimOf(s.world, s.org)).productIds, ['exchangeOnline']);
  });

  it('keeps the PoE file when the write recording it went through but its answer was lost', async () => {
    const c = chat();
    await upToPoe(c);
    proxied.proxy.inject({ ...claimReplace, fault: { kind: 'statusAfter', status: 503 } });
    const replies = await attachSignedSow(c);
    assert.equal(apologised(replies), false, 'the file was recorded, so it is acknowledged');
    assert.equal((await onlyClaimOf(s.world, s.org)).poe.length, 1);
    await assertPoeConsistent(s.world, s.org.id);
    await poeDone(c);
    assertCard(c, 'summary.title');
    await assertPoeConsistent(s.world, s.org.id);
  });

  it('files exactly one claim with every typed value through seeded random write failures, pressing again after each apology', async () => {
    const faults: Fault[] = [
      { kind: 'status', status: 503 },
      { kind: 'statusAfter', status: 503 },
      { kind: 'holdAfter' },
      { kind: 'cutAfter' },
    ];
    const chaos = proxied.proxy.random({ seed: 6, rate: 0.25, faults, ...claimWrites });
    const c = chat();
    const persist = async (step: () => Promise<Reply[]>): Promise<void> => {
      for (let attempt = 1; attempt <= 8; attempt += 1) {
        const replies = await step().catch(() => undefined);
        if (replies && !apologised(replies)) return;
      }
      assert.fail('the step never went through');
    };
    await persist(() => start(c));
    await persist(() => fillStart(c, { name: 'Chaos rollout' }));
    await persist(() => chooseProducts(c, ['exchangeOnline', 'microsoftTeams']));
    await persist(() => enterContacts(c));
    await persist(() => attachSignedSow(c));
    await persist(() => poeDone(c));
    proxied.proxy.clear();
    await submitFromSummary(c);
    assert.ok(chaos.struck >= 2, `only ${chaos.struck} writes failed`);
    const claim = await onlyClaimOf(s.world, s.org);
    assert.equal(claim.status, 'submitted');
    assert.equal(claim.name, 'Chaos rollout');
    assert.deepEqual(claim.productIds, ['exchangeOnline', 'microsoftTeams']);
    assert.equal(claim.customerContact?.name, CONTACTS.customerName);
    assert.equal(claim.poe.length, 1);
    await assertPoeConsistent(s.world, s.org.id);
  });
});

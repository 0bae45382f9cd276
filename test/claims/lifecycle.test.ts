import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConcurrencyConflict } from '../../claims/errors';
import type { Claim } from '../../claims/model';
import type { AssociationStore, ClaimRepository } from '../../claims/ports';
import type { TestDatabase } from '../support/cosmosTestDatabase';
import {
  DAY,
  MINUTE,
  REVIEWER,
  START,
  SettableClock,
  calendar,
  claimIn,
  codes,
  customerOf,
  draft,
  engineOn,
  useEngine,
  newPartner,
  read,
  refOf,
  value,
  type Engine,
  type Partner,
} from './engineHarness';
import { poeFile } from './fixtures';

const keysOf = (claim: Claim): string[] => [
  `m365|${claim.customerTenantId}|exchangeOnline`,
  `m365|${claim.customerTenantId}|microsoftTeams`,
];
const outboxKinds = (claim: Claim): string[] => claim.outbox.map((m) => m.kind);

describe('claims/lifecycle on the Cosmos stand-in', () => {
  let db: TestDatabase;
  let engine: Engine;
  let partner: Partner;

  useEngine((fixture) => ({ db, engine, partner } = fixture));

  async function holders(keys: string[]): Promise<(string | undefined)[]> {
    return Promise.all(
      keys.map(async (key) => {
        const hold = await engine.associations.holderOf(key);
        return hold && `${hold.claimId ?? 'legacy'}:${hold.state}`;
      }),
    );
  }

  describe('who may act', () => {
    it('records who submitted and when, and leaves the outbox empty (the partner told itself)', async () => {
      const claim = await draft(engine, partner);
      engine.clock.advance(MINUTE);
      const submitted = value(await engine.lifecycle.submit(refOf(claim), partner.admin)).value;
      assert.equal(submitted.status, 'submitted');
      assert.deepEqual(submitted.history.at(-1), {
        at: engine.clock.now().toISOString(),
        actor: partner.admin.actor,
        event: 'submit',
        from: 'draft',
        to: 'submitted',
      });
      assert.deepEqual(submitted.outbox, []);
      assert.equal(submitted.dueAt, undefined);
    });

    it("answers notFound to another organisation's admin and changes nothing", async () => {
      const claim = await draft(engine, partner);
      const other = await newPartner(engine);
      const before = await read(engine, claim);
      assert.deepEqual(codes(await engine.lifecycle.submit(refOf(claim), other.admin)), ['notFound']);
      // Even claiming to be from the right tenant does not help an admin that organisation does not list.
      const impostor = { ...other.admin, tenantId: partner.org.id };
      assert.deepEqual(codes(await engine.lifecycle.submit(refOf(claim), impostor)), ['roleNotAllowed']);
      assert.equal((await read(engine, claim)).etag, before.etag);
    });

    it('refuses a partner user, a reviewer the directory does not list, and a customer who is not the contact', async () => {
      const claim = await claimIn(engine, partner, 'submitted');
      const user = { actor: { role: 'partnerUser' as const, id: 'aad-user' }, tenantId: partner.org.id };
      assert.deepEqual(codes(await engine.lifecycle.withdraw(refOf(claim), user)), ['roleNotAllowed']);
      const stranger = { actor: { role: 'reviewer' as const, id: 'aad-someone' }, tenantId: 'program-operator-tenant' };
      assert.deepEqual(codes(await engine.lifecycle.startReview(refOf(claim), stranger)), ['roleNotAllowed']);
      assert.deepEqual(
        codes(await engine.lifecycle.startReview(refOf(claim), { ...REVIEWER, tenantId: partner.org.id })),
        ['roleNotAllowed'],
      );
      const wrongCustomer = { actor: { role: 'customer' as const, id: 'someone@else.com' } };
      assert.deepEqual(codes(await engine.lifecycle.customerDecision(refOf(claim), wrongCustomer, 'approve')), [
        'notFound',
      ]);
      assert.deepEqual(
        codes(await engine.lifecycle.startReview(refOf(claim), { actor: { role: 'system', id: 'scheduler' } })),
        ['roleNotAllowed'],
      );
      assert.equal((await read(engine, claim)).value.status, 'submitted');
    });

    it('answers notFound for a claim that does not exist', async () => {
      assert.deepEqual(
        codes(await engine.lifecycle.startReview({ partnerId: partner.org.id, claimId: randomUUID() }, REVIEWER)),
        ['notFound'],
      );
    });

    it('accepts the customer contact email in any case', async () => {
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
      const shouting = { actor: { role: 'customer' as const, id: 'CHRIS@Contoso.com' } };
      assert.equal(
        value(await engine.lifecycle.customerDecision(refOf(claim), shouting, 'approve')).value.status,
        'associated',
      );
    });
  });

  describe('review', () => {
    it('starting review tells the partner through the outbox and makes the claim due now', async () => {
      const claim = await claimIn(engine, partner, 'submitted');
      const reviewing = value(await engine.lifecycle.startReview(refOf(claim), REVIEWER)).value;
      assert.equal(reviewing.status, 'underReview');
      assert.deepEqual(outboxKinds(reviewing), ['reviewStarted']);
      assert.equal(reviewing.dueAt, START.toISOString());
      assert.deepEqual(reviewing.history.at(-1)?.actor, REVIEWER.actor);
    });

    it('asks for information with a deadline ten business days out on the configured calendar, and takes the answer', async () => {
      const claim = await claimIn(engine, partner, 'underReview');
      const asked = value(
        await engine.lifecycle.requestInfo(refOf(claim), REVIEWER, ['missingOrOldDates'], 'Please date the SOW'),
      ).value;
      const deadline = calendar.addBusinessDays(START, 10).toISOString();
      assert.deepEqual(asked.infoRequest, {
        reasonCodes: ['missingOrOldDates'],
        note: 'Please date the SOW',
        deadlineAt: deadline,
      });
      assert.equal(asked.outbox.at(-1)?.kind, 'infoRequested');
      assert.deepEqual(asked.outbox.at(-1)?.payload, { reasonCodes: ['missingOrOldDates'], deadlineAt: deadline });
      const answered = value(await engine.lifecycle.resubmit(refOf(claim), partner.admin)).value;
      assert.equal(answered.status, 'submitted');
      assert.equal(answered.infoRequest, undefined);
      // only the undelivered outbox keeps it due now; the deadline no longer counts
      assert.equal(answered.dueAt, START.toISOString());
    });

    it('refuses an unknown reason code and keeps the claim under review', async () => {
      const claim = await claimIn(engine, partner, 'underReview');
      assert.deepEqual(codes(await engine.lifecycle.requestInfo(refOf(claim), REVIEWER, ['tooLazy'])), [
        'reasonCodeUnknown',
      ]);
      assert.equal((await read(engine, claim)).value.status, 'underReview');
    });

    it('withdraws at the partner’s request without notifying anyone', async () => {
      const claim = await claimIn(engine, partner, 'underReview');
      const withdrawn = value(await engine.lifecycle.withdraw(refOf(claim), partner.admin, 'filed by mistake')).value;
      assert.deepEqual([withdrawn.status, withdrawn.rejection?.reason], ['rejected', 'partnerRequest']);
      assert.deepEqual(outboxKinds(withdrawn), ['reviewStarted']);
    });
  });

  describe('approval and association keys', () => {
    it('takes and confirms the keys, records them, opens a five-business-day window and notifies partner and customer', async () => {
      const claim = await claimIn(engine, partner, 'underReview');
      const approved = value(await engine.lifecycle.approve(refOf(claim), REVIEWER, 'all good')).value;
      assert.equal(approved.status, 'approvedCustomerNotified');
      assert.deepEqual(approved.heldKeys, keysOf(claim));
      assert.equal(approved.windowClosesAt, calendar.addBusinessDays(START, 5).toISOString());
      assert.deepEqual(outboxKinds(approved), ['reviewStarted', 'approvedCustomerNotified', 'customerConsentRequest']);
      assert.deepEqual(await holders(keysOf(claim)), [`${claim.id}:held`, `${claim.id}:held`]);
    });

    it('opens the window for an ISO-8601 duration when configured so (demos)', async () => {
      const demo = await engineOn(db, { clock: new SettableClock(START), optOutWindow: 'PT2M' });
      const claim = await claimIn(demo, await newPartner(demo), 'approvedCustomerNotified');
      assert.equal(claim.windowClosesAt, new Date(START.getTime() + 2 * MINUTE).toISOString());
    });

    it('refuses approval when another partner holds a key, naming only that key, and changes nothing', async () => {
      const first = await claimIn(engine, partner, 'approvedCustomerNotified', { productIds: ['microsoftTeams'] });
      const rival = await newPartner(engine);
      const claim = await claimIn(engine, rival, 'underReview', { customerTenantId: first.customerTenantId });
      const before = await read(engine, claim);
      const refused = await engine.lifecycle.approve(refOf(claim), REVIEWER);
      assert.equal(refused.ok, false);
      assert.deepEqual(!refused.ok && refused.error, [
        {
          code: 'keyHeldByAnotherPartner',
          field: 'productIds',
          params: { key: `m365|${first.customerTenantId}|microsoftTeams` },
        },
      ]);
      assert.ok(!JSON.stringify(refused).includes(partner.org.id), 'the holder is never named');
      assert.equal((await read(engine, claim)).etag, before.etag);
      assert.deepEqual(await holders(keysOf(claim)), [undefined, `${first.id}:held`]);
    });

    it('tells a partner its own other claim holds the key', async () => {
      const first = await claimIn(engine, partner, 'approvedCustomerNotified');
      const second = await claimIn(engine, partner, 'underReview', {
        customerTenantId: first.customerTenantId,
        productIds: ['exchangeOnline'],
      });
      assert.deepEqual(codes(await engine.lifecycle.approve(refOf(second), REVIEWER)), ['keyHeldByOwnClaim']);
    });

    it('lets exactly one of two partners racing for the same key win, round after round', async function () {
      this.timeout(60_000);
      const rival = await newPartner(engine);
      for (let round = 0; round < 8; round += 1) {
        const a = await claimIn(engine, partner, 'underReview');
        const b = await claimIn(engine, rival, 'underReview', {
          customerTenantId: a.customerTenantId,
          productIds: ['microsoftTeams', 'intune'],
        });
        const results = await Promise.all([
          engine.lifecycle.approve(refOf(a), REVIEWER),
          engine.lifecycle.approve(refOf(b), REVIEWER),
        ]);
        assert.equal(results.filter((r) => r.ok).length, 1, `round ${round}`);
        const winner = results[0]?.ok ? a : b;
        const loser = winner === a ? b : a;
        assert.equal((await read(engine, loser)).value.status, 'underReview');
        assert.deepEqual((await read(engine, loser)).value.heldKeys, []);
        const teams = await engine.associations.holderOf(`m365|${a.customerTenantId}|microsoftTeams`);
        assert.equal(teams?.claimId, winner.id);
        for (const key of [...keysOf(loser), `m365|${a.customerTenantId}|intune`]) {
          assert.notEqual((await engine.associations.holderOf(key))?.claimId, loser.id, key);
        }
      }
    });

    it('keeps the holds when a double-clicked approval loses to itself', async () => {
      const claim = await claimIn(engine, partner, 'underReview');
      const results = await Promise.all([
        engine.lifecycle.approve(refOf(claim), REVIEWER),
        engine.lifecycle.approve(refOf(claim), REVIEWER),
      ]);
      assert.equal(results.filter((r) => r.ok).length, 1);
      const stored = (await read(engine, claim)).value;
      assert.equal(stored.status, 'approvedCustomerNotified');
      assert.deepEqual(await holders(keysOf(claim)), [`${claim.id}:held`, `${claim.id}:held`]);
      assert.equal(stored.history.filter((h) => h.event === 'approve').length, 1);
    });

    it('gives back the keys it took when its write keeps losing the race', async () => {
      const alwaysStale = (inner: ClaimRepository): ClaimRepository =>
        Object.assign(Object.create(inner) as ClaimRepository, {
          replace: async (claim: Claim) => {
            throw new ConcurrencyConflict(`claim ${claim.id}`);
          },
        });
      const racing = await engineOn(db, { clock: engine.clock, claims: alwaysStale });
      const claim = await claimIn(engine, partner, 'underReview');
      assert.deepEqual(codes(await racing.lifecycle.approve(refOf(claim), REVIEWER)), ['concurrencyConflict']);
      assert.deepEqual(await holders(keysOf(claim)), [undefined, undefined]);
      assert.equal((await read(engine, claim)).value.status, 'underReview');
    });

    it('re-reads once after losing to another writer and keeps both changes', async () => {
      const claim = await claimIn(engine, partner, 'underReview');
      let interfered = false;
      const interfering = (inner: ClaimRepository): ClaimRepository =>
        Object.assign(Object.create(inner) as ClaimRepository, {
          replace: async (next: Claim, etag: string) => {
            if (!interfered) {
              interfered = true;
              // Someone else comments between our read and our write.
              const current = await inner.get(next.partnerId, next.id);
              assert.ok(current);
              await inner.replace(
                {
                  ...current.value,
                  comments: [{ id: 'c1', author: REVIEWER.actor, text: 'checking', at: START.toISOString() }],
                },
                current.etag,
              );
            }
            return inner.replace(next, etag);
          },
        });
      const racing = await engineOn(db, { clock: engine.clock, claims: interfering });
      const approved = value(await racing.lifecycle.approve(refOf(claim), REVIEWER)).value;
      assert.equal(approved.status, 'approvedCustomerNotified');
      assert.deepEqual(
        approved.comments.map((c) => c.id),
        ['c1'],
      );
      assert.deepEqual(await holders(keysOf(claim)), [`${claim.id}:held`, `${claim.id}:held`]);
    });

    it('still approves when confirming the holds fails, leaving them pending for the repair pass', async () => {
      const failingConfirm = (inner: AssociationStore): AssociationStore =>
        Object.assign(Object.create(inner) as AssociationStore, {
          confirm: async () => {
            throw new Error('outage');
          },
        });
      const flaky = await engineOn(db, { clock: engine.clock, associations: failingConfirm });
      const claim = await claimIn(engine, partner, 'underReview');
      assert.equal(
        value(await flaky.lifecycle.approve(refOf(claim), REVIEWER)).value.status,
        'approvedCustomerNotified',
      );
      assert.deepEqual(await holders(keysOf(claim)), [`${claim.id}:pending`, `${claim.id}:pending`]);
      assert.deepEqual(
        flaky.logs.map((l) => l.event),
        ['lifecycle.confirmDeferred'],
      );
    });
  });

  describe('the customer', () => {
    it('approves: associated at once, the partner is told, and asking again is a harmless no-op', async () => {
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
      engine.clock.advance(DAY);
      const associated = value(await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'approve'));
      assert.equal(associated.value.status, 'associated');
      assert.equal(associated.value.outbox.at(-1)?.kind, 'customerApproved');
      assert.equal(associated.value.history.at(-1)?.actor.role, 'customer');
      const again = value(await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'approve'));
      assert.equal(again.etag, associated.etag);
      assert.deepEqual(codes(await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'optOut')), [
        'customerAlreadyDecided',
      ]);
      assert.deepEqual(await holders(keysOf(claim)), [`${claim.id}:held`, `${claim.id}:held`]);
    });

    it('opts out: rejected as customer declined, keys released, partner told; repeating is a no-op, changing is refused', async () => {
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
      const declined = value(
        await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'optOut', 'We never met them'),
      );
      assert.deepEqual([declined.value.status, declined.value.rejection?.reason], ['rejected', 'customerDeclined']);
      assert.deepEqual(declined.value.heldKeys, []);
      assert.deepEqual(await holders(keysOf(claim)), [undefined, undefined]);
      assert.deepEqual(outboxKinds(declined.value).slice(-2), ['customerOptedOut', 'releaseHolds']);
      assert.equal(
        value(await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'optOut')).etag,
        declined.etag,
      );
      assert.deepEqual(codes(await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'approve')), [
        'customerAlreadyDecided',
      ]);
      // the customer's opt-out cannot be disputed away
      assert.deepEqual(codes(await engine.lifecycle.dispute(refOf(claim), partner.admin, 'please')), [
        'disputeNotAllowed',
      ]);
    });

    it('cannot opt out once the window made the association official, but may still approve (no-op)', async () => {
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
      engine.clock.advance(8 * DAY);
      value(await engine.lifecycle.closeDue(await read(engine, claim)));
      assert.deepEqual(codes(await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'optOut')), [
        'optOutWindowClosed',
      ]);
      assert.equal(
        value(await engine.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'approve')).value.status,
        'associated',
      );
    });

    it('keeps the keys recorded and queues their release when releasing them fails right after an opt-out', async () => {
      const failingRelease = (inner: AssociationStore): AssociationStore =>
        Object.assign(Object.create(inner) as AssociationStore, {
          release: async () => {
            throw new Error('outage');
          },
        });
      const flaky = await engineOn(db, { clock: engine.clock, associations: failingRelease });
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
      const declined = value(await flaky.lifecycle.customerDecision(refOf(claim), customerOf(claim), 'optOut')).value;
      assert.equal(declined.status, 'rejected');
      assert.deepEqual(await holders(keysOf(claim)), [`${claim.id}:held`, `${claim.id}:held`]);
      assert.deepEqual(declined.outbox.at(-1)?.payload, { keys: keysOf(claim) });
      // the dispatcher finishes the job
      await engine.dispatcher().dispatch(await read(engine, claim));
      assert.deepEqual(await holders(keysOf(claim)), [undefined, undefined]);
      assert.deepEqual((await read(engine, claim)).value.outbox, []);
    });
  });

  describe('time', () => {
    it('does nothing before the window closes, then associates and tells the partner it is official', async () => {
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
      const early = await read(engine, claim);
      assert.equal(value(await engine.lifecycle.closeDue(early)).etag, early.etag);
      engine.clock.at = new Date(claim.windowClosesAt ?? '');
      const closed = value(await engine.lifecycle.closeDue(early)).value;
      assert.equal(closed.status, 'associated');
      assert.deepEqual(closed.history.at(-1)?.actor, { role: 'system', id: 'scheduler' });
      assert.equal(closed.outbox.at(-1)?.kind, 'associationOfficial');
    });

    it('rejects for no partner response when the answer deadline passes', async () => {
      const claim = await claimIn(engine, partner, 'underReview');
      const asked = value(await engine.lifecycle.requestInfo(refOf(claim), REVIEWER, ['missingAllPoe']));
      engine.clock.at = new Date(asked.value.infoRequest?.deadlineAt ?? '');
      const rejected = value(await engine.lifecycle.closeDue(asked)).value;
      assert.deepEqual([rejected.status, rejected.rejection?.reason], ['rejected', 'noPartnerResponse']);
      assert.deepEqual(rejected.outbox.at(-1)?.payload, { reason: 'noPartnerResponse' });
    });
  });

  describe('disputes and disassociation', () => {
    it('a dispute with new proof that the reviewer upholds reopens the approval and the customer window', async () => {
      const claim = await claimIn(engine, partner, 'rejected');
      engine.clock.advance(29 * DAY);
      const disputed = value(
        await engine.lifecycle.dispute(refOf(claim), partner.admin, 'The SOW is signed on page 3', [poeFile('poe-2')]),
      ).value;
      assert.deepEqual(
        [disputed.status, disputed.disputed, disputed.poe.map((p) => p.id)],
        ['dispute', true, ['poe-1', 'poe-2']],
      );
      const approved = value(await engine.lifecycle.approve(refOf(claim), REVIEWER)).value;
      assert.equal(approved.status, 'approvedCustomerNotified');
      assert.deepEqual(outboxKinds(approved).slice(-2), ['disputeOutcome', 'customerConsentRequest']);
      assert.deepEqual(await holders(keysOf(claim)), [`${claim.id}:held`, `${claim.id}:held`]);
    });

    it('a lost dispute is final and cannot be disputed again', async () => {
      const claim = await claimIn(engine, partner, 'rejected');
      value(await engine.lifecycle.dispute(refOf(claim), partner.admin, 'Please look again'));
      const final = value(await engine.lifecycle.reject(refOf(claim), REVIEWER, undefined, 'Still unsigned')).value;
      assert.deepEqual([final.status, final.rejection?.reason], ['rejectedFinal', 'disputeLost']);
      assert.deepEqual(final.outbox.at(-1)?.payload, { outcome: 'rejectedFinal', reason: 'disputeLost' });
      assert.deepEqual(codes(await engine.lifecycle.dispute(refOf(claim), partner.admin, 'again')), [
        'transitionNotAllowed',
      ]);
    });

    it('refuses a dispute after 30 days, and duplicate proof files', async () => {
      const claim = await claimIn(engine, partner, 'rejected');
      assert.deepEqual(codes(await engine.lifecycle.dispute(refOf(claim), partner.admin, 'more', [poeFile('poe-1')])), [
        'poeDuplicate',
      ]);
      engine.clock.advance(31 * DAY);
      assert.deepEqual(codes(await engine.lifecycle.dispute(refOf(claim), partner.admin, 'late')), [
        'disputeWindowClosed',
      ]);
    });

    it('disassociates an official association with a reason: rejected final, keys released', async () => {
      const claim = await claimIn(engine, partner, 'associated');
      assert.deepEqual(codes(await engine.lifecycle.disassociate(refOf(claim), partner.admin, '   ')), [
        'reasonRequired',
      ]);
      const ended = value(await engine.lifecycle.disassociate(refOf(claim), partner.admin, 'Customer moved on')).value;
      assert.deepEqual([ended.status, ended.rejection?.reason, ended.heldKeys], ['rejectedFinal', 'disassociated', []]);
      assert.equal(ended.history.at(-1)?.note, 'Customer moved on');
      assert.deepEqual(await holders(keysOf(claim)), [undefined, undefined]);
    });
  });
});

import assert from 'node:assert/strict';
import { CLAIM_STATUSES, type Actor, type ActorRole, type Claim, type ClaimStatus } from '../../claims/model';
import {
  TRANSITIONS,
  allowedEvents,
  applyEvent,
  type ClaimEvent,
  type ClaimEventType,
} from '../../claims/statusMachine';
import {
  TENANT,
  SUBSCRIPTION_A,
  T0,
  admin,
  customer,
  org,
  partnerUser,
  reviewer,
  system,
  validClaim,
} from './fixtures';

const DAY = 86_400_000;
const later = (ms: number): Date => new Date(T0.getTime() + ms);
const NOW = later(DAY);
const WINDOW = later(8 * DAY);
const DEADLINE = later(10 * DAY);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** A claim as it would be in `status`, with the fields that status implies. */
function claimIn(status: ClaimStatus, overrides: Partial<Claim> = {}): Claim {
  const implied: Partial<Claim> = { status, submittedAt: status === 'draft' ? undefined : T0.toISOString() };
  if (status === 'partnerActionRequired') {
    implied.infoRequest = { reasonCodes: ['missingAllPoe'], deadlineAt: DEADLINE.toISOString() };
    implied.dueAt = DEADLINE.toISOString();
  }
  if (status === 'approvedCustomerNotified' || status === 'associated') {
    implied.windowClosesAt = WINDOW.toISOString();
    implied.heldKeys = [`sub|${TENANT}|${SUBSCRIPTION_A}`];
    if (status === 'approvedCustomerNotified') implied.dueAt = WINDOW.toISOString();
  }
  if (status === 'rejected' || status === 'rejectedFinal')
    implied.rejection = { reason: 'insufficientPoe', at: T0.toISOString() };
  if (status === 'dispute') {
    implied.rejection = { reason: 'insufficientPoe', at: T0.toISOString() };
    implied.disputed = true;
  }
  return deepFreeze(validClaim({ ...implied, ...overrides }));
}

const EVENTS: Record<ClaimEventType, ClaimEvent> = {
  submit: { type: 'submit', organisation: org },
  startReview: { type: 'startReview' },
  requestInfo: {
    type: 'requestInfo',
    reasonCodes: ['missingOrOldDates', 'missingProducts'],
    note: 'Please date the SOW',
    deadlineAt: DEADLINE,
  },
  resubmit: { type: 'resubmit', organisation: org },
  approve: { type: 'approve', windowClosesAt: WINDOW },
  reject: { type: 'reject', reason: 'insufficientPoe', note: 'Unsigned' },
  deadlineMissed: { type: 'deadlineMissed' },
  customerApprove: { type: 'customerApprove' },
  customerOptOut: { type: 'customerOptOut', note: 'We do not know them' },
  windowClosed: { type: 'windowClosed' },
  withdraw: { type: 'withdraw' },
  dispute: { type: 'dispute', justification: 'The SOW is signed on page 3' },
  disassociate: { type: 'disassociate', reason: 'Customer moved to another partner' },
};

const ACTOR_OF: Record<ActorRole, Actor> = { partnerAdmin: admin, partnerUser, reviewer, customer, system };

function applied(claim: Claim, event: ClaimEvent, actor: Actor, now: Date = NOW): Claim {
  const result = applyEvent(claim, event, actor, now);
  if (!result.ok) assert.fail(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

function refusal(claim: Claim, event: ClaimEvent, actor: Actor, now: Date = NOW): string[] {
  const result = applyEvent(claim, event, actor, now);
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? [] : result.error.map((p) => `${p.code}@${p.field}`);
}

describe('claims/statusMachine', () => {
  describe('every allowed transition', () => {
    const cases: [ClaimStatus, ClaimEventType, Actor, ClaimStatus, Date, string | undefined][] = [
      ['draft', 'submit', admin, 'submitted', NOW, undefined],
      ['submitted', 'startReview', reviewer, 'underReview', NOW, undefined],
      ['underReview', 'requestInfo', reviewer, 'partnerActionRequired', NOW, DEADLINE.toISOString()],
      ['partnerActionRequired', 'resubmit', admin, 'submitted', NOW, undefined],
      ['underReview', 'approve', reviewer, 'approvedCustomerNotified', NOW, WINDOW.toISOString()],
      ['dispute', 'approve', reviewer, 'approvedCustomerNotified', NOW, WINDOW.toISOString()],
      ['underReview', 'reject', reviewer, 'rejected', NOW, undefined],
      ['dispute', 'reject', reviewer, 'rejectedFinal', NOW, undefined],
      ['partnerActionRequired', 'deadlineMissed', system, 'rejected', DEADLINE, undefined],
      ['approvedCustomerNotified', 'customerApprove', customer, 'associated', NOW, undefined],
      ['approvedCustomerNotified', 'customerOptOut', customer, 'rejected', NOW, undefined],
      ['approvedCustomerNotified', 'windowClosed', system, 'associated', WINDOW, undefined],
      ['submitted', 'withdraw', admin, 'rejected', NOW, undefined],
      ['underReview', 'withdraw', admin, 'rejected', NOW, undefined],
      ['partnerActionRequired', 'withdraw', admin, 'rejected', NOW, undefined],
      ['rejected', 'dispute', admin, 'dispute', NOW, undefined],
      ['associated', 'disassociate', admin, 'rejectedFinal', NOW, undefined],
    ];
    for (const [from, type, actor, to, now, dueAt] of cases) {
      it(`${type}: ${from} → ${to} by ${actor.role}`, () => {
        const before = claimIn(from);
        const snapshot = JSON.stringify(before);
        const after = applied(before, EVENTS[type], actor, now);
        assert.equal(after.status, to);
        assert.equal(after.dueAt, dueAt);
        assert.equal(after.updatedAt, now.toISOString());
        assert.equal(after.history.length, before.history.length + 1);
        const entry = after.history.at(-1);
        assert.deepEqual(
          { event: entry?.event, from: entry?.from, to: entry?.to, at: entry?.at, actor: entry?.actor },
          { event: type, from, to, at: now.toISOString(), actor },
        );
        assert.equal(JSON.stringify(before), snapshot, 'the input claim changed');
        assert.notEqual(after, before);
      });
    }

    it('covers every transition the table allows', () => {
      const pairs = Object.entries(TRANSITIONS).flatMap(([type, rule]) => rule.from.map((from) => `${from}:${type}`));
      assert.deepEqual(pairs.sort(), cases.map(([from, type]) => `${from}:${type}`).sort());
    });
  });

  describe('refusals', () => {
    for (const type of Object.keys(EVENTS) as ClaimEventType[]) {
      it(`refuses ${type} from every other status with transitionNotAllowed`, () => {
        const rule = TRANSITIONS[type];
        for (const status of CLAIM_STATUSES.filter((s) => !rule.from.includes(s))) {
          const actor = ACTOR_OF[rule.roles[0] ?? 'system'];
          assert.deepEqual(refusal(claimIn(status), EVENTS[type], actor), ['transitionNotAllowed@status'], `${status}`);
        }
      });

      it(`refuses ${type} to every other role with roleNotAllowed`, () => {
        const rule = TRANSITIONS[type];
        const status = rule.from[0] ?? 'draft';
        for (const role of (Object.keys(ACTOR_OF) as ActorRole[]).filter((r) => !rule.roles.includes(r))) {
          assert.deepEqual(refusal(claimIn(status), EVENTS[type], ACTOR_OF[role]), ['roleNotAllowed@actor'], role);
        }
      });
    }

    it('reports a wrong status and a wrong role together', () => {
      assert.deepEqual(refusal(claimIn('draft'), EVENTS.approve, partnerUser), [
        'transitionNotAllowed@status',
        'roleNotAllowed@actor',
      ]);
    });

    const cases: [string, Claim, ClaimEvent, Actor, Date, string[]][] = [
      [
        'submitting an incomplete claim',
        claimIn('draft', { poe: [], technicalContact: undefined }),
        EVENTS.submit,
        admin,
        NOW,
        ['technicalContactRequired@technicalContact', 'poeRequired@poe'],
      ],
      [
        'submitting from an unknown MPN location',
        claimIn('draft', { mpnId: '9999999' }),
        EVENTS.submit,
        admin,
        NOW,
        ['mpnIdUnknown@mpnId'],
      ],
      [
        'resubmitting a claim still missing PoE',
        claimIn('partnerActionRequired', { poe: [] }),
        EVENTS.resubmit,
        admin,
        NOW,
        ['poeRequired@poe'],
      ],
      [
        'asking for information without a reason',
        claimIn('underReview'),
        { type: 'requestInfo', reasonCodes: [], deadlineAt: DEADLINE },
        reviewer,
        NOW,
        ['reasonRequired@reasonCodes'],
      ],
      [
        'an unknown reason code',
        claimIn('underReview'),
        { type: 'requestInfo', reasonCodes: ['vibes'], deadlineAt: DEADLINE },
        reviewer,
        NOW,
        ['reasonCodeUnknown@reasonCodes'],
      ],
      [
        'a deadline in the past',
        claimIn('underReview'),
        { ...EVENTS.requestInfo, deadlineAt: T0 } as ClaimEvent,
        reviewer,
        NOW,
        ['deadlineInvalid@deadlineAt'],
      ],
      [
        'an invalid window date',
        claimIn('underReview'),
        { type: 'approve', windowClosesAt: new Date(Number.NaN) },
        reviewer,
        NOW,
        ['deadlineInvalid@windowClosesAt'],
      ],
      [
        'rejecting without a reason',
        claimIn('underReview'),
        { type: 'reject' },
        reviewer,
        NOW,
        ['reasonRequired@reason'],
      ],
      [
        'rejecting for "other" without a note',
        claimIn('underReview'),
        { type: 'reject', reason: 'other', note: ' ' },
        reviewer,
        NOW,
        ['reasonRequired@note'],
      ],
      [
        "a reviewer using the customer's reason",
        claimIn('underReview'),
        { type: 'reject', reason: 'customerDeclined' },
        reviewer,
        NOW,
        ['reasonNotAllowed@reason'],
      ],
      [
        'a second dispute',
        claimIn('rejected', { disputed: true }),
        EVENTS.dispute,
        admin,
        NOW,
        ['disputeAlreadyUsed@status'],
      ],
      [
        'a dispute after 30 days',
        claimIn('rejected'),
        EVENTS.dispute,
        admin,
        later(30 * DAY + 1),
        ['disputeWindowClosed@status'],
      ],
      [
        'disputing an own withdrawal',
        claimIn('rejected', { rejection: { reason: 'partnerRequest', at: T0.toISOString() } }),
        EVENTS.dispute,
        admin,
        NOW,
        ['disputeNotAllowed@status'],
      ],
      [
        'a dispute without justification',
        claimIn('rejected'),
        { type: 'dispute', justification: '  ' },
        admin,
        NOW,
        ['reasonRequired@justification'],
      ],
      [
        'disassociating without a reason',
        claimIn('associated'),
        { type: 'disassociate', reason: '' },
        admin,
        NOW,
        ['reasonRequired@reason'],
      ],
      [
        'a deadline missed too early',
        claimIn('partnerActionRequired'),
        EVENTS.deadlineMissed,
        system,
        NOW,
        ['notYetDue@deadlineAt'],
      ],
      [
        'a window closed too early',
        claimIn('approvedCustomerNotified'),
        EVENTS.windowClosed,
        system,
        NOW,
        ['notYetDue@windowClosesAt'],
      ],
      [
        'an opt-out after the window',
        claimIn('approvedCustomerNotified'),
        EVENTS.customerOptOut,
        customer,
        WINDOW,
        ['optOutWindowClosed@windowClosesAt'],
      ],
      [
        'a note over 2000 characters',
        claimIn('submitted'),
        { type: 'withdraw', note: 'x'.repeat(2001) },
        admin,
        NOW,
        ['tooLong@note'],
      ],
    ];
    for (const [label, claim, event, actor, now, expected] of cases) {
      it(`refuses ${label}`, () => {
        assert.deepEqual(refusal(claim, event, actor, now), expected);
      });
    }

    it('accepts a dispute on the 30th day', () => {
      assert.equal(applied(claimIn('rejected'), EVENTS.dispute, admin, later(30 * DAY)).status, 'dispute');
    });
  });

  describe('what transitions record', () => {
    it('records an information request with its reasons, note and deadline', () => {
      const after = applied(
        claimIn('underReview'),
        { ...EVENTS.requestInfo, reasonCodes: ['missingProducts', 'missingProducts'] } as ClaimEvent,
        reviewer,
      );
      assert.deepEqual(after.infoRequest, {
        reasonCodes: ['missingProducts'],
        note: 'Please date the SOW',
        deadlineAt: DEADLINE.toISOString(),
      });
      assert.deepEqual(after.history.at(-1)?.reasonCodes, ['missingProducts']);
      assert.equal(after.history.at(-1)?.note, 'Please date the SOW');
    });

    it('clears the information request on resubmission and sets a new submission time', () => {
      const after = applied(claimIn('partnerActionRequired'), EVENTS.resubmit, admin);
      assert.equal(after.infoRequest, undefined);
      assert.equal('infoRequest' in after, false);
      assert.equal(after.submittedAt, NOW.toISOString());
    });

    it('holds the association keys on approval and releases them on opt-out', () => {
      const approved = applied(claimIn('underReview'), EVENTS.approve, reviewer);
      assert.deepEqual(approved.heldKeys, [`sub|${TENANT}|${SUBSCRIPTION_A}`]);
      assert.equal(approved.windowClosesAt, WINDOW.toISOString());
      const optedOut = applied(approved, EVENTS.customerOptOut, customer);
      assert.deepEqual(optedOut.heldKeys, []);
      assert.deepEqual(optedOut.rejection, {
        reason: 'customerDeclined',
        note: 'We do not know them',
        at: NOW.toISOString(),
      });
      assert.equal(optedOut.history.at(-1)?.reason, 'customerDeclined');
    });

    it('marks the dispute used and ends a lost dispute as rejected final', () => {
      const disputed = applied(claimIn('rejected'), EVENTS.dispute, admin);
      assert.equal(disputed.disputed, true);
      assert.equal(disputed.history.at(-1)?.note, 'The SOW is signed on page 3');
      const lost = applied(disputed, { type: 'reject', note: 'Still unsigned' }, reviewer);
      assert.deepEqual(lost.rejection, { reason: 'disputeLost', note: 'Still unsigned', at: NOW.toISOString() });
    });

    it('forgets the rejection when a dispute is won', () => {
      const won = applied(claimIn('dispute'), EVENTS.approve, reviewer);
      assert.equal(won.rejection, undefined);
      assert.equal(won.disputed, true);
    });

    it("records the partner's reason for disassociating and releases the keys", () => {
      const after = applied(claimIn('associated'), EVENTS.disassociate, admin);
      assert.deepEqual(after.rejection, {
        reason: 'disassociated',
        note: 'Customer moved to another partner',
        at: NOW.toISOString(),
      });
      assert.deepEqual(after.heldKeys, []);
      assert.equal(after.dueAt, undefined);
    });

    it('keeps user text verbatim, never interpreting it', () => {
      const note = '${process.exit(1)} {{claim.id}} <b>bold</b> مرحبا 👨‍👩‍👧';
      const after = applied(claimIn('submitted'), { type: 'withdraw', note }, admin);
      assert.equal(after.rejection?.note, note);
    });

    it('walks a claim from draft to official and records every step', () => {
      let claim = claimIn('draft');
      const steps: [ClaimEvent, Actor, Date][] = [
        [EVENTS.submit, admin, NOW],
        [EVENTS.startReview, reviewer, NOW],
        [EVENTS.requestInfo, reviewer, NOW],
        [EVENTS.resubmit, admin, NOW],
        [EVENTS.startReview, reviewer, NOW],
        [EVENTS.approve, reviewer, NOW],
        [EVENTS.windowClosed, system, WINDOW],
      ];
      for (const [event, actor, now] of steps) claim = applied(deepFreeze(claim), event, actor, now);
      assert.equal(claim.status, 'associated');
      assert.deepEqual(
        claim.history.map((h) => h.event),
        ['created', 'submit', 'startReview', 'requestInfo', 'resubmit', 'startReview', 'approve', 'windowClosed'],
      );
    });
  });

  describe('allowedEvents', () => {
    const cases: [string, Claim, ActorRole, Date | undefined, ClaimEventType[]][] = [
      ['a draft for its admin', claimIn('draft'), 'partnerAdmin', undefined, ['submit']],
      ['a draft for a reviewer', claimIn('draft'), 'reviewer', undefined, []],
      [
        'a claim under review for a reviewer',
        claimIn('underReview'),
        'reviewer',
        undefined,
        ['requestInfo', 'approve', 'reject'],
      ],
      ['a claim under review for its admin', claimIn('underReview'), 'partnerAdmin', undefined, ['withdraw']],
      ['any claim for a partner user', claimIn('rejected'), 'partnerUser', undefined, []],
      ['a fresh rejection', claimIn('rejected'), 'partnerAdmin', NOW, ['dispute']],
      ['an old rejection', claimIn('rejected'), 'partnerAdmin', later(31 * DAY), []],
      ['a rejection already disputed', claimIn('rejected', { disputed: true }), 'partnerAdmin', undefined, []],
      ['an open window, for the scheduler', claimIn('approvedCustomerNotified'), 'system', NOW, []],
      ['a closed window, for the scheduler', claimIn('approvedCustomerNotified'), 'system', WINDOW, ['windowClosed']],
      [
        'an open window, for the customer',
        claimIn('approvedCustomerNotified'),
        'customer',
        NOW,
        ['customerApprove', 'customerOptOut'],
      ],
    ];
    for (const [label, claim, role, now, expected] of cases) {
      it(`offers ${JSON.stringify(expected)} on ${label}`, () => {
        assert.deepEqual(allowedEvents(claim, role, now), expected);
      });
    }
  });
});

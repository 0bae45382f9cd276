import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { associationKeys } from '../../../claims/associations';
import type { Claim } from '../../../claims/model';
import {
  formatCountdown,
  formatDate,
  formatDateTime,
  formatFileSize,
  historyEventLabel,
  LOCALES,
  problemMessage,
  t,
} from '../../../locales/i18n';
import { evidenceBlobName } from '../../../storage/poeStore';
import { OTHER_ORG, ORG, callerFor } from '../../support/botHarness';
import { minimalPdf } from '../../support/evidenceSamples';
import { textPdf } from '../../support/poeDocuments';
import { renderReviewDetailCard } from '../../../cards/reviewDetailCard';

/** A signed statement naming the customer, without a date: the check finds the signature and misses the date. */
const SIGNED_STATEMENT = textPdf([
  { lines: ['Statement of Work', 'Customer acceptance', 'Signed by Contoso', 'Signature: __________'] },
]);
import { cardOf, cardStrings, submitActions, textsOf, type Card } from '../newClaim/newClaimHarness';
import {
  ADMIN,
  ManageChat,
  VIEWER,
  adminChat,
  cardWith,
  fileServer,
  manageWorld,
  reload,
  storeClaim,
  verbsOf,
  type ManageWorld,
} from './manageHarness';

const NOW = new Date('2026-03-02T17:00:00.000Z'); // a Monday, 9:00 in Seattle
const DAY = 86_400_000;
const daysAgo = (days: number): string => new Date(NOW.getTime() - days * DAY).toISOString();
const WRITES = ['withdrawClaim', 'disassociateClaim', 'disputeClaim', 'respondToRequest', 'addPoe'];

/** The verbs of every button on a card, Action.Execute included. */
function allVerbs(card: Card | undefined): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Execute') found.push(String(record.verb));
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return [...verbsOf(card), ...found];
}

describe('after submission: the status card and its actions', () => {
  let world: ManageWorld;
  let server: Awaited<ReturnType<typeof fileServer>>;

  before(async () => {
    world = await manageWorld({ clock: { now: () => NOW } });
    server = await fileServer({
      '/sow.pdf': { bytes: minimalPdf(), contentType: 'application/pdf' },
      '/signed.pdf': { bytes: SIGNED_STATEMENT, contentType: 'application/pdf' },
    });
  });
  after(() => server.close());

  const rejected = (overrides: Partial<Claim> = {}) =>
    storeClaim(world, {
      status: 'rejected',
      rejection: { reason: 'insufficientPoe', note: 'No signature', at: daysAgo(3) },
      ...overrides,
    });

  async function statusCard(chat: ManageChat, claim: Claim): Promise<Card> {
    return cardWith(await chat.press({ verb: 'viewClaim', claimId: claim.id }), 'viewHistory');
  }

  describe('the countdown and what the partner must know', () => {
    for (const locale of LOCALES) {
      it(`counts the opt-out window down in business days (${locale})`, async () => {
        const claim = await storeClaim(world, {
          status: 'approvedCustomerNotified',
          windowClosesAt: world.services.calendar.addBusinessDays(NOW, 4).toISOString(),
        });
        const strings = cardStrings(await statusCard(adminChat(world, locale), claim));
        assert.ok(strings.includes(formatCountdown(locale, 'window', 4)), formatCountdown(locale, 'window', 4));
      });
    }

    it('shows an information request: its reasons, the reviewer note, the deadline and the business days left', async () => {
      const deadlineAt = world.services.calendar.addBusinessDays(NOW, 1).toISOString();
      const claim = await storeClaim(world, {
        status: 'partnerActionRequired',
        infoRequest: { reasonCodes: ['missingAllPoe', 'missingOrOldDates'], note: 'Dates **2019**', deadlineAt },
      });
      const strings = cardStrings(await statusCard(adminChat(world, 'ja-JP', { timeZone: 'Asia/Tokyo' }), claim));
      assert.ok(strings.includes(`• ${t('ja-JP', 'infoRequestReasons.missingAllPoe')}`));
      assert.ok(strings.includes(`• ${t('ja-JP', 'infoRequestReasons.missingOrOldDates')}`));
      assert.ok(strings.includes(t('ja-JP', 'status.reviewerNote', { note: 'Dates **2019**' })));
      assert.ok(
        strings.includes(t('ja-JP', 'status.answerBy', { date: formatDateTime('ja-JP', deadlineAt, 'Asia/Tokyo') })),
        'in the user’s own zone',
      );
      assert.ok(strings.includes(formatCountdown('ja-JP', 'deadline', 1)));
    });

    it('shows the rejection reason and until when it may be disputed', async () => {
      const claim = await rejected();
      const strings = cardStrings(await statusCard(adminChat(world, 'ko-KR'), claim));
      assert.ok(
        strings.includes(
          t('ko-KR', 'status.rejectedBecause', { reason: t('ko-KR', 'rejectionReasons.insufficientPoe') }),
        ),
      );
      assert.ok(
        strings.includes(
          t('ko-KR', 'status.disputeUntil', {
            date: formatDate('ko-KR', new Date(NOW.getTime() + 27 * DAY), 'America/Los_Angeles'),
          }),
        ),
      );
    });
  });

  describe('the buttons each role gets', () => {
    const cases: [string, Partial<Claim>, string[]][] = [
      ['submitted', { status: 'submitted' }, ['withdrawClaim']],
      [
        'partner action required',
        {
          status: 'partnerActionRequired',
          infoRequest: {
            reasonCodes: ['missingProducts'],
            deadlineAt: new Date(NOW.getTime() + 9 * DAY).toISOString(),
          },
        },
        ['respondToRequest', 'addPoe', 'withdrawClaim'],
      ],
      [
        'rejected 3 days ago',
        { status: 'rejected', rejection: { reason: 'insufficientPoe', at: daysAgo(3) } },
        ['disputeClaim'],
      ],
      ['associated', { status: 'associated' }, ['disassociateClaim']],
      [
        'approved, window running',
        { status: 'approvedCustomerNotified', windowClosesAt: new Date(NOW.getTime() + DAY).toISOString() },
        [],
      ],
    ];
    for (const [name, overrides, expected] of cases) {
      it(`${name}: the admin gets ${expected.join(', ') || 'no action'}, a viewer none; both get history and comments`, async () => {
        const claim = await storeClaim(world, overrides);
        const admin = await statusCard(adminChat(world), claim);
        assert.deepEqual(
          allVerbs(admin).filter((v) => WRITES.includes(v)),
          expected,
        );
        const viewer = await statusCard(new ManageChat(world, callerFor(ORG, VIEWER)), claim);
        assert.deepEqual(
          allVerbs(viewer).filter((v) => WRITES.includes(v)),
          [],
        );
        for (const card of [admin, viewer])
          assert.ok(['viewHistory', 'viewComments', 'myClaims'].every((v) => allVerbs(card).includes(v)));
      });
    }
  });

  describe('withdraw', () => {
    it('asks to confirm, then rejects the claim at the partner’s request with a history entry, and offers no dispute', async () => {
      const claim = await storeClaim(world, { status: 'underReview' });
      const chat = adminChat(world);
      const card = await statusCard(chat, claim);
      assert.ok(
        cardStrings(card).includes(t('en-US', 'manage.withdrawConfirm')),
        'the confirmation sits with the button',
      );
      const replies = await chat.click('withdrawClaim', {}, card);
      assert.equal(textsOf(replies)[0], t('en-US', 'manage.withdrawn'));
      const after = await reload(world, claim);
      assert.equal(after.status, 'rejected');
      assert.equal(after.rejection?.reason, 'partnerRequest');
      assert.deepEqual(after.history.at(-1), {
        ...after.history.at(-1),
        event: 'withdraw',
        from: 'underReview',
        to: 'rejected',
        actor: { role: 'partnerAdmin', id: ADMIN, name: 'Ada Admin' },
      });
      const fresh = cardOf(replies.at(-1));
      assert.deepEqual(
        allVerbs(fresh).filter((v) => WRITES.includes(v)),
        [],
        'your own withdrawal cannot be disputed',
      );
    });

    it('cannot withdraw twice: the second press is told the status does not allow it', async () => {
      const claim = await storeClaim(world, { status: 'submitted' });
      const chat = adminChat(world);
      const card = await statusCard(chat, claim);
      await chat.click('withdrawClaim', {}, card);
      const again = await chat.click('withdrawClaim', {}, card);
      assert.deepEqual(textsOf(again), [
        problemMessage('en-US', { code: 'transitionNotAllowed', field: 'status', params: { status: 'rejected' } }),
      ]);
      assert.equal((await reload(world, claim)).history.filter((h) => h.event === 'withdraw').length, 1);
    });
  });

  describe('disassociate', () => {
    async function associated(): Promise<Claim> {
      const base = await storeClaim(world, { status: 'associated', customerTenantId: randomUUID() });
      const keys = associationKeys(base);
      await world.services.associations.acquire(ORG.id, base.id, keys);
      await world.services.associations.confirm(ORG.id, base.id, keys);
      const stored = await world.claims.get(ORG.id, base.id);
      assert.ok(stored);
      return (await world.claims.replace({ ...stored.value, heldKeys: keys }, stored.etag)).value;
    }

    it('requires a reason, and changes nothing without one', async () => {
      const claim = await associated();
      const chat = adminChat(world);
      const replies = await chat.click('disassociateClaim', { reason: '   ' }, await statusCard(chat, claim));
      assert.deepEqual(textsOf(replies), [problemMessage('en-US', { code: 'reasonRequired', field: 'reason' })]);
      assert.equal((await reload(world, claim)).status, 'associated');
    });

    it('ends the association as rejected (final) with the reason in the history, and gives the keys back', async () => {
      const claim = await associated();
      const chat = adminChat(world, 'ko-KR');
      const replies = await chat.click(
        'disassociateClaim',
        { reason: 'Customer moved to another partner' },
        await statusCard(chat, claim),
      );
      assert.equal(textsOf(replies)[0], t('ko-KR', 'status.disassociated'));
      const after = await reload(world, claim);
      assert.equal(after.status, 'rejectedFinal');
      assert.equal(after.history.at(-1)?.event, 'disassociate');
      assert.equal(after.history.at(-1)?.note, 'Customer moved to another partner');
      assert.deepEqual(after.heldKeys, []);
      for (const key of claim.heldKeys) assert.equal(await world.services.associations.holderOf(key), undefined, key);
    });
  });

  describe('dispute', () => {
    it('takes the justification, then new PoE attached in the chat, and files both in one write', async () => {
      const claim = await rejected();
      const chat = adminChat(world);
      const ask = await chat.click(
        'disputeClaim',
        { justification: 'The SOW was signed on 3 Feb; see the new file.' },
        await statusCard(chat, claim),
      );
      assert.ok(cardStrings(cardOf(ask.at(-1))).includes(t('en-US', 'manage.disputePoeIntro')));
      const received = await chat.attach([{ name: 'signed sow.pdf', url: server.url('/signed.pdf') }]);
      assert.match(textsOf(received)[0] ?? '', /^Received signed sow\.pdf/);
      // The turn posts the card with the file being checked; the check, after the turn, updates that card.
      const posted = received.at(-1);
      assert.ok(
        cardStrings(cardOf(posted)).includes(
          t('en-US', 'poe.fileChecking', {
            fileName: 'signed sow.pdf',
            size: formatFileSize('en-US', SIGNED_STATEMENT.length),
          }),
        ),
      );
      assert.equal(chat.updates.at(-1)?.id, posted?.id, 'updated in place');
      const disputeCard = cardStrings(chat.lastCard());
      assert.ok(disputeCard.includes(t('en-US', 'manage.disputeFilesOne')));
      // The new file is checked like the claim's PoE, and its checklist is on the dispute card.
      for (const expected of [
        t('en-US', 'poeCheck.fileHeading', { fileName: 'signed sow.pdf' }),
        t('en-US', 'poeCheck.acknowledgementFound'),
        t('en-US', 'poeCheck.datesNone'),
      ])
        assert.ok(disputeCard.includes(expected), `${expected} not in\n${disputeCard.join('\n')}`);
      assert.equal((await reload(world, claim)).status, 'rejected', 'nothing filed before File dispute');
      const filed = await chat.click('disputeFile');
      assert.equal(textsOf(filed)[0], t('en-US', 'status.disputed'));
      const after = await reload(world, claim);
      assert.equal(after.status, 'dispute');
      assert.equal(after.disputed, true);
      assert.deepEqual(
        after.poe.map((p) => p.fileName),
        ['signed sow.pdf'],
      );
      assert.ok(await world.services.evidence.exists(after.poe[0]?.blobName ?? ''), 'the file is in Blob storage');
      // Recorded with its check, so the reviewer's detail card of the dispute starts from it.
      assert.equal(after.poe[0]?.check?.status, 'checked');
      const reviewer = cardStrings(
        renderReviewDetailCard(
          {
            claim: after,
            partnerName: 'Fabrikam',
            poe: [],
            linkMinutes: 15,
            conflicts: [],
            allowedEvents: [],
            commentId: 'c',
          },
          'en-US',
        ),
      );
      assert.ok(reviewer.includes(t('en-US', 'poeCheck.reviewerTitle')));
      assert.ok(reviewer.includes(t('en-US', 'poeCheck.datesNone')), reviewer.join('\n'));
      assert.deepEqual(
        { event: after.history.at(-1)?.event, note: after.history.at(-1)?.note, by: after.history.at(-1)?.actor.id },
        { event: 'dispute', note: 'The SOW was signed on 3 Feb; see the new file.', by: ADMIN },
      );
      assert.deepEqual(
        allVerbs(cardOf(filed.at(-1))).filter((v) => WRITES.includes(v)),
        [],
        'no second dispute',
      );
    });

    it('files without new PoE too, and a second press of the old card is refused', async () => {
      const claim = await rejected();
      const chat = adminChat(world);
      const card = await statusCard(chat, claim);
      await chat.click('disputeClaim', { justification: 'Please look again' }, card);
      await chat.click('disputeFile');
      assert.equal((await reload(world, claim)).status, 'dispute');
      const again = await chat.click('disputeClaim', { justification: 'And again' }, card);
      assert.deepEqual(textsOf(again), [
        problemMessage('en-US', { code: 'transitionNotAllowed', field: 'status', params: { status: 'dispute' } }),
      ]);
    });

    it('is not offered, and refused, once a rejection has been disputed already', async () => {
      const claim = await rejected({ disputed: true });
      const chat = adminChat(world);
      const card = await statusCard(chat, claim);
      assert.ok(!allVerbs(card).includes('disputeClaim'));
      const replies = await chat.press({ verb: 'disputeClaim', claimId: claim.id, justification: 'Once more' });
      assert.deepEqual(textsOf(replies), [t('en-US', 'problems.disputeAlreadyUsed')]);
    });

    it('is not offered, and refused, 30 days after the rejection', async () => {
      const claim = await rejected({ rejection: { reason: 'insufficientPoe', at: daysAgo(31) } });
      const chat = adminChat(world);
      assert.ok(!allVerbs(await statusCard(chat, claim)).includes('disputeClaim'));
      const replies = await chat.press({ verb: 'disputeClaim', claimId: claim.id, justification: 'Late' });
      assert.deepEqual(textsOf(replies), [
        problemMessage('en-US', { code: 'disputeWindowClosed', field: 'status', params: { days: 30 } }),
      ]);
      assert.equal((await reload(world, claim)).status, 'rejected');
    });

    it('deletes the files it stored when it is cancelled or refused: no blob is left that no claim refers to', async () => {
      const ids: string[] = [];
      const recording: ManageWorld = {
        ...world,
        manage: { ...world.manage, newId: () => ids[ids.push(randomUUID()) - 1] ?? '' },
      };
      const storedFor = async (claim: Claim, from: number): Promise<boolean[]> =>
        Promise.all(
          ids
            .slice(from)
            .map((poeId) => world.services.evidence.exists(evidenceBlobName(claim.partnerId, claim.id, poeId))),
        );

      const cancelled = await rejected();
      const chat = adminChat(recording);
      await chat.click('disputeClaim', { justification: 'New signed SOW' }, await statusCard(chat, cancelled));
      await chat.attach([{ name: 'signed sow.pdf', url: server.url('/sow.pdf') }]);
      await chat.attach([{ name: 'amendment.pdf', url: server.url('/sow.pdf') }]);
      assert.deepEqual(await storedFor(cancelled, 0), [true, true], 'stored while the dispute is prepared');
      assert.deepEqual(textsOf(await chat.send('cancel')), [t('en-US', 'manage.disputeStopped')]);
      assert.deepEqual(await storedFor(cancelled, 0), [false, false]);
      assert.deepEqual((await reload(world, cancelled)).poe, []);

      const refused = await rejected();
      const from = ids.length;
      const late = adminChat(recording);
      await late.click('disputeClaim', { justification: 'With a file' }, await statusCard(late, refused));
      await late.attach([{ name: 'signed sow.pdf', url: server.url('/sow.pdf') }]);
      // Filed a moment earlier from another device, without files.
      const first = adminChat(world);
      await first.click('disputeClaim', { justification: 'Without a file' }, await statusCard(first, refused));
      await first.click('disputeFile');
      const answer = await late.click('disputeFile');
      assert.deepEqual(textsOf(answer), [
        problemMessage('en-US', { code: 'transitionNotAllowed', field: 'status', params: { status: 'dispute' } }),
      ]);
      assert.deepEqual(await storedFor(refused, from), [false]);
      assert.deepEqual((await reload(world, refused)).poe, []);
    });

    it('requires a justification, and stops on cancel without filing anything', async () => {
      const claim = await rejected();
      const chat = adminChat(world, 'ja-JP');
      const card = await statusCard(chat, claim);
      const empty = await chat.click('disputeClaim', { justification: '' }, card);
      assert.deepEqual(textsOf(empty), [problemMessage('ja-JP', { code: 'reasonRequired', field: 'justification' })]);
      await chat.click('disputeClaim', { justification: '理由があります' }, card);
      const stopped = await chat.send('キャンセル');
      assert.deepEqual(textsOf(stopped), [t('ja-JP', 'manage.disputeStopped')]);
      assert.equal((await reload(world, claim)).status, 'rejected');
      assert.equal(
        textsOf(await chat.send('キャンセル'))[0],
        t('ja-JP', 'cancel.nothingToCancel'),
        'the flow has ended',
      );
    });
  });

  describe('respond to a request for more information', () => {
    it('continues the claim in the new-claim flow for its allowed edits, or only the PoE part', async () => {
      const claim = await storeClaim(world, {
        status: 'partnerActionRequired',
        infoRequest: { reasonCodes: ['missingAllPoe'], deadlineAt: new Date(NOW.getTime() + 5 * DAY).toISOString() },
      });
      const chat = adminChat(world);
      const card = await statusCard(chat, claim);
      await chat.click('respondToRequest', {}, card);
      await chat.click('addPoe', {}, card);
      assert.deepEqual(chat.newClaim.begun, [{ claimId: claim.id }, { claimId: claim.id, edit: 'poe' }]);
    });

    it('refuses once the claim is no longer waiting for the partner', async () => {
      const claim = await rejected();
      const chat = adminChat(world);
      const replies = await chat.press({ verb: 'respondToRequest', claimId: claim.id });
      assert.deepEqual(textsOf(replies), [t('en-US', 'errors.notEditable')]);
      assert.deepEqual(chat.newClaim.begun, []);
    });
  });

  describe('who may act', () => {
    it('refuses every write to a user who is not an incentives admin, changing nothing', async () => {
      const claim = await storeClaim(world, { status: 'submitted' });
      const viewer = new ManageChat(world, callerFor(ORG, VIEWER, 'ko-KR'));
      for (const verb of WRITES) {
        const replies = await viewer.press({ verb, claimId: claim.id, reason: 'x', justification: 'x' });
        assert.deepEqual(textsOf(replies), [t('ko-KR', 'manage.notAllowed')], verb);
      }
      assert.deepEqual(viewer.newClaim.begun, []);
      assert.deepEqual(await reload(world, claim), claim);
    });

    it("does not find another organisation's claim by its id, whatever the button", async () => {
      const foreign = await storeClaim(world, { partnerId: OTHER_ORG.id, status: 'submitted' });
      const chat = adminChat(world);
      for (const verb of [...WRITES, 'viewClaim', 'viewHistory']) {
        const replies = await chat.press({ verb, claimId: foreign.id, reason: 'x', justification: 'x' });
        assert.deepEqual(textsOf(replies), [t('en-US', 'errors.notFound')], verb);
        assert.equal(replies.map(cardOf).filter(Boolean).length, 0, 'nothing about it shown');
      }
      assert.deepEqual(await reload(world, foreign), foreign);
    });

    it("refuses an admin of another organisation pressing this organisation's card", async () => {
      const claim = await storeClaim(world, { status: 'submitted' });
      const stranger = new ManageChat(world, callerFor(OTHER_ORG, 'aad-other-admin'));
      assert.deepEqual(textsOf(await stranger.press({ verb: 'withdrawClaim', claimId: claim.id })), [
        t('en-US', 'errors.notFound'),
      ]);
      assert.equal((await reload(world, claim)).status, 'submitted');
    });
  });

  describe('the history timeline', () => {
    it('says who did what, when (in the user’s zone) and why, with localized event names', async () => {
      const claim = await storeClaim(world, {
        status: 'submitted',
        history: [
          {
            at: daysAgo(5),
            actor: { role: 'partnerAdmin', id: ADMIN, name: 'Ada Admin' },
            event: 'created',
            from: null,
            to: 'draft',
          },
          {
            at: daysAgo(4),
            actor: { role: 'partnerAdmin', id: ADMIN, name: 'Ada Admin' },
            event: 'submit',
            from: 'draft',
            to: 'submitted',
          },
        ],
      });
      const chat = adminChat(world, 'ko-KR', { timeZone: 'Asia/Seoul' });
      await chat.click('withdrawClaim', {}, await statusCard(chat, claim));
      const after = await reload(world, claim);
      const history = cardWith(await chat.press({ verb: 'viewHistory', claimId: claim.id }), 'viewClaim');
      const strings = cardStrings(history);
      for (const event of ['created', 'submit', 'withdraw'])
        assert.ok(strings.includes(historyEventLabel('ko-KR', event)), event);
      assert.ok(strings.includes(formatDateTime('ko-KR', after.history.at(-1)?.at ?? '', 'Asia/Seoul')));
      assert.ok(
        strings.includes(t('ko-KR', 'history.by', { actor: `${t('ko-KR', 'actors.partnerAdmin')} (Ada Admin)` })),
      );
      assert.ok(
        strings.includes(t('ko-KR', 'history.reason', { reason: t('ko-KR', 'rejectionReasons.partnerRequest') })),
      );
      assert.ok(
        strings.includes(
          t('ko-KR', 'history.transition', {
            from: t('ko-KR', 'statuses.submitted'),
            to: t('ko-KR', 'statuses.rejected'),
          }),
        ),
      );
      assert.ok(
        submitActions(history).some((a) => a.data.verb === 'viewClaim' && a.data.claimId === claim.id),
        'back to the status',
      );
    });
  });
});

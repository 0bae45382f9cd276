import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Claim, OutboxMessage } from '../../../claims/model';
import type { DeliveryOutcome, Notifier } from '../../../claims/notifications';
import { outcomeOfSendError, ProactiveSender } from '../../../bot/notifications/proactiveSender';
import { cporMessageId, TeamsNotifier } from '../../../bot/notifications/teamsNotifier';
import { formatConsentDeadline } from '../../../cards/consentCard';
import { partnerNotificationLines, renderPartnerNotificationCard } from '../../../cards/partnerNotificationCard';
import {
  infoRequestReasonText,
  LOCALES,
  rejectionReasonText,
  statusLabel,
  t,
  type Locale,
} from '../../../locales/i18n';
import { parseFindings } from '../../cards/cardChecks';
import {
  DAY,
  MINUTE,
  REVIEWER,
  claimIn,
  customerOf,
  newPartner,
  read,
  refOf,
  useEngine,
  value,
  type Engine,
  type Partner,
} from '../../claims/engineHarness';
import { cardText, messageIdOf, proactiveOn, TIME_ZONE, type Proactive } from '../../support/proactiveHarness';
import { RecordingConnector } from '../../support/recordingConnector';

/** Partner kinds to `teams`; the customer's consent request is not these tests' business (answered 'sent'). */
const partnerRoute = (teams: Notifier): Notifier => ({
  deliver: async (claim, message): Promise<DeliveryOutcome> =>
    message.kind === 'customerConsentRequest' ? 'sent' : teams.deliver(claim, message),
});

/** A partner contact of its own for each test: the reference store looks emails up across the whole database. */
const contactClaim = () => {
  const email = `pat-${randomUUID()}@fabrikam.com`;
  return { email, overrides: { partnerContact: { name: 'Pat Partner', email } } };
};

const kindOf = (activity: Record<string, unknown>): string => String(messageIdOf(activity)).split('.').pop() ?? '';

describe('TeamsNotifier (proactive messages to the partner, on a recording connector)', () => {
  let connector: RecordingConnector;
  let engine: Engine;
  let partner: Partner;
  let proactive: Proactive;

  before(async () => {
    connector = await new RecordingConnector().start();
  });
  after(async () => {
    await connector.stop();
  });
  useEngine((fixture) => {
    engine = fixture.engine;
    partner = fixture.partner;
    connector.reset();
    proactive = proactiveOn(engine, connector);
  });

  const dispatcher = () => engine.dispatcher({ notifier: partnerRoute(proactive.teams) });

  async function deliverAll(claim: Claim) {
    return dispatcher().dispatch(await read(engine, claim));
  }

  const reachAdmin = (who: Partner, locale: Locale = 'en-US') =>
    proactive.reachable({ tenantId: who.org.id, aadObjectId: who.admin.actor.id, locale });

  /** Each scenario takes a fresh claim of `who` to the transition that sends `kind`, and says what the card must say. */
  const scenarios: Record<
    string,
    (who: Partner, locale: Locale) => Promise<{ claim: Claim; kinds: string[]; expected: string[] }>
  > = {
    reviewStarted: async (who, locale) => {
      const claim = await claimIn(engine, who, 'underReview');
      return { claim, kinds: ['reviewStarted'], expected: [t(locale, 'notify.reviewStarted', { name: claim.name })] };
    },
    infoRequested: async (who, locale) => {
      const reviewed = await claimIn(engine, who, 'underReview');
      const claim = value(
        await engine.lifecycle.requestInfo(
          refOf(reviewed),
          REVIEWER,
          ['missingAllPoe', 'missingProducts'],
          'Attach the signed SOW',
        ),
      ).value;
      const date = formatConsentDeadline(locale, claim.infoRequest?.deadlineAt ?? '', TIME_ZONE);
      const expected = [
        t(locale, 'notify.infoRequested', { name: claim.name, date }),
        infoRequestReasonText(locale, 'missingAllPoe'),
        infoRequestReasonText(locale, 'missingProducts'),
        'Attach the signed SOW',
      ];
      return { claim, kinds: ['reviewStarted', 'infoRequested'], expected };
    },
    approvedCustomerNotified: async (who, locale) => {
      const claim = await claimIn(engine, who, 'approvedCustomerNotified');
      const date = formatConsentDeadline(locale, claim.windowClosesAt ?? '', TIME_ZONE);
      return {
        claim,
        kinds: ['reviewStarted', 'approvedCustomerNotified'],
        expected: [
          t(locale, 'notify.approvedCustomerNotified', { name: claim.name, customer: claim.customerDomain, date }),
        ],
      };
    },
    customerApproved: async (who, locale) => {
      const claim = await claimIn(engine, who, 'associated');
      return {
        claim,
        kinds: ['reviewStarted', 'approvedCustomerNotified', 'customerApproved'],
        expected: [t(locale, 'notify.customerApproved', { name: claim.name, customer: claim.customerDomain })],
      };
    },
    customerOptedOut: async (who, locale) => {
      const approved = await claimIn(engine, who, 'approvedCustomerNotified');
      const claim = value(
        await engine.lifecycle.customerDecision(refOf(approved), customerOf(approved), 'optOut'),
      ).value;
      return {
        claim,
        kinds: ['reviewStarted', 'approvedCustomerNotified', 'customerOptedOut'],
        expected: [t(locale, 'notify.customerOptedOut', { name: claim.name, customer: claim.customerDomain })],
      };
    },
    associationOfficial: async (who, locale) => {
      const approved = await claimIn(engine, who, 'approvedCustomerNotified');
      engine.clock.advance(8 * DAY);
      const claim = value(await engine.lifecycle.closeDue(await read(engine, approved))).value;
      return {
        claim,
        kinds: ['reviewStarted', 'approvedCustomerNotified', 'associationOfficial'],
        expected: [t(locale, 'notify.associationOfficial', { name: claim.name, customer: claim.customerDomain })],
      };
    },
    rejected: async (who, locale) => {
      const claim = await claimIn(engine, who, 'rejected');
      return {
        claim,
        kinds: ['reviewStarted', 'rejected'],
        expected: [
          t(locale, 'notify.rejected', { name: claim.name, reason: rejectionReasonText(locale, 'insufficientPoe') }),
          'unsigned',
        ],
      };
    },
    disputeOutcome: async (who, locale) => {
      const rejected = await claimIn(engine, who, 'rejected');
      value(await engine.lifecycle.dispute(refOf(rejected), who.admin, 'The SOW is signed on page 3'));
      const claim = value(await engine.lifecycle.approve(refOf(rejected), REVIEWER)).value;
      const status = statusLabel(locale, 'approvedCustomerNotified');
      const closes = t(locale, 'status.windowCloses', {
        date: formatConsentDeadline(locale, claim.windowClosesAt ?? '', TIME_ZONE),
      });
      return {
        claim,
        kinds: ['reviewStarted', 'rejected', 'disputeOutcome'],
        expected: [t(locale, 'notify.disputeOutcome', { name: claim.name, status }), closes],
      };
    },
  };

  for (const [kind, scenario] of Object.entries(scenarios)) {
    it(`${kind}: arrives once, in the recipient's language (en-US, ko-KR, ja-JP), with the claim's button`, async () => {
      for (const locale of LOCALES) {
        const who = await newPartner(engine);
        const { conversationId } = await reachAdmin(who, locale);
        const { claim, kinds, expected } = await scenario(who, locale);
        await deliverAll(claim);
        const arrived = connector.activitiesIn(conversationId);
        assert.deepEqual(arrived.map(kindOf), kinds, `${locale}: each partner message once, in order`);
        const last = arrived.at(-1) ?? assert.fail('nothing arrived');
        assert.equal(last.locale, locale);
        assert.equal(last.summary, expected[0]);
        const text = cardText(last);
        for (const sentence of expected)
          assert.ok(text.includes(sentence), `${locale} ${kind}: "${sentence}" in\n${text}`);
        assert.ok(
          JSON.stringify(last.attachments).includes(`"verb":"viewClaim","claimId":"${claim.id}"`),
          'the button opens this claim',
        );
        assert.deepEqual((last.channelData as Record<string, unknown>).notification, { alert: true });
      }
    });
  }

  it('a dispute lost: the final rejection and its reason', async () => {
    const { conversationId } = await reachAdmin(partner);
    const rejected = await claimIn(engine, partner, 'rejected');
    value(await engine.lifecycle.dispute(refOf(rejected), partner.admin, 'The SOW is signed on page 3'));
    const claim = value(
      await engine.lifecycle.reject(refOf(rejected), REVIEWER, 'disputeLost', 'Still unsigned'),
    ).value;
    await deliverAll(claim);
    const text = cardText(connector.activitiesIn(conversationId).at(-1));
    assert.ok(
      text.includes(
        t('en-US', 'notify.disputeOutcome', { name: claim.name, status: statusLabel('en-US', 'rejectedFinal') }),
      ),
      text,
    );
    assert.ok(
      text.includes(t('en-US', 'status.rejectedBecause', { reason: rejectionReasonText('en-US', 'disputeLost') })),
    );
    assert.ok(text.includes('Still unsigned'));
  });

  it('reaches the partner contact too, in their own language, when they use the bot in the same organisation', async () => {
    const { email, overrides } = contactClaim();
    const admin = await reachAdmin(partner, 'ja-JP');
    const contact = await proactive.reachable({
      tenantId: partner.org.id,
      aadObjectId: `aad-${randomUUID()}`,
      email: email.toUpperCase(),
      locale: 'ko-KR',
    });
    const claim = await claimIn(engine, partner, 'underReview', overrides);
    await deliverAll(claim);
    assert.equal(connector.activitiesIn(admin.conversationId).length, 1);
    const [toContact, ...more] = connector.activitiesIn(contact.conversationId);
    assert.deepEqual(more, []);
    assert.ok(cardText(toContact).includes(t('ko-KR', 'notify.reviewStarted', { name: claim.name })));
    assert.ok(
      cardText(connector.activitiesIn(admin.conversationId)[0]).includes(
        t('ja-JP', 'notify.reviewStarted', { name: claim.name }),
      ),
    );
  });

  it('tells a person once when they are the creator, the submitter and the partner contact', async () => {
    const { email, overrides } = contactClaim();
    const admin = await proactive.reachable({ tenantId: partner.org.id, aadObjectId: partner.admin.actor.id, email });
    await deliverAll(await claimIn(engine, partner, 'underReview', overrides));
    assert.equal(connector.received.length, 1);
    assert.equal(connector.activitiesIn(admin.conversationId).length, 1);
  });

  it('tells whoever submitted the claim as well as its creator', async () => {
    const submitterId = `aad-${randomUUID()}`;
    await engine.partners.upsert({ ...partner.org, incentivesAdmins: [...partner.org.incentivesAdmins, submitterId] });
    const creator = await reachAdmin(partner);
    const submitter = await proactive.reachable({
      tenantId: partner.org.id,
      aadObjectId: submitterId,
      locale: 'ko-KR',
    });
    const claim = await claimIn(engine, partner, 'submitted');
    // Rewrite the history as if a colleague had submitted it.
    const stored = await read(engine, claim);
    const history = stored.value.history.map((h) =>
      h.event === 'submit' ? { ...h, actor: { role: 'partnerAdmin' as const, id: submitterId } } : h,
    );
    await engine.claims.replace({ ...stored.value, history }, stored.etag);
    await deliverAll(value(await engine.lifecycle.startReview(refOf(claim), REVIEWER)).value);
    assert.equal(connector.activitiesIn(creator.conversationId).length, 1);
    assert.equal(connector.activitiesIn(submitter.conversationId).length, 1);
  });

  it('leaves out a partner contact whose email the bot knows only from another organisation', async () => {
    const { email, overrides } = contactClaim();
    const elsewhere = await proactive.reachable({
      tenantId: `other-${randomUUID()}`,
      aadObjectId: `aad-${randomUUID()}`,
      email,
    });
    const admin = await reachAdmin(partner);
    await deliverAll(await claimIn(engine, partner, 'underReview', overrides));
    assert.equal(connector.activitiesIn(admin.conversationId).length, 1);
    assert.deepEqual(connector.activitiesIn(elsewhere.conversationId), []);
  });

  it('reaches the partner contact even when the same address chatted with the bot later from another organisation', async () => {
    const { email, overrides } = contactClaim();
    const contact = await proactive.reachable({ tenantId: partner.org.id, aadObjectId: `aad-${randomUUID()}`, email });
    engine.clock.advance(MINUTE);
    const elsewhere = await proactive.reachable({
      tenantId: `other-${randomUUID()}`,
      aadObjectId: `aad-${randomUUID()}`,
      email,
    });
    await deliverAll(await claimIn(engine, partner, 'underReview', overrides));
    assert.equal(connector.activitiesIn(contact.conversationId).length, 1);
    assert.deepEqual(connector.activitiesIn(elsewhere.conversationId), []);
  });

  it('nobody reachable: dead, logged, and nothing sent', async () => {
    const claim = await claimIn(engine, partner, 'underReview');
    const report = await deliverAll(claim);
    assert.equal(report.dead, 1);
    assert.deepEqual(connector.attempts, []);
    assert.ok(
      engine.logs.some(
        (l) =>
          l.event === 'teamsNotify.nobodyReachable' && l.facts.claimId === claim.id && l.facts.kind === 'reviewStarted',
      ),
    );
    assert.deepEqual((await read(engine, claim)).value.outbox, [], 'not kept for retries that cannot succeed');
  });

  it('403 MessageWritesBlocked (bot uninstalled or blocked): the reference is marked dead, the message dead, and it is not retried', async () => {
    const admin = await reachAdmin(partner);
    connector.failNext(admin.conversationId, { status: 403, code: 'MessageWritesBlocked' });
    const claim = await claimIn(engine, partner, 'underReview');
    const report = await deliverAll(claim);
    assert.deepEqual([report.sent, report.retried, report.dead], [0, 0, 1]);
    assert.equal(connector.attempts.length, 1, 'the connector client does not retry a 403 either');
    assert.equal((await proactive.references.get(partner.org.id, partner.admin.actor.id))?.dead, true);
    assert.ok(engine.logs.some((l) => l.event === 'proactive.referenceDead'));
    // The next notification does not even try the dead reference.
    await deliverAll(value(await engine.lifecycle.approve(refOf(claim), REVIEWER)).value);
    assert.equal(connector.attempts.length, 1);
  });

  it('403 for one recipient while another gets it: sent, and only the blocked reference is marked dead', async () => {
    const { email, overrides } = contactClaim();
    const admin = await reachAdmin(partner);
    const contact = await proactive.reachable({ tenantId: partner.org.id, aadObjectId: `aad-${randomUUID()}`, email });
    connector.failNext(admin.conversationId, { status: 403, code: 'MessageWritesBlocked' });
    const report = await deliverAll(await claimIn(engine, partner, 'underReview', overrides));
    assert.equal(report.sent, 1);
    assert.equal(connector.activitiesIn(contact.conversationId).length, 1);
    assert.equal((await proactive.references.get(partner.org.id, partner.admin.actor.id))?.dead, true);
    assert.equal((await proactive.references.get(partner.org.id, contact.aadObjectId))?.dead, false);
  });

  for (const [status, code, gone] of [
    [404, 'ConversationNotFound', true],
    [400, 'BadArgument', false],
  ] as const) {
    it(`${status} ${code}: dead and not retried; the reference ${gone ? 'is marked dead too (the conversation is gone)' : 'stays alive (only this message was bad)'}`, async () => {
      const admin = await reachAdmin(partner);
      connector.failNext(admin.conversationId, { status, code });
      assert.equal((await deliverAll(await claimIn(engine, partner, 'underReview'))).dead, 1);
      assert.equal((await proactive.references.get(partner.org.id, partner.admin.actor.id))?.dead, gone);
    });
  }

  it('429 throttled: retry after a backoff with jitter, then delivered once with the same message id', async () => {
    const admin = await reachAdmin(partner);
    connector.failNext(admin.conversationId, { status: 429, code: 'Throttled' });
    const claim = await claimIn(engine, partner, 'underReview');
    const first = await deliverAll(claim);
    assert.equal(first.retried, 1);
    const [waiting] = (await read(engine, claim)).value.outbox;
    assert.ok(waiting && Date.parse(waiting.nextAttemptAt) > engine.clock.now().getTime(), 'scheduled for later');
    assert.equal((await deliverAll(claim)).sent, 0, 'not before its time');
    engine.clock.advance(10 * MINUTE);
    assert.equal((await deliverAll(claim)).sent, 1);
    const arrived = connector.activitiesIn(admin.conversationId);
    assert.equal(arrived.length, 1);
    assert.equal(messageIdOf(arrived[0] ?? {}), `${claim.partnerId}/${claim.id}/${waiting?.id}`);
    assert.equal((await proactive.references.get(partner.org.id, partner.admin.actor.id))?.dead, false);
  });

  it('5xx after the connector client gave up its own retries: retry, then delivered', async function () {
    // The client retries a 5xx three times with about 1, 2 and 4 s of backoff before it fails.
    this.timeout(30_000);
    const admin = await reachAdmin(partner);
    connector.failNext(admin.conversationId, { status: 500, code: 'InternalError' }, 4);
    const claim = await claimIn(engine, partner, 'underReview');
    assert.equal((await deliverAll(claim)).retried, 1);
    assert.equal(connector.attempts.length, 4);
    engine.clock.advance(10 * MINUTE);
    assert.equal((await deliverAll(claim)).sent, 1);
    assert.equal(connector.activitiesIn(admin.conversationId).length, 1);
  });

  it('a single 503 with Retry-After is absorbed by the connector client: sent at once', async () => {
    const admin = await reachAdmin(partner);
    connector.failNext(admin.conversationId, {
      status: 503,
      code: 'ServiceUnavailable',
      headers: { 'Retry-After': '0' },
    });
    assert.equal((await deliverAll(await claimIn(engine, partner, 'underReview'))).sent, 1);
    assert.deepEqual(
      connector.attempts.map((a) => a.status),
      [503, 201],
    );
  });

  it('a re-send of the same outbox message (at-least-once) carries the same id, so the doubles can be told apart', async () => {
    const admin = await reachAdmin(partner);
    const claim = (await read(engine, await claimIn(engine, partner, 'underReview'))).value;
    const message = claim.outbox.find((m) => m.kind === 'reviewStarted') ?? assert.fail('no message');
    assert.equal(await proactive.teams.deliver(claim, message), 'sent');
    assert.equal(await proactive.teams.deliver(claim, message), 'sent');
    const ids = connector.activitiesIn(admin.conversationId).map(messageIdOf);
    assert.deepEqual(ids, [cporMessageId(claim, message), cporMessageId(claim, message)]);
  });

  it('uses only https serviceUrls outside local mode: a stored http one is not used', async () => {
    const strict = new TeamsNotifier({
      sender: new ProactiveSender({
        adapter: proactive.adapter,
        botAppId: '',
        references: proactive.references,
        allowHttpServiceUrl: false,
        log: engine.log,
      }),
      references: proactive.references,
      timeZone: TIME_ZONE,
      log: engine.log,
    });
    await reachAdmin(partner);
    const claim = (await read(engine, await claimIn(engine, partner, 'underReview'))).value;
    const message = claim.outbox.find((m) => m.kind === 'reviewStarted') ?? assert.fail('no message');
    assert.equal(await strict.deliver(claim, message), 'dead');
    assert.deepEqual(connector.attempts, []);
  });

  it('refuses kinds that are not for the partner', async () => {
    const claim = (await read(engine, await claimIn(engine, partner, 'approvedCustomerNotified'))).value;
    const consent = claim.outbox.find((m) => m.kind === 'customerConsentRequest') ?? assert.fail('no consent request');
    await reachAdmin(partner);
    assert.equal(await proactive.teams.deliver(claim, consent), 'dead');
    assert.equal(await proactive.teams.deliver(claim, { ...consent, kind: 'releaseHolds' } as OutboxMessage), 'dead');
    assert.deepEqual(connector.attempts, []);
  });
});

describe('outcomeOfSendError', () => {
  it('sorts connector errors into gone, retry and refused', () => {
    const error = (statusCode?: number) =>
      Object.assign(new Error('x'), statusCode === undefined ? {} : { statusCode });
    assert.equal(outcomeOfSendError(error(403)), 'gone');
    assert.equal(outcomeOfSendError(error(404)), 'gone');
    for (const status of [408, 412, 429, 500, 502, 503, 504, 401])
      assert.equal(outcomeOfSendError(error(status)), 'retry', String(status));
    for (const status of [400, 413]) assert.equal(outcomeOfSendError(error(status)), 'refused', String(status));
    assert.equal(outcomeOfSendError(error()), 'retry', 'a network failure passes');
    assert.equal(outcomeOfSendError({ response: { status: 403 } }), 'gone');
    assert.equal(outcomeOfSendError('weird'), 'retry');
  });
});

describe('the partner notification card', () => {
  const model = {
    kind: 'rejected' as const,
    claimId: 'claim-1',
    claimName: '**Contoso** [win](https://evil.example) ${$root.labels}',
    customer: 'contoso.com',
    rejectionReason: 'other' as const,
    note: '<b>see</b> _notes_',
    timeZone: TIME_ZONE,
  };

  it('is a valid 1.5 card whose user text sits only in plain-text runs, as typed', () => {
    for (const locale of LOCALES) {
      const card = renderPartnerNotificationCard(model, locale);
      assert.deepEqual(parseFindings(card.content), []);
      const json = JSON.stringify(card.content);
      assert.ok(
        json.includes('**Contoso** [win](https://evil.example) ${$root.labels}'),
        'the name is data, not template source',
      );
      const blocks = JSON.stringify(
        (card.content.body as unknown[]).filter((b) => (b as { type: string }).type === 'TextBlock'),
      );
      assert.ok(!blocks.includes('Contoso') && !blocks.includes('<b>see</b>'));
    }
  });

  it('names the reason and the note, and falls back to "other" for an unknown reason', () => {
    const lines = partnerNotificationLines({ ...model, rejectionReason: undefined }, 'ko-KR');
    assert.equal(
      lines[0],
      t('ko-KR', 'notify.rejected', { name: model.claimName, reason: rejectionReasonText('ko-KR', 'other') }),
    );
    assert.equal(lines[1], t('ko-KR', 'status.reviewerNote', { note: '<b>see</b> _notes_' }));
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestAdapter, type AdaptiveCardInvokeResponse, type ChannelAccount } from 'botbuilder';
import { ConsentTokens } from '../../../claims/consentToken';
import type { Claim } from '../../../claims/model';
import type { DeliveryOutcome, Notifier } from '../../../claims/notifications';
import type { ClaimsBot } from '../../../bot/teams/claimsBot';
import { composeBot } from '../../../bot/app/composeBot';
import { CompositeNotifier, composeNotifications, type NotificationParts } from '../../../bot/app/composeNotifications';
import { ConsentMailNotifier } from '../../../bot/consent/consentMailNotifier';
import { createLogger } from '../../../bot/app/logger';
import { OutboxKick } from '../../../bot/notifications/outboxKick';
import { formatConsentDeadline } from '../../../cards/consentCard';
import { t, type Locale } from '../../../locales/i18n';
import { CosmosConsentNonceStore } from '../../../storage/consentNonceStore';
import {
  DAY,
  START,
  SettableClock,
  claimIn,
  customerOf,
  engineOn,
  newPartner,
  read,
  refOf,
  value,
  type Engine,
  type Partner,
} from '../../claims/engineHarness';
import { objectsOfType } from '../../cards/cardChecks';
import { botHarness, type Harness } from '../../support/botHarness';
import { cardText, proactiveOn, RecordingMailer, TIME_ZONE, type Proactive } from '../../support/proactiveHarness';
import { RecordingConnector } from '../../support/recordingConnector';
import { CosmosConsentGrantStore } from '../../../storage/consentGrantStore';

const SIGNING_KEY = 'teams-consent-test-key-0123456789abcdef';

interface Customer {
  claim: Claim;
  email: string;
  user: ChannelAccount & { aadObjectId: string };
  tenantId: string;
  conversationId: string;
}

type InvokeAnswer = { status: number; body: AdaptiveCardInvokeResponse };

describe('the customer consent card in Teams', () => {
  const clock = new SettableClock(START);
  let connector: RecordingConnector;
  let h: Harness;
  let engine: Engine;
  let partner: Partner;
  let proactive: Proactive;
  let mailer: RecordingMailer;
  let tokens: ConsentTokens;
  let nonces: CosmosConsentNonceStore;
  let grants: CosmosConsentGrantStore;
  let parts: NotificationParts;
  let bot: ClaimsBot;
  /** What the Teams profile lookup answers, per AAD user (our EmailLookup port). */
  const profileEmails = new Map<string, string>();

  before(async () => {
    connector = await new RecordingConnector().start();
    h = await botHarness({ clock });
  });
  after(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    clock.at = START;
    connector.reset();
    engine = await engineOn(h.db, { clock });
    partner = await newPartner(engine);
    proactive = proactiveOn(engine, connector);
    mailer = new RecordingMailer();
    tokens = new ConsentTokens(SIGNING_KEY, clock);
    nonces = new CosmosConsentNonceStore(h.db.container('consentNonces'), { clock });
    // As composed for the app: links name a grant id, the grant kept in consentNonces.
    grants = new CosmosConsentGrantStore(h.db.container('consentNonces'), clock);
    const mail = new ConsentMailNotifier({
      mailer,
      tokens,
      grants,
      partners: engine.partners,
      publicUrl: 'https://bot.example.com',
      timeZone: TIME_ZONE,
      clock,
      log: engine.log,
    });
    parts = composeNotifications(
      {
        mode: 'local',
        bot: { appId: '', appType: 'SingleTenant', tenantId: '' },
        calendar: { country: 'US', timeZone: TIME_ZONE },
        schedulerIntervalSeconds: 30,
        optOutWindow: { kind: 'businessDays', days: 5, spec: '5' },
      },
      {
        claims: engine.claims,
        associations: engine.associations,
        partners: engine.partners,
        conversationReferences: proactive.references,
        lifecycle: engine.lifecycle,
        consent: { tokens, mail, grants },
        database: h.db.client.database(h.db.databaseId),
        adapter: proactive.adapter,
        kick: new OutboxKick({ clock }),
        log: engine.log,
        clock,
      },
    );
    bot = composeBot(h.botServices, {
      timeZone: TIME_ZONE,
      logger: createLogger('silent'),
      lifecycle: engine.lifecycle,
      clock,
      cardActions: parts.cardActions,
      emailOf: async (context) => profileEmails.get(context.activity.from?.aadObjectId ?? ''),
    });
  });

  /** An approved claim whose customer contact uses Teams (with the bot) in the customer's tenant. */
  async function approvedWithCustomerInTeams(locale: Locale = 'en-US', reach = true): Promise<Customer> {
    const email = `chris-${randomUUID()}@contoso.com`;
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified', {
      customerContact: { name: 'Chris Customer', title: 'CIO', email },
    });
    const user = { id: `29:${randomUUID()}`, aadObjectId: `aad-customer-${randomUUID()}`, name: 'Chris Customer' };
    profileEmails.set(user.aadObjectId, email.toUpperCase());
    const stored = reach
      ? await proactive.reachable({ tenantId: claim.customerTenantId, aadObjectId: user.aadObjectId, email, locale })
      : undefined;
    return {
      claim,
      email,
      user,
      tenantId: claim.customerTenantId,
      conversationId: stored?.conversationId ?? `a:${randomUUID()}`,
    };
  }

  const deliver = async (claim: Claim) => parts.dispatcher.dispatch(await read(engine, claim));

  /** The nonce of the grant a card's token names (v2: looked up, as the server does). */
  async function nonceOf(token: string): Promise<string> {
    const reference = tokens.verifyReference(token);
    assert.ok(reference.ok && reference.value.kind === 'grantId', 'the card carries a grant id');
    return (await grants.get(reference.value.grantId))?.nonce ?? assert.fail('the grant is kept');
  }

  /** The consent card that arrived in the customer's chat, and its Approve data. */
  function receivedCard(customer: Customer): { content: Record<string, unknown>; data: Record<string, unknown> } {
    const arrived = connector.activitiesIn(customer.conversationId);
    assert.equal(arrived.length, 1, 'one consent card');
    const content =
      (arrived[0]?.attachments as { content: Record<string, unknown> }[] | undefined)?.[0]?.content ??
      assert.fail('no card');
    const actions = content.actions as { type: string; verb: string; data: Record<string, unknown> }[];
    assert.deepEqual(
      actions.map((a) => [a.type, a.verb]),
      [
        ['Action.Execute', 'customerApprove'],
        ['Action.Execute', 'customerOptOut'],
      ],
    );
    return { content, data: actions[0]?.data ?? {} };
  }

  /** Presses a card button as a Teams user, through the composed bot. */
  async function click(
    as: Customer['user'],
    tenantId: string,
    verb: string,
    data: Record<string, unknown>,
    locale: Locale = 'en-US',
  ): Promise<InvokeAnswer> {
    const adapter = new TestAdapter((context) => bot.run(context));
    await adapter.processActivity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      channelId: 'msteams',
      serviceUrl: connector.url,
      locale,
      from: as,
      recipient: { id: '28:cpor-bot', name: 'CPOR Claims' },
      conversation: { id: `a:${randomUUID()}`, tenantId, conversationType: 'personal', isGroup: false, name: '' },
      value: { action: { type: 'Action.Execute', verb, data } },
    });
    const [response] = adapter.activeQueue.splice(0);
    assert.equal(response?.type, 'invokeResponse');
    return response.value as InvokeAnswer;
  }

  const outcomeText = (answer: InvokeAnswer): string => cardText({ attachments: [{ content: answer.body.value }] });
  const history = async (claim: Claim) => (await read(engine, claim)).value.history.map((h) => h.event);

  async function sentCard(locale: Locale = 'en-US'): Promise<Customer & { data: Record<string, unknown> }> {
    const customer = await approvedWithCustomerInTeams(locale);
    await deliver(customer.claim);
    return { ...customer, data: receivedCard(customer).data };
  }

  it("sends the card to a customer the bot can reach, in their language, next to the email and with the email link's token", async () => {
    const customer = await approvedWithCustomerInTeams('ko-KR');
    const report = await deliver(customer.claim);
    assert.equal(report.retried, 0);
    const { content, data } = receivedCard(customer);
    const text = cardText({ attachments: [{ content }] });
    assert.ok(text.includes(t('ko-KR', 'consent.card.title')));
    assert.ok(
      text.includes(
        t('ko-KR', 'consent.card.closes', {
          date: formatConsentDeadline('ko-KR', customer.claim.windowClosesAt ?? '', TIME_ZONE),
        }),
      ),
    );
    assert.equal(data.claimId, customer.claim.id);
    const [mail, ...more] = mailer.sent;
    assert.deepEqual(more, []);
    assert.equal(mail?.to, customer.email);
    const link = /\/consent\/([^\s?]+)/.exec(mail?.text ?? '')?.[1] ?? assert.fail('no link');
    assert.equal(decodeURIComponent(link), data.token, 'one nonce for the email link and the card');
  });

  it('sends only the email when the contact is not reachable in Teams, or only from another tenant', async () => {
    const unknown = await approvedWithCustomerInTeams('en-US', false);
    assert.equal((await deliver(unknown.claim)).retried, 0);
    assert.equal((await read(engine, unknown.claim)).value.outbox.length, 0, 'the request counted as sent by email');
    const elsewhere = await approvedWithCustomerInTeams('en-US', false);
    const stranger = await proactive.reachable({
      tenantId: `other-${randomUUID()}`,
      aadObjectId: `aad-${randomUUID()}`,
      email: elsewhere.email,
    });
    await deliver(elsewhere.claim);
    assert.deepEqual(connector.activitiesIn(stranger.conversationId), []);
    assert.equal(mailer.sent.length, 2);
    assert.deepEqual(
      connector.received.filter((r) => JSON.stringify(r.activity).includes('customerApprove')),
      [],
    );
  });

  it('reaches the customer contact even when the same address chatted with the bot later from another tenant', async () => {
    const customer = await approvedWithCustomerInTeams('ko-KR');
    clock.advance(60_000);
    const stranger = await proactive.reachable({
      tenantId: `other-${randomUUID()}`,
      aadObjectId: `aad-${randomUUID()}`,
      email: customer.email,
    });
    await deliver(customer.claim);
    receivedCard(customer);
    assert.deepEqual(connector.activitiesIn(stranger.conversationId), []);
  });

  it('Approve: associated at once, the card refreshed to say so, the link used up, and the partner told', async () => {
    const admin = await proactive.reachable({ tenantId: partner.org.id, aadObjectId: partner.admin.actor.id });
    const customer = await sentCard();
    const answer = await click(customer.user, customer.tenantId, 'customerApprove', customer.data);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.ok(outcomeText(answer).includes(t('en-US', 'consent.card.approved')));
    assert.equal((answer.body.value as { actions?: unknown[] }).actions?.length ?? 0, 0, 'no buttons left');
    const claim = (await read(engine, customer.claim)).value;
    assert.equal(claim.status, 'associated');
    const decided = claim.history.at(-1);
    assert.deepEqual(
      [decided?.event, decided?.actor.role, decided?.actor.id],
      ['customerApprove', 'customer', customer.email],
    );
    const nonce = await nonceOf(String(customer.data.token));
    assert.equal((await nonces.find(nonce))?.decision, 'approve', 'the email link shows the answer now');
    await deliver(claim);
    const told = connector.activitiesIn(admin.conversationId).map((a) => cardText(a));
    assert.ok(
      told.some((text) =>
        text.includes(t('en-US', 'notify.customerApproved', { name: claim.name, customer: claim.customerDomain })),
      ),
    );
  });

  type CardJson = {
    body: unknown[];
    actions?: { type: string; verb: string; title: string; data: Record<string, unknown> }[];
  };
  const cardOf = (answer: InvokeAnswer) => answer.body.value as CardJson;
  const verbsOf = (answer: InvokeAnswer) => (cardOf(answer).actions ?? []).map((a) => a.verb);
  /** The reason input of a confirmation card. */
  const reasonInput = (answer: InvokeAnswer) =>
    [...objectsOfType(answer.body.value, 'Input.Text')].find((input) => input.id === 'reason') as
      { maxLength: number; value?: string; label: string } | undefined;

  it('Opt out first updates the card to a confirmation with an optional reason, recording nothing', async () => {
    const customer = await sentCard('ja-JP');
    const before = await read(engine, customer.claim);
    const answer = await click(customer.user, customer.tenantId, 'customerOptOut', customer.data, 'ja-JP');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.deepEqual(verbsOf(answer), ['customerOptOutConfirm', 'customerConsentBack']);
    assert.deepEqual(
      cardOf(answer).actions?.map((a) => [a.title, a.data.token]),
      [
        ['オプトアウトを確定', customer.data.token],
        ['戻る', customer.data.token],
      ],
    );
    assert.ok(outcomeText(answer).includes(t('ja-JP', 'consent.optOut.title')));
    assert.deepEqual(
      [reasonInput(answer)?.label, reasonInput(answer)?.maxLength],
      [t('ja-JP', 'consent.optOut.reasonLabel'), 500],
    );
    assert.equal((await read(engine, customer.claim)).etag, before.etag, 'nothing recorded');
    assert.equal(await nonces.find(await nonceOf(String(customer.data.token))), undefined, 'the link is not used');
  });

  it('Back shows the card as it was, with Approve and Opt out', async () => {
    const customer = await sentCard();
    await click(customer.user, customer.tenantId, 'customerOptOut', customer.data);
    const back = await click(customer.user, customer.tenantId, 'customerConsentBack', customer.data);
    assert.deepEqual(verbsOf(back), ['customerApprove', 'customerOptOut']);
    assert.equal(reasonInput(back), undefined);
    assert.equal((await read(engine, customer.claim)).value.status, 'approvedCustomerNotified');
  });

  it("Confirm opt-out: rejected as customer declined with the reason on the history, the holds released, in the clicker's language", async () => {
    const customer = await sentCard('ja-JP');
    const held = (await read(engine, customer.claim)).value.heldKeys;
    assert.ok(held.length > 0);
    await click(customer.user, customer.tenantId, 'customerOptOut', customer.data, 'ja-JP');
    const reason = 'この会社とは<b>取引がありません</b>';
    const answer = await click(
      customer.user,
      customer.tenantId,
      'customerOptOutConfirm',
      { ...customer.data, reason },
      'ja-JP',
    );
    assert.ok(outcomeText(answer).includes(t('ja-JP', 'consent.card.optedOut')));
    assert.deepEqual(verbsOf(answer), [], 'no buttons left');
    const claim = (await read(engine, customer.claim)).value;
    assert.equal(claim.status, 'rejected');
    assert.equal(claim.rejection?.reason, 'customerDeclined');
    const entry = claim.history.at(-1);
    assert.deepEqual([entry?.event, entry?.actor.id, entry?.note], ['customerOptOut', customer.email, reason]);
    assert.deepEqual(claim.heldKeys, []);
    for (const key of held) assert.equal(await engine.associations.holderOf(key), undefined, key);
    const again = await click(customer.user, customer.tenantId, 'customerOptOutConfirm', { ...customer.data, reason });
    assert.ok(outcomeText(again).includes(t('en-US', 'consent.card.optedOut')), 'a double click: the same outcome');
    assert.equal((await read(engine, customer.claim)).value.history.length, claim.history.length);
  });

  it('a reason over the limit brings the confirmation back with the message and the typed text, recording nothing', async () => {
    const customer = await sentCard('ko-KR');
    const before = await read(engine, customer.claim);
    const reason = `\${labels.title} ${'가'.repeat(510)}`;
    const answer = await click(
      customer.user,
      customer.tenantId,
      'customerOptOutConfirm',
      { ...customer.data, reason },
      'ko-KR',
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(verbsOf(answer), ['customerOptOutConfirm', 'customerConsentBack']);
    assert.equal(reasonInput(answer)?.value, reason, 'kept as typed, as data (not template source)');
    assert.ok(outcomeText(answer).includes(t('ko-KR', 'consent.optOut.tooLong', { length: 526, max: 500 })));
    assert.equal((await read(engine, customer.claim)).etag, before.etag);
  });

  it('every step checks the clicker: a colleague can neither open the confirmation nor confirm', async () => {
    const customer = await sentCard();
    const colleague = { id: `29:${randomUUID()}`, aadObjectId: `aad-${randomUUID()}`, name: 'Sam Colleague' };
    profileEmails.set(colleague.aadObjectId, `sam-${randomUUID()}@contoso.com`);
    for (const verb of ['customerOptOut', 'customerOptOutConfirm', 'customerConsentBack']) {
      const answer = await click(colleague, customer.tenantId, verb, { ...customer.data, reason: 'x' });
      assert.equal(answer.status, 403, verb);
    }
    assert.equal((await read(engine, customer.claim)).value.status, 'approvedCustomerNotified');
  });

  it('refuses a different Teams user of the customer, and nothing changes', async () => {
    const customer = await sentCard();
    const colleague = { id: `29:${randomUUID()}`, aadObjectId: `aad-${randomUUID()}`, name: 'Sam Colleague' };
    profileEmails.set(colleague.aadObjectId, `sam-${randomUUID()}@contoso.com`);
    const before = await read(engine, customer.claim);
    const answer = await click(colleague, customer.tenantId, 'customerApprove', customer.data);
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.body.value, { code: 'Forbidden', message: t('en-US', 'consent.errors.notYourCard') });
    const after = await read(engine, customer.claim);
    assert.equal(after.etag, before.etag, 'the claim was not written');
    assert.equal(await nonces.find(await nonceOf(String(customer.data.token))), undefined, 'the link still works');
  });

  it("refuses the partner's own people even on an older claim that names the partner's tenant as its customer", async () => {
    const email = `pat-${randomUUID()}@fabrikam.example`;
    const approved = await claimIn(engine, partner, 'approvedCustomerNotified', {
      customerContact: { name: 'Pat Partner', title: 'Sales lead', email },
    });
    // Written before rule 8 existed: the validators refuse such a claim now.
    const stored = (await engine.claims.get(approved.partnerId, approved.id)) ?? assert.fail('stored');
    const claim = (await engine.claims.replace({ ...stored.value, customerTenantId: approved.partnerId }, stored.etag))
      .value;
    const user = { id: `29:${randomUUID()}`, aadObjectId: `aad-${randomUUID()}`, name: 'Pat Partner' };
    profileEmails.set(user.aadObjectId, email);
    const reference = await proactive.reachable({
      tenantId: claim.partnerId,
      aadObjectId: user.aadObjectId,
      email,
      locale: 'en-US',
    });
    await deliver(claim);
    const { data } = receivedCard({
      claim,
      email,
      user,
      tenantId: claim.partnerId,
      conversationId: reference.conversationId,
    });
    const answer = await click(user, claim.partnerId, 'customerApprove', data);
    assert.equal(answer.status, 403);
    assert.equal((await read(engine, claim)).value.status, 'approvedCustomerNotified');
  });

  it("refuses the contact's address when it signs in from another tenant", async () => {
    const customer = await sentCard();
    const answer = await click(customer.user, `other-${randomUUID()}`, 'customerApprove', customer.data);
    assert.equal(answer.status, 403);
    assert.equal((await read(engine, customer.claim)).value.status, 'approvedCustomerNotified');
  });

  it('accepts the contact when Teams does not give the email but their stored reference has it', async () => {
    const customer = await sentCard();
    profileEmails.delete(customer.user.aadObjectId);
    const answer = await click(customer.user, customer.tenantId, 'customerApprove', customer.data);
    assert.equal(answer.status, 200);
    assert.equal((await read(engine, customer.claim)).value.status, 'associated');
  });

  it('a second click, on either button, shows the recorded answer and changes nothing', async () => {
    const customer = await sentCard();
    await click(customer.user, customer.tenantId, 'customerApprove', customer.data);
    const events = await history(customer.claim);
    const again = await click(customer.user, customer.tenantId, 'customerApprove', customer.data);
    const other = await click(customer.user, customer.tenantId, 'customerOptOut', customer.data);
    for (const answer of [again, other]) {
      assert.equal(answer.status, 200);
      assert.ok(outcomeText(answer).includes(t('en-US', 'consent.card.approved')));
    }
    assert.deepEqual(await history(customer.claim), events);
  });

  it('shows the answer given on the consent page first', async () => {
    const customer = await sentCard();
    value(await engine.lifecycle.customerDecision(refOf(customer.claim), customerOf(customer.claim), 'optOut'));
    const answer = await click(customer.user, customer.tenantId, 'customerApprove', customer.data);
    assert.ok(outcomeText(answer).includes(t('en-US', 'consent.card.optedOut')));
    assert.equal((await read(engine, customer.claim)).value.status, 'rejected');
  });

  it('refuses forged, altered and damaged tokens without recording anything', async () => {
    const customer = await sentCard();
    const token = String(customer.data.token);
    const forged = new ConsentTokens('another-signing-key-0123456789abcdefgh', clock).issue({
      claimId: customer.claim.id,
      partnerId: customer.claim.partnerId,
      contactEmail: customer.email,
      expiresAt: customer.claim.windowClosesAt ?? '',
    });
    const [version, payload, signature] = token.split('.');
    const altered = `${version}.${payload}.${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    assert.equal(
      (await click(customer.user, customer.tenantId, 'customerApprove', { ...customer.data, token: forged })).status,
      403,
    );
    assert.equal(
      (await click(customer.user, customer.tenantId, 'customerApprove', { ...customer.data, token: altered })).status,
      403,
    );
    assert.equal(
      (await click(customer.user, customer.tenantId, 'customerApprove', { ...customer.data, token: 'nonsense' }))
        .status,
      400,
    );
    assert.equal(
      (await click(customer.user, customer.tenantId, 'customerApprove', { claimId: customer.claim.id })).status,
      400,
      'no token at all',
    );
    assert.equal((await read(engine, customer.claim)).value.status, 'approvedCustomerNotified');
  });

  it('after the window closed the card says so, and records nothing', async () => {
    const customer = await sentCard('ko-KR');
    clock.advance(30 * DAY);
    const answer = await click(customer.user, customer.tenantId, 'customerOptOut', customer.data, 'ko-KR');
    assert.equal(answer.status, 200);
    assert.ok(
      outcomeText(answer).includes(
        t('ko-KR', 'consent.errors.expired', {
          date: formatConsentDeadline('ko-KR', customer.claim.windowClosesAt ?? '', TIME_ZONE),
        }),
      ),
    );
    assert.equal((await read(engine, customer.claim)).value.status, 'approvedCustomerNotified');
  });

  it('a card from before a new approval (another window) is superseded', async () => {
    const customer = await sentCard();
    const stored = await read(engine, customer.claim);
    await engine.claims.replace(
      { ...stored.value, windowClosesAt: new Date(Date.parse(stored.value.windowClosesAt ?? '') + DAY).toISOString() },
      stored.etag,
    );
    const answer = await click(customer.user, customer.tenantId, 'customerApprove', customer.data);
    assert.ok(outcomeText(answer).includes(t('en-US', 'consent.errors.superseded')));
    assert.equal((await read(engine, customer.claim)).value.status, 'approvedCustomerNotified');
  });
});

describe('CompositeNotifier routing of the consent request', () => {
  /** Our own Notifier port, answering as told and counting calls. */
  const counting = (outcome: DeliveryOutcome | (() => never)) => {
    const calls: string[] = [];
    const notifier: Notifier = {
      deliver: async (_claim, message) => {
        calls.push(message.kind);
        return typeof outcome === 'function' ? outcome() : outcome;
      },
    };
    return { notifier, calls };
  };
  const claim = { id: 'c', partnerId: 'p' } as Claim;
  const message = (kind: string) => ({ id: `3.${kind}`, kind, createdAt: '', attempts: 1, nextAttemptAt: '' });

  it('email sent: sent, with the card tried too; a card failure does not re-send the email', async () => {
    for (const card of ['sent', 'dead', 'retry'] as const) {
      const mail = counting('sent');
      const teams = counting(card);
      const composite = new CompositeNotifier({
        consentMail: mail.notifier,
        consentCard: teams.notifier,
        partner: counting('sent').notifier,
      });
      assert.equal(await composite.deliver(claim, message('customerConsentRequest')), 'sent', card);
      assert.deepEqual(teams.calls, ['customerConsentRequest']);
    }
  });

  it('email to retry: retry, and no card yet (it goes with the email, once)', async () => {
    const teams = counting('sent');
    const composite = new CompositeNotifier({
      consentMail: counting('retry').notifier,
      consentCard: teams.notifier,
      partner: counting('sent').notifier,
    });
    assert.equal(await composite.deliver(claim, message('customerConsentRequest')), 'retry');
    assert.deepEqual(teams.calls, []);
  });

  it('email impossible: the card alone decides (sent, retry, or dead)', async () => {
    for (const [card, expected] of [
      ['sent', 'sent'],
      ['retry', 'retry'],
      ['dead', 'dead'],
    ] as const) {
      const composite = new CompositeNotifier({
        consentMail: counting('dead').notifier,
        consentCard: counting(card).notifier,
        partner: counting('sent').notifier,
      });
      assert.equal(await composite.deliver(claim, message('customerConsentRequest')), expected);
    }
    const throwing = new CompositeNotifier({
      consentMail: counting('sent').notifier,
      consentCard: counting(() => {
        throw new Error('store down');
      }).notifier,
      partner: counting('sent').notifier,
    });
    assert.equal(
      await throwing.deliver(claim, message('customerConsentRequest')),
      'sent',
      'a throwing card route does not fail a sent email',
    );
  });

  it('routes every partner kind to the partner notifier, and nothing else', async () => {
    const partner = counting('sent');
    const mail = counting('sent');
    const composite = new CompositeNotifier({
      consentMail: mail.notifier,
      consentCard: counting('sent').notifier,
      partner: partner.notifier,
    });
    for (const kind of [
      'reviewStarted',
      'infoRequested',
      'approvedCustomerNotified',
      'customerApproved',
      'customerOptedOut',
      'associationOfficial',
      'rejected',
      'disputeOutcome',
    ]) {
      assert.equal(await composite.deliver(claim, message(kind)), 'sent');
    }
    assert.equal(await composite.deliver(claim, message('somethingNew')), 'dead');
    assert.equal(partner.calls.length, 8);
    assert.deepEqual(mail.calls, []);
  });
});

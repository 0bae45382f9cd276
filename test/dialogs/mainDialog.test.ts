import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { ClaimLifecycle } from '../../claims/lifecycle';
import type { Claim } from '../../claims/model';
import type { Caller } from '../../dialogs/caller';
import { MainDialog } from '../../dialogs/mainDialog';
import {
  formatCountdown,
  formatDateTime,
  historyEventLabel,
  LOCALES,
  t,
  type Command,
  type Locale,
} from '../../locales/i18n';
import { messageList } from '../../locales/translator';
import {
  botHarness,
  callerFor,
  callerMiddleware,
  OTHER_ORG,
  ORG,
  TIME_ZONE,
  type Harness,
} from '../support/botHarness';
import { buildClaim } from '../support/claimFactory';

const NOW = new Date('2026-03-02T17:00:00.000Z'); // a Monday, 9:00 in Seattle
const ADMIN = 'aad-admin';
const VIEWER = 'aad-viewer';

/** Stands in for the new-claim flow: says how it was begun, then takes one message and ends. */
class FlowStub extends Dialog {
  readonly begun: unknown[] = [];
  constructor() {
    super('newClaim');
  }
  override async beginDialog(dc: DialogContext, options?: unknown): Promise<DialogTurnResult> {
    this.begun.push(options);
    await dc.context.sendActivity(`flow begun ${JSON.stringify(options ?? null)}`);
    return Dialog.EndOfTurn;
  }
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.context.sendActivity(`flow got ${dc.context.activity.text ?? ''}`);
    return dc.endDialog();
  }
}

type Reply = Partial<Activity> | undefined;

const cardJson = (reply: Reply): string =>
  JSON.stringify(
    reply?.attachments?.[0]?.content ?? assert.fail(`expected a card, got ${JSON.stringify(reply?.text)}`),
  );

/** The `data` of every Action.Submit in a card. */
function submitData(reply: Reply): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.Submit' && record.data && typeof record.data === 'object')
        found.push(record.data as Record<string, unknown>);
      Object.values(record).forEach(walk);
    }
  };
  walk(reply?.attachments?.[0]?.content);
  return found;
}

const idsFor = (reply: Reply, verb: string): unknown[] =>
  submitData(reply)
    .filter((d) => d.verb === verb)
    .map((d) => d.claimId);

describe('MainDialog', () => {
  let h: Harness;
  let mine: Claim;
  let colleagues: Claim;
  let approved: Claim;
  let overdue: Claim;
  let foreign: Claim;

  before(async () => {
    h = await botHarness({ clock: { now: () => NOW } });
    const admin = { role: 'partnerAdmin' as const, id: ADMIN, name: 'Ada Admin' };
    mine = buildClaim({
      partnerId: ORG.id,
      name: 'Contoso Exchange rollout',
      createdBy: admin,
      updatedAt: '2026-03-01T10:00:00.000Z',
    });
    colleagues = buildClaim({
      partnerId: ORG.id,
      name: 'Contoso SharePoint',
      createdBy: { role: 'partnerAdmin', id: 'aad-colleague' },
      updatedAt: '2026-02-27T10:00:00.000Z',
    });
    approved = buildClaim({
      partnerId: ORG.id,
      name: 'Fabrikam Teams adoption',
      customerDomain: 'fabrikam.com',
      status: 'approvedCustomerNotified',
      windowClosesAt: h.services.calendar.addBusinessDays(NOW, 3).toISOString(),
      updatedAt: '2026-03-02T08:00:00.000Z',
    });
    overdue = buildClaim({
      partnerId: ORG.id,
      name: 'Northwind Dynamics',
      customerDomain: 'northwindtraders.com',
      status: 'partnerActionRequired',
      infoRequest: { reasonCodes: ['missingAllPoe'], deadlineAt: '2026-02-27T08:00:00.000Z' },
      updatedAt: '2026-02-20T08:00:00.000Z',
    });
    foreign = buildClaim({
      partnerId: OTHER_ORG.id,
      name: 'Secret rival claim',
      createdBy: { role: 'partnerAdmin', id: ADMIN },
    });
    for (const claim of [mine, colleagues, approved, overdue, foreign]) await h.claims.create(claim);
  });

  function chat(
    caller: Caller,
    flow = new FlowStub(),
    services = h.services,
  ): { client: DialogTestClient; flow: FlowStub } {
    const dialog = new MainDialog(services, { newClaim: flow, pageSize: 2 });
    return { client: new DialogTestClient('msteams', dialog, undefined, [callerMiddleware(() => caller)]), flow };
  }

  const press = (value: Record<string, unknown>): Partial<Activity> => ({
    type: 'message',
    value: { claimId: '', nonce: '', ...value },
  });

  describe('typed commands, in each language', () => {
    const outcomes: Record<
      Exclude<Command, 'export'>,
      (client: DialogTestClient, reply: Reply, locale: Locale) => void
    > = {
      newClaim: (_client, reply) => assert.equal(reply?.text, 'flow begun {}'),
      continueDraft: (_client, reply) =>
        assert.deepEqual(idsFor(reply, 'resumeDraft'), [mine.id], "only the caller's own drafts"),
      myClaims: (_client, reply) => {
        assert.deepEqual(idsFor(reply, 'viewClaim'), [approved.id, mine.id], 'newest first, a page at a time');
        assert.ok(
          submitData(reply).some(
            (d) => d.verb === 'claimsPage' && typeof d.continuationToken === 'string' && d.continuationToken !== '',
          ),
        );
      },
      status: (client, reply, locale) => {
        assert.equal(reply?.text, t(locale, 'conversation.whichClaim'));
        assert.equal(idsFor(client.getNextReply(), 'viewClaim').length, 2);
      },
      history: (client, reply, locale) => {
        assert.equal(reply?.text, t(locale, 'conversation.whichClaim'));
        assert.equal(idsFor(client.getNextReply(), 'viewClaim').length, 2);
      },
      help: (_client, reply, locale) => assert.ok(cardJson(reply).includes(t(locale, 'help.title'))),
      cancel: (_client, reply, locale) => assert.equal(reply?.text, t(locale, 'cancel.nothingToCancel')),
      reviewQueue: (_client, reply, locale) =>
        assert.equal(reply?.text, t(locale, 'access.notReviewer'), 'an incentives admin is no reviewer'),
      members: (_client, reply, locale) => assert.ok(cardJson(reply).includes(t(locale, 'members.title'))),
      organisations: (_client, reply, locale) =>
        assert.equal(reply?.text, t(locale, 'organisations.notAllowed'), 'a partner is no operator admin'),
    };
    for (const locale of LOCALES) {
      for (const [command, check] of Object.entries(outcomes) as [
        keyof typeof outcomes,
        (typeof outcomes)[keyof typeof outcomes],
      ][]) {
        const word = messageList(locale, `commands.${command}`)[0];
        it(`"${word}" (${locale}) → ${command}`, async () => {
          const { client } = chat(callerFor(ORG, ADMIN, locale));
          check(client, await client.sendActivity(word), locale);
        });
      }
    }

    it('understands a command in another language than the Teams client, and answers in the client language', async () => {
      const { client } = chat(callerFor(ORG, ADMIN, 'en-US'));
      assert.ok(cardJson(await client.sendActivity('도움말')).includes(t('en-US', 'help.title')));
      assert.equal((await client.sendActivity('キャンセル')).text, t('en-US', 'cancel.nothingToCancel'));
    });

    it('takes only whole commands: a sentence around one, or other text, is not understood', async () => {
      const { client, flow } = chat(callerFor(ORG, ADMIN));
      assert.equal(
        (await client.sendActivity('new claim for contoso please')).text,
        t('en-US', 'conversation.notUnderstood'),
      );
      assert.equal((await client.sendActivity('${$root} **hello**')).text, t('en-US', 'conversation.notUnderstood'));
      assert.deepEqual(flow.begun, []);
    });
  });

  describe('card buttons', () => {
    it('start the flow from the welcome card, and continue a chosen draft by id', async () => {
      const { client, flow } = chat(callerFor(ORG, ADMIN));
      assert.equal((await client.sendActivity(press({ verb: 'newClaim' }))).text, 'flow begun {}');
      await client.sendActivity('done');
      assert.equal(
        (await client.sendActivity(press({ verb: 'resumeDraft', claimId: mine.id }))).text,
        `flow begun {"claimId":"${mine.id}"}`,
      );
      assert.deepEqual(flow.begun, [{}, { claimId: mine.id }]);
    });

    it('refuse to continue a claim that is no longer a draft', async () => {
      const { client, flow } = chat(callerFor(ORG, ADMIN));
      assert.equal(
        (await client.sendActivity(press({ verb: 'resumeDraft', claimId: approved.id }))).text,
        t('en-US', 'errors.notEditable'),
      );
      assert.deepEqual(flow.begun, []);
    });

    it("page through the organisation's claims with the continuation token, and restart on a token that is not ours", async () => {
      const { client } = chat(callerFor(ORG, ADMIN));
      const first = await client.sendActivity(press({ verb: 'myClaims' }));
      const next = submitData(first).find((d) => d.verb === 'claimsPage');
      const second = await client.sendActivity(press({ ...next }));
      assert.deepEqual(idsFor(second, 'viewClaim'), [colleagues.id, overdue.id]);
      assert.ok(cardJson(second).includes(t('en-US', 'claimsList.page', { page: 2 })));
      const forged = await client.sendActivity(
        press({
          verb: 'claimsPage',
          continuationToken: Buffer.from('{"f":"x","c":"y"}').toString('base64url'),
          page: '7',
        }),
      );
      assert.deepEqual(idsFor(forged, 'viewClaim'), [approved.id, mine.id], 'the first page again');
    });

    it('show the history timeline of a claim', async () => {
      const { client } = chat(callerFor(ORG, ADMIN, 'ja-JP'));
      const reply = await client.sendActivity(press({ verb: 'viewHistory', claimId: mine.id }));
      const card = cardJson(reply);
      assert.ok(
        card.includes(t('ja-JP', 'history.title')) &&
          card.includes(historyEventLabel('ja-JP', 'created')) &&
          card.includes(mine.name),
      );
    });

    it("say why a button from a finished flow does nothing (its claim submitted, a draft, another organisation's), and an unknown verb not understood", async () => {
      const { client } = chat(callerFor(ORG, ADMIN, 'ko-KR'));
      assert.equal(
        (await client.sendActivity(press({ verb: 'productsChosen', nonce: 'old' }))).text,
        t('ko-KR', 'conversation.staleEnded'),
      );
      const when = formatDateTime('ko-KR', approved.submittedAt ?? approved.updatedAt, TIME_ZONE);
      assert.equal(
        (await client.sendActivity(press({ verb: 'submitClaim', nonce: 'old', claimId: approved.id }))).text,
        t('ko-KR', 'conversation.staleSubmitted', { name: approved.name, when }),
      );
      assert.equal(
        (await client.sendActivity(press({ verb: 'contactsEntered', nonce: 'old', claimId: mine.id }))).text,
        t('ko-KR', 'conversation.staleDraft', { name: mine.name }),
      );
      // Another organisation's claim is not found: the same words as a card without a claim.
      assert.equal(
        (await client.sendActivity(press({ verb: 'submitClaim', nonce: 'old', claimId: foreign.id }))).text,
        t('ko-KR', 'conversation.staleEnded'),
      );
      assert.equal(
        (await client.sendActivity(press({ verb: 'launchMissiles' }))).text,
        t('ko-KR', 'conversation.notUnderstood'),
      );
    });
  });

  describe('status', () => {
    for (const locale of LOCALES) {
      it(`counts the opt-out window down in business days (${locale})`, async () => {
        const { client } = chat(callerFor(ORG, ADMIN, locale));
        const card = cardJson(await client.sendActivity(press({ verb: 'viewClaim', claimId: approved.id })));
        assert.ok(
          card.includes(formatCountdown(locale, 'window', 3)),
          `expected "${formatCountdown(locale, 'window', 3)}"`,
        );
        const window = { 'en-US': '5 business days', 'ko-KR': '5영업일', 'ja-JP': '5 営業日' }[locale];
        assert.ok(card.includes(t(locale, 'statusHelp.approvedCustomerNotified', { window })), 'what the status means');
      });

      it(`says how long the customer has from the configured window, not "5 business days" (${locale})`, async () => {
        const demo = new ClaimLifecycle({ ...h.services, optOutWindow: 'PT2M' });
        const { client } = chat(callerFor(ORG, ADMIN, locale), new FlowStub(), { ...h.services, lifecycle: demo });
        const card = cardJson(await client.sendActivity(press({ verb: 'viewClaim', claimId: approved.id })));
        const window = { 'en-US': '2 minutes', 'ko-KR': '2분', 'ja-JP': '2 分' }[locale];
        assert.ok(card.includes(t(locale, 'statusHelp.approvedCustomerNotified', { window })), card);
        const help = cardJson(await client.sendActivity({ type: 'message', text: 'help' }));
        assert.ok(help.includes(t(locale, 'help.ruleOptOut', { window })), help);
        assert.ok(!/5 business days|5영업일|5 営業日/.test(card + help));
      });
    }

    it('says when the answer to an information request is overdue', async () => {
      const { client } = chat(callerFor(ORG, ADMIN));
      const card = cardJson(await client.sendActivity(press({ verb: 'viewClaim', claimId: overdue.id })));
      assert.ok(card.includes(t('en-US', 'dates.overdue')));
    });

    it('finds the claim typed after the command: by customer domain, or by part of its name', async () => {
      const { client } = chat(callerFor(ORG, ADMIN));
      assert.deepEqual(idsFor(await client.sendActivity('status fabrikam'), 'viewHistory'), [approved.id]);
      assert.deepEqual(idsFor(await client.sendActivity('상태 dynamics'), 'viewHistory'), [overdue.id]);
      assert.equal((await client.sendActivity('history nothing-like-this')).text, t('en-US', 'conversation.noMatch'));
    });

    it('offers a choice when the words match several claims', async () => {
      const { client } = chat(callerFor(ORG, ADMIN));
      assert.equal((await client.sendActivity('status contoso')).text, t('en-US', 'conversation.whichClaim'));
      assert.deepEqual(idsFor(client.getNextReply(), 'viewClaim').sort(), [colleagues.id, mine.id].sort());
    });
  });

  describe("another organisation's claim", () => {
    for (const verb of ['viewClaim', 'viewHistory', 'resumeDraft']) {
      it(`is simply not found through ${verb}, with nothing about it shown`, async () => {
        const { client, flow } = chat(callerFor(ORG, ADMIN));
        const reply = await client.sendActivity(press({ verb, claimId: foreign.id }));
        assert.equal(reply.text, t('en-US', 'errors.notFound'));
        assert.equal(reply.attachments, undefined);
        assert.deepEqual(flow.begun, []);
      });
    }

    it('is not found by typing its id or name either', async () => {
      const { client } = chat(callerFor(ORG, ADMIN));
      assert.equal((await client.sendActivity(`status ${foreign.id}`)).text, t('en-US', 'conversation.noMatch'));
      assert.equal((await client.sendActivity('history Secret rival')).text, t('en-US', 'conversation.noMatch'));
    });
  });

  describe('who may do what', () => {
    it('lets a partner user who is not an incentives admin view claims but not create or continue one', async () => {
      const { client, flow } = chat(callerFor(ORG, VIEWER));
      const notAllowed = t('en-US', 'access.notAllowed');
      assert.equal((await client.sendActivity('new claim')).text, notAllowed);
      assert.equal((await client.sendActivity('continue draft')).text, notAllowed);
      assert.equal((await client.sendActivity(press({ verb: 'resumeDraft', claimId: mine.id }))).text, notAllowed);
      assert.deepEqual(flow.begun, []);
      assert.equal(idsFor(await client.sendActivity('my claims'), 'viewClaim').length, 2);
      assert.deepEqual(
        idsFor(await client.sendActivity(press({ verb: 'viewClaim', claimId: approved.id })), 'viewHistory'),
        [approved.id],
      );
      assert.ok(
        !cardJson(await client.sendActivity('help')).includes('"verb":"newClaim"'),
        'help offers no New claim button',
      );
    });

    it('tells an organisation that is not onboarded how to get onboarded, whatever it asks', async () => {
      const caller = callerFor(undefined, 'aad-stranger');
      const { client } = chat(caller);
      for (const text of ['my claims', 'new claim']) {
        assert.equal(
          (await client.sendActivity(text)).text,
          t('en-US', 'access.unknownOrganisation', { tenantId: caller.tenantId }),
        );
      }
    });

    it('says there are no drafts when the admin has none of their own', async () => {
      const { client } = chat(callerFor(OTHER_ORG, 'aad-other-admin', 'ja-JP'));
      assert.equal((await client.sendActivity('下書きを続ける')).text, t('ja-JP', 'drafts.none'));
    });
  });

  it('hands every message to a running flow, and routes commands again once it ended', async () => {
    const { client } = chat(callerFor(ORG, ADMIN));
    await client.sendActivity('new claim');
    assert.equal((await client.sendActivity('my claims')).text, 'flow got my claims');
    assert.equal(idsFor(await client.sendActivity('my claims'), 'viewClaim').length, 2);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestAdapter, type Activity } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Clock } from '../../../claims/ports';
import { CardActionRouter } from '../../../dialogs/cardActions';
import { CallerResolver } from '../../../bot/teams/callerResolver';
import { ClaimsBot, type ClaimsBotOptions } from '../../../bot/teams/claimsBot';
import { createLogger } from '../../../bot/app/logger';
import { callerOf, type Caller } from '../../../dialogs/caller';
import { MainDialog } from '../../../dialogs/mainDialog';
import { LOCALES, t, type Locale } from '../../../locales/i18n';
import { afterTurn } from '../../../dialogs/poeChecks';
import { CosmosClaimRepository } from '../../../storage/claimRepository';
import { newTurnReads } from '../../../storage/turnReads';
import { buildClaim } from '../../support/claimFactory';
import {
  botHarness,
  composedBotOverHttp,
  OPERATOR,
  OTHER_ORG,
  ORG,
  personalChat,
  type Harness,
} from '../../support/botHarness';

/** A main dialog that records the caller of each turn it runs in. */
class CallerProbe extends Dialog {
  readonly seen: Caller[] = [];
  constructor() {
    super('main');
  }
  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    this.seen.push(callerOf(dc.context));
    await dc.context.sendActivity('main ran');
    return dc.endDialog();
  }
}

/** A main dialog that waits for a second message, and fails the turn on "boom". */
class TwoSteps extends Dialog {
  constructor() {
    super('main');
  }
  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.context.sendActivity('step 1');
    return Dialog.EndOfTurn;
  }
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.text === 'boom') throw new Error('storage went away');
    await dc.context.sendActivity(`step 2 got ${dc.context.activity.text ?? ''}`);
    return dc.endDialog();
  }
}

const ADMIN = { id: '29:admin', aadObjectId: 'aad-admin', name: 'Ada Admin' };
const VIEWER = { id: '29:viewer', aadObjectId: 'aad-viewer', name: 'Vic Viewer' };
const REVIEWER = { id: '29:reviewer', aadObjectId: 'aad-operator-reviewer', name: 'Rae Reviewer' };
const STRANGER_TENANT = '33333333-3333-4333-8333-333333333333';

describe('ClaimsBot', () => {
  let h: Harness;

  before(async () => {
    h = await botHarness();
  });

  function bot(mainDialog: Dialog, overrides: Partial<ClaimsBotOptions> = {}): ClaimsBot {
    return new ClaimsBot({
      callers: new CallerResolver({ partners: h.partners, emailOf: async () => 'ada@contoso.com' }),
      conversationReferences: h.references,
      welcomeRecords: h.botServices.idempotencyRecords,
      storage: h.botServices.conversationStorage,
      mainDialog,
      logger: createLogger('silent'),
      ...overrides,
    });
  }

  /** One conversation: every activity it sends is a turn through a TestAdapter, answered with the bot's replies. */
  function conversation(claimsBot: ClaimsBot, user = ADMIN, tenantId = ORG.id, locale: Locale = 'en-US') {
    const id = `a:${randomUUID()}`;
    return async (overrides: Partial<Activity> = {}): Promise<Partial<Activity>[]> => {
      const adapter = new TestAdapter((context) => claimsBot.run(context));
      await adapter.processActivity(personalChat(user, { id, tenantId }, { locale, ...overrides }));
      return adapter.activeQueue.splice(0);
    };
  }

  const install = { type: 'installationUpdate', action: 'add' } as const;
  const cardText = (reply: Partial<Activity> | undefined) =>
    JSON.stringify(reply?.attachments?.[0]?.content ?? assert.fail('expected a card'));

  describe('welcome', () => {
    for (const locale of LOCALES) {
      it(`greets on install with what the bot does and the main commands (${locale})`, async () => {
        const send = conversation(bot(new CallerProbe()), ADMIN, ORG.id, locale);
        const [welcome, ...rest] = await send(install);
        assert.deepEqual(rest, []);
        const card = cardText(welcome);
        for (const key of [
          'welcome.title',
          'welcome.intro',
          'welcome.newClaim',
          'welcome.myClaims',
          'welcome.help',
        ] as const)
          assert.ok(card.includes(t(locale, key)), key);
        assert.ok(card.includes(t(locale, 'welcome.greeting', { name: 'Ada Admin' })));
        assert.ok(card.includes('"verb":"newClaim"') && card.includes('"verb":"continueDraft"'));
      });
    }

    it('greets once when Teams announces the install twice (bot added, then installation update)', async () => {
      const send = conversation(bot(new CallerProbe()));
      assert.equal(
        (await send({ type: 'conversationUpdate', membersAdded: [{ id: '28:bot', name: 'CPOR Claims' }] })).length,
        1,
      );
      assert.deepEqual(await send(install), []);
      assert.deepEqual(
        await send({ type: 'conversationUpdate', membersAdded: [{ id: '29:someone-else', name: 'Someone' }] }),
        [],
        'only the bot joining is a welcome',
      );
    });

    it('greets once when both install activities arrive at the same moment (the Agents Playground)', async () => {
      const send = conversation(bot(new CallerProbe()));
      const other = conversation(bot(new CallerProbe()));
      const replies = await Promise.all([
        send({ type: 'conversationUpdate', membersAdded: [{ id: '28:bot', name: 'CPOR Claims' }] }),
        send(install),
      ]);
      assert.equal(replies.flat().length, 1);
      assert.ok(cardText(replies.flat()[0]).includes(t('en-US', 'welcome.title')));
      assert.deepEqual(await send(install), [], 'a later announcement is not welcomed either');
      const racing = await Promise.all([
        other(install),
        other(install),
        other({ type: 'conversationUpdate', membersAdded: [{ id: '28:bot', name: 'CPOR Claims' }] }),
      ]);
      assert.equal(racing.flat().length, 1, 'another conversation has its own welcome');
    });

    it('greets on the next announcement when the welcome could not be sent', async () => {
      const claimsBot = bot(new CallerProbe());
      const failing = new TestAdapter((context) => claimsBot.run(context));
      failing.use({
        onTurn: async (context, next) => {
          context.onSendActivities(async () => {
            throw new Error('connector unreachable');
          });
          await next();
        },
      });
      const conversationId = `a:${randomUUID()}`;
      const activity = (type: string): Partial<Activity> =>
        personalChat(ADMIN, { id: conversationId, tenantId: ORG.id }, { type, action: 'add' });
      await assert.rejects(failing.processActivity(activity('installationUpdate')), /connector unreachable/);
      const working = new TestAdapter((context) => claimsBot.run(context));
      await working.processActivity(activity('installationUpdate'));
      assert.equal(working.activeQueue.length, 1);
      assert.ok(cardText(working.activeQueue[0]).includes(t('en-US', 'welcome.title')));
    });

    it('shows a partner user who is not an incentives admin the view-only welcome', async () => {
      const card = cardText((await conversation(bot(new CallerProbe()), VIEWER)(install))[0]);
      assert.ok(card.includes(t('en-US', 'welcome.viewOnly')));
      assert.ok(!card.includes('"verb":"newClaim"'));
    });

    it('tells a user of an organisation that is not onboarded how to be onboarded', async () => {
      const [welcome, onboarding] = await conversation(
        bot(new CallerProbe()),
        ADMIN,
        STRANGER_TENANT,
        'ko-KR',
      )(install);
      assert.ok(cardText(welcome).includes(t('ko-KR', 'welcome.title')));
      assert.equal(onboarding.text, t('ko-KR', 'access.unknownOrganisation', { tenantId: STRANGER_TENANT }));
    });
  });

  describe('the caller', () => {
    it('is resolved from the activity and the partner directory on every turn', async () => {
      const probe = new CallerProbe();
      await conversation(bot(probe), REVIEWER, OPERATOR.id, 'ja-JP')();
      await conversation(bot(probe), ADMIN)();
      // The operator's reviewer listed in a partner's entry too is no reviewer there.
      await h.partners.upsert({
        ...ORG,
        id: '55555555-5555-4555-8555-555555555555',
        reviewers: [REVIEWER.aadObjectId],
        incentivesAdmins: [],
      });
      await conversation(bot(probe), REVIEWER, '55555555-5555-4555-8555-555555555555')();
      const [reviewer, admin, listedInPartner] = probe.seen;
      assert.deepEqual(
        { ...reviewer, org: reviewer.org?.id },
        {
          tenantId: OPERATOR.id,
          aadObjectId: 'aad-operator-reviewer',
          name: 'Rae Reviewer',
          email: 'ada@contoso.com',
          locale: 'ja-JP',
          org: OPERATOR.id,
          roles: ['reviewer'],
          isIncentivesAdmin: false,
          isReviewer: true,
        },
      );
      assert.equal(admin.isIncentivesAdmin, true);
      assert.equal(admin.isReviewer, false);
      assert.deepEqual(admin.roles, ['incentivesAdmin']);
      assert.equal(listedInPartner.isReviewer, false);
      assert.deepEqual(listedInPartner.roles, []);
    });

    it('takes the tenant from channelData when the conversation does not carry it', async () => {
      const probe = new CallerProbe();
      const send = conversation(bot(probe), { id: '29:other', aadObjectId: 'aad-other-admin', name: 'Oli' }, '');
      await send({ channelData: { tenant: { id: OTHER_ORG.id } } });
      assert.equal(probe.seen[0].org?.id, OTHER_ORG.id);
      assert.equal(probe.seen[0].isIncentivesAdmin, true);
    });

    it('sees a role taken away or given in the directory on the very next turn, whichever instance changed it', async () => {
      const org = { ...ORG, id: '44444444-4444-4444-8444-444444444444', incentivesAdmins: ['aad-admin'] };
      await h.partners.upsert(org);
      const clock: Clock = { now: () => new Date('2026-03-02T17:00:00Z') };
      const probe = new CallerProbe();
      const send = conversation(
        bot(probe, { callers: new CallerResolver({ partners: h.partners, clock }) }),
        ADMIN,
        org.id,
      );
      await send();
      await h.partners.upsert({ ...org, incentivesAdmins: [] });
      await send();
      await h.partners.upsert({ ...org, incentivesAdmins: [], viewers: ['aad-admin'] });
      await send();
      assert.deepEqual(
        probe.seen.map((c) => c.roles),
        [['incentivesAdmin'], [], ['viewer']],
      );
    });

    it('binds a member named by email to their account the first time they speak, and records nothing else', async () => {
      const org = {
        ...ORG,
        id: '66666666-6666-4666-8666-666666666666',
        owners: ['ada@contoso.com'],
        incentivesAdmins: [],
        viewers: [],
      };
      await h.partners.upsert(org);
      const probe = new CallerProbe();
      await conversation(bot(probe), ADMIN, org.id)();
      assert.deepEqual(probe.seen[0].roles, ['owner']);
      const stored = await h.partners.get(org.id);
      assert.deepEqual(stored?.owners, ['aad-admin']);
      assert.deepEqual(stored?.roleLog ?? [], []);
    });

    it('of an organisation that is not onboarded gets the onboarding message instead of the dialogs', async () => {
      const probe = new CallerProbe();
      const [reply] = await conversation(bot(probe), ADMIN, STRANGER_TENANT, 'ja-JP')({ text: 'new claim' });
      assert.equal(reply.text, t('ja-JP', 'access.unknownOrganisation', { tenantId: STRANGER_TENANT }));
      assert.deepEqual(probe.seen, []);
    });
  });

  describe('who may do what, through the real main dialog', () => {
    it('refuses new claim to a partner user who is not an incentives admin, and lists the claims for them', async () => {
      const send = conversation(bot(new MainDialog(h.services)), VIEWER);
      const [refusal] = await send({ text: 'new claim' });
      assert.equal(refusal.text, t('en-US', 'access.notAllowed'));
      const [list] = await send({ text: 'my claims' });
      assert.ok(cardText(list).includes(t('en-US', 'claimsList.title')));
    });
  });

  describe('conversation references', () => {
    it('are saved from each message, refreshed when the serviceUrl moves, and marked dead on uninstall', async () => {
      const user = { id: '29:ref', aadObjectId: `aad-${randomUUID()}`, name: 'Ref' };
      const send = conversation(bot(new CallerProbe()), user, ORG.id, 'ko-KR');
      await send({ text: 'hi' });
      const saved = await h.references.get(ORG.id, user.aadObjectId);
      assert.equal(saved?.dead, false);
      assert.equal(saved?.email, 'ada@contoso.com');
      assert.equal(saved?.locale, 'ko-KR');
      assert.equal((saved?.reference.conversation as { id?: string } | undefined)?.id?.startsWith('a:'), true);
      assert.equal(saved?.reference.serviceUrl, 'https://smba.trafficmanager.net/amer/');

      await send({ text: 'again', serviceUrl: 'https://smba.trafficmanager.net/emea/' });
      assert.equal(
        (await h.references.get(ORG.id, user.aadObjectId))?.reference.serviceUrl,
        'https://smba.trafficmanager.net/emea/',
      );

      assert.deepEqual(
        await send({ type: 'installationUpdate', action: 'remove' }),
        [],
        'nothing is sent to a user who removed the app',
      );
      assert.equal((await h.references.get(ORG.id, user.aadObjectId))?.dead, true);
      await send({ text: 'back' });
      assert.equal((await h.references.get(ORG.id, user.aadObjectId))?.dead, false, 'writing again revives it');
    });

    it('are not taken from group chats, where a proactive message would reach everyone', async () => {
      const user = { id: '29:group', aadObjectId: `aad-${randomUUID()}`, name: 'Group' };
      const adapter = new TestAdapter((context) => bot(new CallerProbe()).run(context));
      await adapter.processActivity({
        type: 'message',
        channelId: 'msteams',
        text: 'hi',
        from: user,
        recipient: { id: '28:bot', name: 'CPOR Claims' },
        conversation: { id: '19:group', tenantId: ORG.id, conversationType: 'groupChat', isGroup: true, name: '' },
      });
      assert.equal(await h.references.get(ORG.id, user.aadObjectId), undefined);
    });

    it('welcome the user again after a reinstall', async () => {
      const send = conversation(bot(new CallerProbe()));
      assert.equal((await send(install)).length, 1);
      await send({ type: 'installationUpdate', action: 'remove' });
      assert.equal((await send(install)).length, 1);
    });
  });

  describe('dialog state', () => {
    it('is kept in Cosmos DB between turns, and a failed turn leaves it where it was so the retry works', async () => {
      const send = conversation(bot(new TwoSteps()));
      assert.equal((await send({ text: 'start' }))[0].text, 'step 1');
      await assert.rejects(send({ text: 'boom' }), /storage went away/);
      assert.equal(
        (await conversation(bot(new TwoSteps()))({ text: 'unrelated' }))[0].text,
        'step 1',
        'another conversation has its own state',
      );
      assert.equal(
        (await send({ text: 'retry' }))[0].text,
        'step 2 got retry',
        'a new bot instance resumes from storage',
      );
    });
  });

  describe('shared reads', () => {
    /** Reads one claim twice in its turn, and once more in work it leaves for after the turn, once `gate` opens. */
    class ClaimReader extends Dialog {
      readonly names: (string | undefined)[] = [];
      afterTurnRead: Promise<string | undefined> | undefined;
      constructor(
        private readonly claims: CosmosClaimRepository,
        private readonly claimId: string,
        private readonly gate: Promise<void>,
      ) {
        super('main');
      }
      override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
        const read = async () => (await this.claims.get(ORG.id, this.claimId))?.value.name;
        this.names.push(await read(), await read());
        afterTurn(dc.context, () => void (this.afterTurnRead = this.gate.then(read)));
        await dc.context.sendActivity('read');
        return dc.endDialog();
      }
    }

    it('reads a claim once in the turn, and afresh in the work the turn leaves for afterwards', async () => {
      const claim = await h.claims.create(buildClaim({ partnerId: ORG.id, name: 'Read in the turn' }));
      let reads = 0;
      const counting = new CosmosClaimRepository(h.db.container('claims'), {
        onOperation: (name) => void (name === 'claims.read' && (reads += 1)),
      });
      let open = (): void => undefined;
      const probe = new ClaimReader(counting, claim.value.id, new Promise<void>((resolve) => (open = resolve)));
      await conversation(bot(probe, { turnReads: newTurnReads }))();
      assert.deepEqual(probe.names, ['Read in the turn', 'Read in the turn']);
      assert.equal(reads, 1);
      // The claim changes after the turn (the partner's next turn, another instance), before the PoE check records its result.
      await h.claims.replace({ ...claim.value, name: 'Renamed since' }, claim.etag);
      open();
      assert.equal(await probe.afterTurnRead, 'Renamed since');
      assert.equal(reads, 2);
    });
  });

  describe('Adaptive Card actions (adaptiveCard/action)', () => {
    const CARD = 'application/vnd.microsoft.card.adaptive';
    const invoke = (value: unknown): Partial<Activity> => ({ type: 'invoke', name: 'adaptiveCard/action', value });

    it('answer an unknown verb with a typed 400', async () => {
      const [response] = await conversation(bot(new CallerProbe()))(
        invoke({ action: { type: 'Action.Execute', verb: 'approveClaim', data: {} } }),
      );
      assert.equal(response.type, 'invokeResponse');
      assert.deepEqual(response.value, {
        status: 400,
        body: {
          statusCode: 400,
          type: 'application/vnd.microsoft.error',
          value: { code: 'UnknownVerb', message: 'this card action is not known' },
        },
      });
    });

    it('answer a malformed invoke with 400, never a 500', async () => {
      for (const value of [
        undefined,
        {},
        { action: { type: 'Action.Submit', verb: 'x' } },
        { action: { type: 'Action.Execute', verb: 'constructor' } },
      ]) {
        const [response] = await conversation(bot(new CallerProbe()))(invoke(value));
        assert.equal((response.value as { status: number }).status, 400, JSON.stringify(value));
      }
    });

    it('route a registered verb to its handler with the action data and the caller resolved', async () => {
      const router = new CardActionRouter([
        [
          'approveClaim',
          async (context, data) => ({
            statusCode: 200,
            type: CARD,
            value: { type: 'AdaptiveCard', approvedBy: callerOf(context).aadObjectId, claimId: data.claimId },
          }),
        ],
      ]);
      const [response] = await conversation(bot(new CallerProbe(), { cardActions: router }))(
        invoke({ action: { type: 'Action.Execute', verb: 'approveClaim', data: { claimId: 'c-1' } } }),
      );
      assert.deepEqual(response.value, {
        status: 200,
        body: { statusCode: 200, type: CARD, value: { type: 'AdaptiveCard', approvedBy: 'aad-admin', claimId: 'c-1' } },
      });
    });
  });

  describe('over HTTP, as composed for the app', () => {
    it("answers an expectReplies install with the welcome card, typed help with the help card, and new claim with the flow's first question", async () => {
      const { endpoint, server } = await composedBotOverHttp(h.botServices);
      try {
        const post = async (activity: Record<string, unknown>) => {
          const response = await fetch(endpoint, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              channelId: 'msteams',
              serviceUrl: 'http://127.0.0.1:9/',
              from: ADMIN,
              recipient: { id: '28:bot', name: 'CPOR Claims' },
              conversation: { id: `a:${randomUUID()}`, tenantId: ORG.id, conversationType: 'personal' },
              locale: 'ja-JP',
              deliveryMode: 'expectReplies',
              ...activity,
            }),
          });
          assert.equal(response.status, 200);
          return ((await response.json()) as { activities: Partial<Activity>[] }).activities;
        };
        const [welcome] = await post({ type: 'installationUpdate', action: 'add' });
        assert.ok(cardText(welcome).includes(t('ja-JP', 'welcome.title')));
        const [help] = await post({ type: 'message', text: 'ヘルプ' });
        assert.ok(cardText(help).includes(t('ja-JP', 'help.title')));
        const flow = await post({ type: 'message', text: 'new claim' });
        // The flow's first question is the start card; one partner location on record is shown, not asked.
        const startCard = flow.find((reply) => reply.attachments && cardText(reply).includes('"verb":"startEntered"'));
        assert.ok(startCard, 'the new-claim flow has started');
        assert.ok(!cardText(startCard).includes('"id":"mpnId"'), 'no location to choose');
        assert.ok(cardText(startCard).includes(ORG.locations[0]?.name ?? assert.fail('ORG has a location')));
      } finally {
        await server.close(1000);
      }
    });
  });
});

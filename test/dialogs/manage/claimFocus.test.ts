import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConversationState, MemoryStorage } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import type { Claim, PartnerOrganisation } from '../../../claims/model';
import type { Caller } from '../../../dialogs/caller';
import { FOCUS_KEPT_MS, type FocusedClaim } from '../../../dialogs/claimFocus';
import { MainDialog } from '../../../dialogs/mainDialog';
import type { NewClaimResult } from '../../../dialogs/newClaim/newClaimDialog';
import { LOCALES, t, type Locale } from '../../../locales/i18n';
import { messageList } from '../../../locales/translator';
import { callerFor, callerMiddleware, ORG } from '../../support/botHarness';
import { buildClaim } from '../../support/claimFactory';
import { cardOf, submitActions, type Reply } from '../newClaim/newClaimHarness';
import { manageWorld, type ManageWorld } from './manageHarness';

const START = new Date('2026-03-02T17:00:00.000Z');
const ADMIN = 'aad-admin';

/** Stands in for the new-claim flow: ends at once as the real one ends after its receipt. */
class FlowEnding extends Dialog {
  result: NewClaimResult = { outcome: 'stopped' };
  constructor() {
    super('newClaim');
  }
  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.context.sendActivity('receipt');
    return dc.endDialog(this.result);
  }
}

/** What a reply shows: the status card or the history card of one claim, or something else. */
function shown(reply: Reply | undefined): { card: 'status' | 'history'; claimId: string } | string {
  const found = submitActions(cardOf(reply)).map((action) => action.data);
  const ids = (verb: string) => found.filter((d) => d.verb === verb).map((d) => String(d.claimId));
  const [history] = ids('viewHistory');
  if (history !== undefined) return { card: 'status', claimId: history };
  const opens = ids('viewClaim');
  if (opens.length === 1 && ids('claimsPage').length === 0 && reply?.attachments?.length === 1)
    return { card: 'history', claimId: opens[0]! };
  return reply?.text ?? `a card opening ${opens.length} claims`;
}

describe('the claim in focus: "status" and "history" without a claim named', () => {
  let world: ManageWorld;
  let now: Date;

  before(async () => {
    world = await manageWorld({ clock: { now: () => now } });
  });
  beforeEach(() => {
    now = START;
  });

  /** An organisation of its own per test, so "how many claims it has" is the test's to say. */
  async function organisation(): Promise<PartnerOrganisation> {
    const org = { ...ORG, id: randomUUID() };
    await world.partners.upsert(org);
    return org;
  }

  async function store(org: PartnerOrganisation, overrides: Partial<Claim> = {}): Promise<Claim> {
    return (await world.claims.create(buildClaim({ partnerId: org.id, ...overrides }))).value;
  }

  /** A personal chat whose conversation state lasts from turn to turn, as the bot's does. */
  function chat(first: Caller) {
    let caller = first;
    const flow = new FlowEnding();
    const state = new ConversationState(new MemoryStorage());
    const focus = state.createProperty<FocusedClaim>('claimInFocus');
    const dialog = new MainDialog(world.manage, { newClaim: flow, pageSize: 10, focus });
    const client = new DialogTestClient('msteams', dialog, undefined, [callerMiddleware(() => caller)], state);
    return {
      flow,
      becomes: (next: Caller) => {
        caller = next;
      },
      /** The first reply to this message; what an earlier one said and nobody read is dropped. */
      send: (activity: string | Record<string, unknown>): Promise<Reply> => {
        while (client.getNextReply() !== undefined);
        return client.sendActivity(
          typeof activity === 'string'
            ? { type: 'message', text: activity }
            : { type: 'message', value: { claimId: '', nonce: '', ...activity } },
        ) as Promise<Reply>;
      },
      next: () => client.getNextReply() as Reply | undefined,
    };
  }

  const word = (locale: Locale, command: 'status' | 'history'): string =>
    messageList(locale, `commands.${command}`)[0]!;

  for (const locale of LOCALES) {
    for (const command of ['status', 'history'] as const) {
      it(`"${word(locale, command)}" (${locale}) shows the organisation's only claim without asking`, async () => {
        const org = await organisation();
        const only = await store(org);
        const { send } = chat(callerFor(org, ADMIN, locale));
        assert.deepEqual(shown(await send(word(locale, command))), { card: command, claimId: only.id });
      });

      it(`"${word(locale, command)}" (${locale}) means the claim just shown, among several`, async () => {
        const org = await organisation();
        const [older, newer] = [await store(org), await store(org)];
        const { send } = chat(callerFor(org, ADMIN, locale));
        await send({ verb: 'viewClaim', claimId: older.id });
        assert.deepEqual(shown(await send(word(locale, command))), { card: command, claimId: older.id });
        await send({ verb: 'viewHistory', claimId: newer.id });
        assert.deepEqual(shown(await send(word(locale, command))), { card: command, claimId: newer.id });
      });
    }
  }

  it('asks "Which claim?" with the list when several claims leave a choice and none is in focus', async () => {
    const org = await organisation();
    await store(org);
    await store(org);
    const { send, next } = chat(callerFor(org, ADMIN));
    assert.equal(shown(await send('status')), t('en-US', 'conversation.whichClaim'));
    assert.equal(shown(next()), 'a card opening 2 claims');
  });

  for (const outcome of ['submitted', 'resubmitted', 'saved', 'kept'] as const) {
    it(`means the claim the new-claim flow just ended with (${outcome})`, async () => {
      const org = await organisation();
      const [filed] = [await store(org), await store(org)];
      const { flow, send } = chat(callerFor(org, ADMIN));
      flow.result = { outcome, claimId: filed.id };
      assert.equal((await send('new claim')).text, 'receipt');
      assert.deepEqual(shown(await send('status')), { card: 'status', claimId: filed.id });
    });
  }

  it('takes no claim from a flow that ended without one to follow (discarded)', async () => {
    const org = await organisation();
    const [first, second] = [await store(org), await store(org)];
    const { flow, send } = chat(callerFor(org, ADMIN));
    await send({ verb: 'viewClaim', claimId: first.id });
    flow.result = { outcome: 'discarded', claimId: second.id };
    await send('new claim');
    assert.deepEqual(shown(await send('status')), { card: 'status', claimId: first.id }, 'the focus before it stays');
  });

  it('means the claim just acted on from its status card', async () => {
    const org = await organisation();
    const [shownFirst, withdrawn] = [await store(org), await store(org, { status: 'underReview' })];
    const { send } = chat(callerFor(org, ADMIN));
    await send({ verb: 'viewClaim', claimId: shownFirst.id });
    assert.equal((await send({ verb: 'withdrawClaim', claimId: withdrawn.id })).text, t('en-US', 'manage.withdrawn'));
    assert.deepEqual(shown(await send('history')), { card: 'history', claimId: withdrawn.id });
  });

  it('means the claim of an ended flow\'s card just pressed, as its explanation says to type "status"', async () => {
    const org = await organisation();
    const [submitted] = [await store(org, { status: 'submitted', submittedAt: START.toISOString() }), await store(org)];
    const { send } = chat(callerFor(org, ADMIN));
    const explained = await send({ verb: 'submitClaim', claimId: submitted.id, nonce: 'old' });
    assert.match(explained.text ?? '', /status/u);
    assert.deepEqual(shown(await send('status')), { card: 'status', claimId: submitted.id });
  });

  it('still finds what the command names, whatever is in focus', async () => {
    const org = await organisation();
    const [inFocus, named] = [await store(org), await store(org, { customerDomain: 'northwindtraders.com' })];
    const { send } = chat(callerFor(org, ADMIN));
    await send({ verb: 'viewClaim', claimId: inFocus.id });
    assert.deepEqual(shown(await send('status northwind')), { card: 'status', claimId: named.id });
    assert.deepEqual(shown(await send('status')), { card: 'status', claimId: named.id }, 'and focuses it');
  });

  it('ignores, and drops, a focused claim that no longer exists', async () => {
    const org = await organisation();
    const [gone] = [await store(org), await store(org), await store(org)];
    const { send, next } = chat(callerFor(org, ADMIN));
    await send({ verb: 'viewClaim', claimId: gone.id });
    const stored = await world.claims.get(org.id, gone.id);
    await world.claims.delete(org.id, gone.id, stored!.etag);
    assert.equal(shown(await send('status')), t('en-US', 'conversation.whichClaim'));
    assert.equal(shown(next()), 'a card opening 2 claims');
  });

  it("ignores a focused claim the caller may no longer see: another organisation's, or with no role left", async () => {
    const org = await organisation();
    const secret = await store(org);
    const elsewhere = await organisation();
    await store(elsewhere);
    await store(elsewhere);
    const { send, next, becomes } = chat(callerFor(org, ADMIN));
    await send({ verb: 'viewClaim', claimId: secret.id });
    becomes(callerFor(elsewhere, ADMIN));
    assert.equal(shown(await send('status')), t('en-US', 'conversation.whichClaim'));
    assert.equal(shown(next()), 'a card opening 2 claims', 'their own claims, never the focused one');
    becomes({ ...callerFor(org, 'aad-someone-else'), roles: [], isIncentivesAdmin: false });
    const reply = await send('status');
    assert.ok(!JSON.stringify(reply).includes(secret.id), 'nothing of the claim is shown without a role');
  });

  it("in a chat of several people, one person's 'status' neither uses nor drops another's focus", async () => {
    const org = await organisation();
    const [mine] = [await store(org), await store(org)];
    const elsewhere = await organisation();
    await store(elsewhere);
    await store(elsewhere);
    const { send, becomes } = chat(callerFor(org, ADMIN));
    await send({ verb: 'viewClaim', claimId: mine.id });
    becomes(callerFor(elsewhere, 'aad-owner'));
    assert.equal(shown(await send('status')), t('en-US', 'conversation.whichClaim'));
    becomes(callerFor(org, ADMIN));
    assert.deepEqual(shown(await send('status')), { card: 'status', claimId: mine.id }, 'still in focus for its owner');
  });

  it('lets a focus lapse after a sitting: the next day, "status" asks again', async () => {
    const org = await organisation();
    const [first] = [await store(org), await store(org)];
    const { send } = chat(callerFor(org, ADMIN));
    await send({ verb: 'viewClaim', claimId: first.id });
    now = new Date(START.getTime() + FOCUS_KEPT_MS);
    assert.deepEqual(shown(await send('status')), { card: 'status', claimId: first.id }, 'still within the sitting');
    // Shown again, it came into focus again then; a sitting later it has lapsed.
    now = new Date(START.getTime() + 2 * FOCUS_KEPT_MS + 1);
    assert.equal(shown(await send('history')), t('en-US', 'conversation.whichClaim'));
  });
});

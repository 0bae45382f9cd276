import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestAdapter, type Activity } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { CallerResolver } from '../../../bot/teams/callerResolver';
import { ClaimsBot } from '../../../bot/teams/claimsBot';
import { isLanguageCommand, LanguageCommand, typedCommandLocale } from '../../../bot/teams/languageCommand';
import { LanguagePreferences } from '../../../bot/teams/languagePreference';
import { createLogger } from '../../../bot/app/logger';
import { LANGUAGE_NAMES } from '../../../cards/render';
import { callerOf, type Caller } from '../../../dialogs/caller';
import { MainDialog } from '../../../dialogs/mainDialog';
import { commandFor, LOCALES, t, type Locale } from '../../../locales/i18n';
import { messageList } from '../../../locales/translator';
import { createBotStateStorage } from '../../../storage/botState';
import { botHarness, ORG, type Harness } from '../../support/botHarness';
import { standIns } from '../../support/rootHooks';

/** A main dialog that records the caller of each turn and, on "wait", waits for one more message. */
class Probe extends Dialog {
  readonly seen: Caller[] = [];
  constructor() {
    super('main');
  }
  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    this.seen.push(callerOf(dc.context));
    await dc.context.sendActivity(`main ran: ${dc.context.activity.text ?? ''}`);
    return dc.context.activity.text === 'wait' ? Dialog.EndOfTurn : dc.endDialog();
  }
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    this.seen.push(callerOf(dc.context));
    await dc.context.sendActivity(`flow got: ${dc.context.activity.text ?? JSON.stringify(dc.context.activity.value)}`);
    return dc.endDialog();
  }
}

type Reply = Partial<Activity>;
const CARD = 'application/vnd.microsoft.card.adaptive';

describe('language preference', () => {
  let h: Harness;

  before(async () => {
    h = await botHarness();
  });

  /** The bot as composeBot wires it, over a bot state storage of its own (a fresh process, as far as state goes). */
  function bot(mainDialog: Dialog): ClaimsBot {
    const { cosmos } = standIns();
    const storage = createBotStateStorage({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId: h.db.databaseId });
    const languages = new LanguagePreferences(storage);
    return new ClaimsBot({
      callers: new CallerResolver({ partners: h.partners, languages }),
      language: new LanguageCommand(languages),
      conversationReferences: h.references,
      welcomeRecords: h.botServices.idempotencyRecords,
      storage,
      mainDialog,
      logger: createLogger('silent'),
    });
  }

  /** One user in one personal chat; each call is a turn, answered with the bot's replies. */
  function user(claimsBot: () => ClaimsBot, teamsLocale: Locale = 'en-US', aadObjectId = 'aad-admin') {
    const from = { id: `29:${randomUUID()}`, aadObjectId, name: 'Ada Admin' };
    const conversation = {
      id: `a:${randomUUID()}`,
      tenantId: ORG.id,
      conversationType: 'personal',
      isGroup: false,
      name: '',
    };
    return async (activity: Partial<Activity>): Promise<Reply[]> => {
      const adapter = new TestAdapter((context) => claimsBot().run(context));
      await adapter.processActivity({
        type: 'message',
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/amer/',
        locale: teamsLocale,
        from,
        recipient: { id: '28:bot', name: 'CPOR Claims' },
        conversation,
        ...activity,
      });
      return adapter.activeQueue.splice(0);
    };
  }

  const cardOf = (reply: Reply | undefined): Record<string, unknown> => {
    const attachment = reply?.attachments?.[0];
    assert.equal(attachment?.contentType, CARD, 'expected a card');
    return attachment.content as Record<string, unknown>;
  };
  const buttonsOf = (card: Record<string, unknown>) =>
    (card.actions as { title: string; style: string; data: { verb: string; language: string } }[]).map((a) => ({
      title: a.title,
      style: a.style,
      verb: a.data.verb,
      language: a.data.language,
    }));
  const choose = (language: unknown): Partial<Activity> => ({
    value: { verb: 'setLanguage', language, claimId: '', nonce: '' },
  });

  describe('the command', () => {
    for (const locale of LOCALES) {
      for (const word of messageList(locale, 'language.commands')) {
        it(`"${word}" shows the language card, speaking the current language (${locale} Teams)`, async () => {
          const probe = new Probe();
          const [reply, ...rest] = await user(() => bot(probe), locale)({ text: word });
          assert.deepEqual(rest, []);
          const card = cardOf(reply);
          assert.ok(JSON.stringify(card).includes(t(locale, 'language.title')));
          assert.ok(
            JSON.stringify(card).includes(t(locale, 'language.currentTeams', { language: LANGUAGE_NAMES[locale] })),
          );
          assert.deepEqual(buttonsOf(card), [
            { title: 'English', style: 'default', verb: 'setLanguage', language: 'en-US' },
            { title: '한국어', style: 'default', verb: 'setLanguage', language: 'ko-KR' },
            { title: '日本語', style: 'default', verb: 'setLanguage', language: 'ja-JP' },
            {
              title: t(locale, 'language.followTeams', { language: LANGUAGE_NAMES[locale] }),
              style: 'positive',
              verb: 'setLanguage',
              language: 'teams',
            },
          ]);
          assert.deepEqual(probe.seen, [], 'the dialogs never saw it');
        });
      }
    }

    it("is no other command's word, and only whole messages count", () => {
      for (const locale of LOCALES)
        for (const word of messageList(locale, 'language.commands')) assert.equal(commandFor(word), undefined, word);
      assert.equal(isLanguageCommand(' 言語。'), true);
      assert.equal(isLanguageCommand('language of the contract'), false);
      assert.equal(isLanguageCommand(undefined), false);
    });

    it('opens from the Language button of the welcome and help cards', async () => {
      const send = user(() => bot(new Probe()));
      const [welcome] = await send({ type: 'installationUpdate', action: 'add' });
      const button = (cardOf(welcome).actions as { data: Record<string, unknown> }[]).find(
        (a) => a.data.verb === 'chooseLanguage',
      );
      assert.ok(button, 'the welcome card has a Language button');
      const [reply] = await send({ value: button.data });
      assert.ok(JSON.stringify(cardOf(reply)).includes(t('en-US', 'language.title')));
    });
  });

  describe('a choice', () => {
    it('is confirmed in the chosen language, used on the next turn, and shown as current on the card', async () => {
      const probe = new Probe();
      const send = user(() => bot(probe));
      const [confirmation] = await send(choose('ko-KR'));
      assert.equal(confirmation.text, t('ko-KR', 'language.chosen', { language: '한국어' }));
      await send({ text: 'hello' });
      assert.equal(probe.seen.at(-1)?.locale, 'ko-KR');
      const [card] = await send({ text: 'language' });
      assert.ok(JSON.stringify(cardOf(card)).includes(t('ko-KR', 'language.currentChosen', { language: '한국어' })));
      assert.equal(buttonsOf(cardOf(card)).find((b) => b.style === 'positive')?.language, 'ko-KR');
    });

    it('reaches the real dialogs: help comes in Japanese for a user whose Teams says en-US', async () => {
      const send = user(() => bot(new MainDialog(h.services)));
      await send(choose('ja-JP'));
      const [help] = await send({ text: 'help' });
      assert.ok(JSON.stringify(cardOf(help)).includes(t('ja-JP', 'help.title')));
    });

    it('survives a bot restart: it lives in the Cosmos DB bot state, not in the process', async () => {
      const probe = new Probe();
      let instances = 0;
      // Every turn through a new bot over a new storage client: nothing is kept in memory.
      const send = user(() => {
        instances += 1;
        return bot(probe);
      });
      await send(choose('ja-JP'));
      await send({ text: 'after restart' });
      assert.equal(instances, 2);
      assert.equal(probe.seen.at(-1)?.locale, 'ja-JP');
    });

    it('is also the language of proactive messages: the stored conversation reference follows each change', async () => {
      const aadObjectId = `aad-${randomUUID()}`;
      const send = user(() => bot(new Probe()), 'en-US', aadObjectId);
      const storedLocale = async () => (await h.references.get(ORG.id, aadObjectId))?.locale;
      await send({ text: 'hi' });
      assert.equal(await storedLocale(), 'en-US');
      await send(choose('ko-KR'));
      assert.equal(await storedLocale(), 'ko-KR');
      await send(choose('teams'));
      assert.equal(await storedLocale(), 'en-US');
    });

    it('"follow Teams" goes back to the activity\'s locale', async () => {
      const probe = new Probe();
      const send = user(() => bot(probe), 'ja-JP');
      await send(choose('en-US'));
      await send({ text: 'one' });
      const [confirmation] = await send(choose('teams'));
      assert.equal(confirmation.text, t('ja-JP', 'language.followingTeams', { language: '日本語' }));
      await send({ text: 'two' });
      assert.deepEqual(
        probe.seen.map((c) => c.locale),
        ['en-US', 'ja-JP'],
      );
    });

    it('of a value the card never sends stores nothing and shows the choices again', async () => {
      const probe = new Probe();
      const send = user(() => bot(probe));
      for (const forged of ['fr-FR', 'constructor', 42, undefined]) {
        const [notice, card] = await send(choose(forged));
        assert.equal(notice.text, t('en-US', 'conversation.staleCard'));
        assert.ok(JSON.stringify(cardOf(card)).includes(t('en-US', 'language.title')));
      }
      await send({ text: 'x' });
      assert.equal(probe.seen.at(-1)?.locale, 'en-US');
    });

    it('clicked twice at once keeps one answer and fails no turn', async () => {
      const probe = new Probe();
      const send = user(() => bot(probe));
      const replies = await Promise.all([send(choose('ko-KR')), send(choose('ko-KR'))]);
      for (const [reply] of replies) assert.equal(reply.text, t('ko-KR', 'language.chosen', { language: '한국어' }));
      await send({ text: 'x' });
      assert.equal(probe.seen.at(-1)?.locale, 'ko-KR');
    });

    it('made in the middle of a flow leaves the flow waiting for its card, and says the next steps change', async () => {
      const probe = new Probe();
      const send = user(() => bot(probe));
      await send({ text: 'wait' });
      const [card] = await send({ text: 'language' });
      cardOf(card);
      const [confirmation, note, ...rest] = await send(choose('ja-JP'));
      assert.equal(confirmation.text, t('ja-JP', 'language.chosen', { language: '日本語' }));
      assert.equal(note.text, t('ja-JP', 'language.flowNote'));
      assert.deepEqual(rest, []);
      const [flow] = await send({ text: 'next step' });
      assert.equal(flow.text, 'flow got: next step');
      assert.equal(probe.seen.at(-1)?.locale, 'ja-JP');
    });
  });

  describe('a command typed in Korean or Japanese', () => {
    it('knows the language of the command word, not of its argument', () => {
      assert.equal(typedCommandLocale('도움말'), 'ko-KR');
      assert.equal(typedCommandLocale('新しい申請'), 'ja-JP');
      assert.equal(typedCommandLocale('상태 Contoso'), 'ko-KR');
      assert.equal(typedCommandLocale('status 삼성전자'), 'en-US');
      assert.equal(typedCommandLocale('안녕하세요'), undefined, 'not a command');
      assert.equal(typedCommandLocale(undefined), undefined);
    });

    it('switches a user who never chose to that language, says so, and answers the command in it', async () => {
      const probe = new Probe();
      const send = user(() => bot(probe));
      const [note, answer] = await send({ text: '도움말' });
      assert.equal(note.text, t('ko-KR', 'language.switchedByTyping', { command: '언어' }));
      assert.equal(note.textFormat, 'plain');
      assert.equal(answer.text, 'main ran: 도움말');
      assert.equal(probe.seen.at(-1)?.locale, 'ko-KR');
      await send({ text: 'next' });
      assert.equal(probe.seen.at(-1)?.locale, 'ko-KR', 'kept');
      const [ja] = await send({ text: 'ヘルプ' });
      assert.equal(ja.text, 'main ran: ヘルプ', 'a stored language is not switched by typing');
      assert.equal(probe.seen.at(-1)?.locale, 'ko-KR');
    });

    it('switches nothing when typed in the language already in use, or in English', async () => {
      const probe = new Probe();
      await user(() => bot(probe), 'ja-JP')({ text: 'ヘルプ' });
      const send = user(() => bot(probe), 'ko-KR');
      const replies = await send({ text: 'help' });
      assert.deepEqual(
        replies.map((r) => r.text),
        ['main ran: help'],
      );
      await send({ text: 'x' });
      assert.deepEqual(
        probe.seen.map((c) => c.locale),
        ['ja-JP', 'ko-KR', 'ko-KR'],
      );
    });

    it('after "follow Teams" was chosen, switches again (there is no stored choice then)', async () => {
      const probe = new Probe();
      const send = user(() => bot(probe));
      await send(choose('teams'));
      const [note] = await send({ text: '新しい申請' });
      assert.equal(note.text, t('ja-JP', 'language.switchedByTyping', { command: '言語' }));
    });
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestAdapter, type Activity, type Storage } from 'botbuilder';
import { apologise } from '../../../dialogs/apology';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { OrganisationStore } from '../../../claims/ports';
import { createTurnErrorHandler } from '../../../bot/http/adapter';
import { CallerResolver } from '../../../bot/teams/callerResolver';
import { ClaimsBot } from '../../../bot/teams/claimsBot';
import { LanguageCommand } from '../../../bot/teams/languageCommand';
import { LanguagePreferences } from '../../../bot/teams/languagePreference';
import { createLogger } from '../../../bot/app/logger';
import { noTelemetry } from '../../../bot/app/telemetry';
import { t, type Locale } from '../../../locales/i18n';
import { botHarness, ORG, type Harness } from '../../support/botHarness';

/** A main dialog whose every turn fails, as a storage outage mid-flow would. */
class Failing extends Dialog {
  constructor() {
    super('main');
  }
  override async beginDialog(_dc: DialogContext): Promise<DialogTurnResult> {
    throw new Error('storage went away');
  }
}

/** A step that meets a storage failure, tells the user kindly, and waits (its dialog state must then be written). */
class ApologisingStep extends Dialog {
  constructor() {
    super('main');
  }
  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await apologise(dc.context, t('en-US', 'errors.storage'));
    return Dialog.EndOfTurn;
  }
}

/** Bot state storage that reads but cannot write: the outage reaches the state write at the end of the turn. */
const unwritable = (inner: Storage): Storage => ({
  read: (keys) => inner.read(keys),
  write: async () => {
    throw new Error('storage went away');
  },
  delete: (keys) => inner.delete(keys),
});

/** The apology in `locale`, up to the reference (which is random per turn). */
const apologyStart = (locale: Locale): string =>
  t(locale, 'errors.generic', { reference: '\u0000' }).split('\u0000')[0] ?? '';

describe('the turn-error apology', () => {
  let h: Harness;

  before(async () => {
    h = await botHarness();
  });

  function bot(
    partners: OrganisationStore = h.partners,
    mainDialog: Dialog = new Failing(),
    storage: Storage = h.botServices.conversationStorage,
  ): ClaimsBot {
    const languages = new LanguagePreferences(h.botServices.botStorage);
    return new ClaimsBot({
      callers: new CallerResolver({ partners, languages, emailOf: async () => undefined }),
      language: new LanguageCommand(languages),
      conversationReferences: h.references,
      welcomeRecords: h.botServices.idempotencyRecords,
      storage,
      mainDialog,
      logger: createLogger('silent'),
    });
  }

  /** One user in one personal chat, with the app's turn-error handler; each call is a turn (through `claimsBot`). */
  function user(teamsLocale: Locale) {
    const from = { id: `29:${randomUUID()}`, aadObjectId: 'aad-admin', name: 'Ada Admin' };
    const conversation = {
      id: `a:${randomUUID()}`,
      tenantId: ORG.id,
      conversationType: 'personal',
      isGroup: false,
      name: '',
    };
    return async (activity: Partial<Activity>, claimsBot: ClaimsBot = bot()): Promise<Partial<Activity>[]> => {
      const adapter = new TestAdapter((context) => claimsBot.run(context));
      adapter.onTurnError = createTurnErrorHandler({ logger: createLogger('silent'), telemetry: noTelemetry });
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

  const choose = (language: Locale): Partial<Activity> => ({
    value: { verb: 'setLanguage', language, claimId: '', nonce: '' },
  });

  it('speaks the language the user chose, not the Teams locale', async () => {
    const send = user('en-US');
    await send(choose('ja-JP'));
    const [apology, ...rest] = await send({ text: 'new claim' });
    assert.deepEqual(rest, []);
    assert.ok(apology.text?.startsWith(apologyStart('ja-JP')), apology.text);
  });

  it('speaks the Teams locale when the user chose nothing', async () => {
    const [apology] = await user('ko-KR')({ text: 'new claim' });
    assert.ok(apology.text?.startsWith(apologyStart('ko-KR')), apology.text);
  });

  it('adds no generic apology when the turn apologised already and then its state write failed', async () => {
    const replies = await user('en-US')(
      { text: 'new claim' },
      bot(h.partners, new ApologisingStep(), unwritable(h.botServices.conversationStorage)),
    );
    assert.deepEqual(
      replies.map((r) => r.text),
      [t('en-US', 'errors.storage')],
    );
  });

  it('falls back to the Teams locale when the turn failed before the caller was resolved', async () => {
    const send = user('ko-KR');
    await send(choose('ja-JP'));
    const directoryDown: OrganisationStore = Object.assign(Object.create(h.partners) as OrganisationStore, {
      getVersioned: async () => {
        throw new Error('directory unreachable');
      },
    });
    const [apology] = await send({ text: 'new claim' }, bot(directoryDown));
    assert.ok(apology.text?.startsWith(apologyStart('ko-KR')), apology.text);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import type { Container } from '@azure/cosmos';
import type { Clock } from '../../../claims/ports';
import { createAdapter } from '../../../bot/http/adapter';
import { DeduplicateActivities, activityRecordId } from '../../../bot/teams/deduplicateActivities';
import { createLogger } from '../../../bot/app/logger';
import { createServer, type BotServer } from '../../../bot/http/server';
import { noTelemetry } from '../../../bot/app/telemetry';
import { CosmosIdempotencyRecords } from '../../../storage/idempotencyRecords';
import { freshCosmosDatabase } from '../../support/cosmosTestDatabase';

const logger = createLogger('silent');

/** Counts the turns that reached the bot and echoes each one. */
class CountingBot {
  readonly seen: string[] = [];
  /** Set to make the next turn wait (a slow first delivery) or fail. */
  hold: Promise<void> | undefined;
  failNext = false;

  async run(context: TurnContext): Promise<void> {
    this.seen.push(context.activity.text ?? '');
    if (this.hold) await this.hold;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('simulated failure in the turn');
    }
    await context.sendActivity(`echo ${context.activity.text ?? ''}`);
  }
}

function message(text: string, id: string = randomUUID()): Partial<Activity> {
  return {
    type: 'message',
    id,
    text,
    channelId: 'msteams',
    conversation: { id: 'a:personal-chat', isGroup: false, conversationType: 'personal', name: '' },
  };
}

describe('DeduplicateActivities', () => {
  let container: Container;
  let bot: CountingBot;
  let adapter: TestAdapter;
  const clock = { at: new Date('2026-03-02T17:00:00.000Z') };
  const clockPort: Clock = { now: () => clock.at };

  before(async () => {
    container = (await freshCosmosDatabase()).container('idempotencyRecords');
  });
  beforeEach(() => {
    bot = new CountingBot();
    adapter = new TestAdapter((context) => bot.run(context));
    adapter.use(
      new DeduplicateActivities({ records: new CosmosIdempotencyRecords(container, { clock: clockPort }), logger }),
    );
  });
  const repliesFor = async (activity: Partial<Activity>) => {
    await adapter.processActivity({ ...activity });
    return adapter.activeQueue.splice(0).map((a) => a.text);
  };

  it('runs a redelivered activity once: the copy gets no reply and reaches no bot logic', async () => {
    const first = message('hello');
    assert.deepEqual(await repliesFor(first), ['echo hello']);
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(bot.seen, ['hello']);
    // A new activity of the same conversation is a new turn.
    assert.deepEqual(await repliesFor(message('hello')), ['echo hello']);
  });

  it('tells the same activity id apart in another conversation', async () => {
    const id = randomUUID();
    await repliesFor(message('one', id));
    assert.deepEqual(
      await repliesFor({
        ...message('two', id),
        conversation: { id: 'a:other-chat', isGroup: false, conversationType: 'personal', name: '' },
      }),
      ['echo two'],
    );
  });

  it('skips a copy that arrives while the first delivery is still running', async () => {
    let release = () => undefined as void;
    bot.hold = new Promise<void>((resolve) => (release = resolve));
    const first = message('slow');
    const running = adapter.processActivity({ ...first });
    while (bot.seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await adapter.processActivity({ ...first });
    release();
    await running;
    assert.deepEqual(bot.seen, ['slow']);
    assert.deepEqual(
      adapter.activeQueue.splice(0).map((a) => a.text),
      ['echo slow'],
    );
    bot.hold = undefined;
  });

  it('processes the redelivery of a turn that failed, after the failure reached the error handler', async () => {
    const errors: string[] = [];
    adapter.onTurnError = async (_context, error) => {
      errors.push(error.message);
    };
    const first = message('retry me');
    bot.failNext = true;
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(errors, ['simulated failure in the turn']);
    assert.deepEqual(await repliesFor(first), ['echo retry me']);
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(bot.seen, ['retry me', 'retry me']);
  });

  it('takes over a turn whose process died mid-way once the lease has run out, not before', async () => {
    const first = message('orphaned');
    // A process that died mid-turn: the mark was made and never completed nor removed.
    await new CosmosIdempotencyRecords(container, { clock: clockPort }).begin(
      activityRecordId(first)!,
      'activity',
      60_000,
      86_400,
    );
    assert.deepEqual(await repliesFor(first), []);
    clock.at = new Date(clock.at.getTime() + 61_000);
    assert.deepEqual(await repliesFor(first), ['echo orphaned']);
    assert.deepEqual(bot.seen, ['orphaned']);
  });

  it('leaves invokes and activities without an id alone', async () => {
    assert.equal(activityRecordId({ ...message('x'), type: 'invoke' }), undefined);
    assert.equal(activityRecordId({ ...message('x'), id: undefined }), undefined);
    assert.equal(activityRecordId({ ...message('x'), conversation: undefined }), undefined);
    assert.ok(activityRecordId(message('x')));
  });

  it('still runs the turn when the marks cannot be reached', async () => {
    const failing = new TestAdapter((context) => bot.run(context));
    const unreachable = {
      begin: async () => Promise.reject(new Error('ECONNREFUSED')),
      complete: async () => undefined,
      abandon: async () => undefined,
    };
    failing.use(new DeduplicateActivities({ records: unreachable, logger }));
    const first = message('through');
    await failing.processActivity({ ...first });
    await failing.processActivity({ ...first });
    assert.deepEqual(bot.seen, ['through', 'through']);
  });

  describe('over HTTP with expectReplies', () => {
    let app: BotServer;
    let url: string;
    before(async () => {
      const botAdapter = createAdapter(
        { appId: '', appType: 'SingleTenant', tenantId: '' },
        { logger, telemetry: noTelemetry },
      );
      botAdapter.use(new DeduplicateActivities({ records: new CosmosIdempotencyRecords(container), logger }));
      const httpBot = new CountingBot();
      app = createServer({ publicUrl: 'http://localhost', logger, adapter: botAdapter, bot: httpBot, health: [] });
      url = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}/api/messages`;
    });
    after(async () => {
      await app.close(1000);
    });

    it('answers the redelivered activity with an empty list of replies', async () => {
      const activity = {
        ...message('over http'),
        serviceUrl: 'http://127.0.0.1:9/',
        from: { id: 'user-1' },
        recipient: { id: 'bot-1' },
        deliveryMode: 'expectReplies',
      };
      const post = async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity),
        });
        assert.equal(response.status, 200);
        return ((await response.json()) as { activities: { text?: string }[] }).activities.map((a) => a.text);
      };
      assert.deepEqual(await post(), ['echo over http']);
      assert.deepEqual(await post(), []);
    });
  });
});

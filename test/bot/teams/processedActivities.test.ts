/**
 * De-duplication with the processed activities in the conversation state: one mark
 * write per turn instead of two, and still each redelivered activity runs once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConversationState, TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import type { Container } from '@azure/cosmos';
import type { Clock } from '../../../claims/ports';
import { createLogger } from '../../../bot/app/logger';
import { DeduplicateActivities, activityRecordId } from '../../../bot/teams/deduplicateActivities';
import { ProcessedActivities } from '../../../bot/teams/processedActivities';
import { CosmosConversationStateStorage } from '../../../storage/conversationStateStorage';
import { CosmosIdempotencyRecords } from '../../../storage/idempotencyRecords';
import { freshCosmosDatabase, type TestDatabase } from '../../support/cosmosTestDatabase';

const logger = createLogger('silent');
const LEASE_MS = 60_000;

/** Saves its conversation state at the end of every turn, as ClaimsBot does; or, when told, loses that write. */
class StatefulBot {
  readonly seen: string[] = [];
  readonly state: ConversationState;
  readonly processed: ProcessedActivities;
  loseStateWrite = false;

  constructor(storage: CosmosConversationStateStorage) {
    this.state = new ConversationState(storage);
    this.processed = new ProcessedActivities(this.state);
  }

  async run(context: TurnContext): Promise<void> {
    this.seen.push(context.activity.text ?? '');
    await context.sendActivity(`echo ${context.activity.text ?? ''}`);
    // Another turn of the conversation saved first: this one keeps no state of its own.
    if (this.loseStateWrite) return;
    await this.state.saveChanges(context, false);
    this.processed.saved(context);
  }
}

function message(text: string): Partial<Activity> {
  return {
    type: 'message',
    id: randomUUID(),
    text,
    channelId: 'msteams',
    conversation: { id: `a:chat-${randomUUID()}`, isGroup: false, conversationType: 'personal', name: '' },
  };
}

describe('DeduplicateActivities with the processed activities in the conversation state', () => {
  let db: TestDatabase;
  let marks: Container;
  let bot: StatefulBot;
  let adapter: TestAdapter;
  const clock = { at: new Date('2026-03-02T17:00:00.000Z') };
  const clockPort: Clock = { now: () => clock.at };

  before(async () => {
    db = await freshCosmosDatabase();
    marks = db.container('idempotencyRecords');
  });
  beforeEach(() => {
    bot = new StatefulBot(new CosmosConversationStateStorage(db.container('botState')));
    adapter = new TestAdapter((context) => bot.run(context));
    adapter.use(
      new DeduplicateActivities({
        records: new CosmosIdempotencyRecords(marks, { clock: clockPort }),
        logger,
        leaseMs: LEASE_MS,
        completion: bot.processed,
      }),
    );
  });
  const repliesFor = async (activity: Partial<Activity>) => {
    await adapter.processActivity({ ...activity });
    return adapter.activeQueue.splice(0).map((a) => a.text);
  };
  const markState = async (activity: Partial<Activity>): Promise<string | undefined> => {
    const id = activityRecordId(activity) ?? '';
    const { resource } = await marks.item(id, id).read<{ state: string }>();
    return resource?.state;
  };
  const afterTheLease = (): void => {
    clock.at = new Date(clock.at.getTime() + LEASE_MS + 1_000);
  };

  it('writes the mark once for a done turn, and skips a copy that comes after the lease ran out', async () => {
    const first = message('hello');
    assert.deepEqual(await repliesFor(first), ['echo hello']);
    // The state write said it was done: no second write to the mark.
    assert.equal(await markState(first), 'inProgress');
    assert.deepEqual(await repliesFor(first), []);
    afterTheLease();
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(bot.seen, ['hello']);
    // The copy that found the turn done in the state marks it done for later copies.
    assert.equal(await markState(first), 'done');
  });

  it('runs the copy of a turn that died before saving its state, once the lease ran out', async () => {
    const first = message('orphaned');
    await new CosmosIdempotencyRecords(marks, { clock: clockPort }).begin(
      activityRecordId(first) ?? '',
      'activity',
      LEASE_MS,
      86_400,
    );
    assert.deepEqual(await repliesFor(first), []);
    afterTheLease();
    assert.deepEqual(await repliesFor(first), ['echo orphaned']);
    afterTheLease();
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(bot.seen, ['orphaned']);
  });

  it('completes the mark as before when the turn could not save its state', async () => {
    bot.loseStateWrite = true;
    const first = message('raced');
    assert.deepEqual(await repliesFor(first), ['echo raced']);
    assert.equal(await markState(first), 'done');
    afterTheLease();
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(bot.seen, ['raced']);
  });

  it('remembers the last turns of a conversation, not every one', async () => {
    const conversation = message('').conversation;
    const turns = Array.from({ length: 12 }, (_, i) => ({ ...message(`turn ${i}`), conversation }));
    for (const turn of turns) await repliesFor(turn);
    const key = `msteams/conversations/${conversation?.id ?? ''}/`;
    const stored = await new CosmosConversationStateStorage(db.container('botState')).read([key]);
    const kept: unknown = Reflect.get(stored[key] ?? {}, 'processedActivities');
    assert.ok(Array.isArray(kept) && kept.length === 8, `kept ${JSON.stringify(kept)}`);
    afterTheLease();
    // The latest turn is still known as done.
    assert.deepEqual(await repliesFor(turns[11] as Partial<Activity>), []);
    assert.equal(bot.seen.length, 12);
  });
});

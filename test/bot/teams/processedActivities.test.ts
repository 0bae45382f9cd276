/**
 * De-duplication with the processed and running activities in the conversation state:
 * no write of its own on an ordinary turn (counted through the fault proxy), and still
 * each redelivered activity runs once: after the turn, while a slow turn still runs,
 * after a turn that lost its state write; and the copy of a turn that died or failed runs.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConversationState, TestAdapter, type Activity, type TurnContext } from 'botbuilder';
import type { Container } from '@azure/cosmos';
import type { Clock } from '../../../claims/ports';
import { createLogger } from '../../../bot/app/logger';
import { DeduplicateActivities } from '../../../bot/teams/deduplicateActivities';
import { ProcessedActivities } from '../../../bot/teams/processedActivities';
import { createCosmosClient } from '../../../storage/cosmosConnection';
import { containerSpec } from '../../../storage/cosmosSchema';
import { CosmosConversationStateStorage } from '../../../storage/conversationStateStorage';
import { CosmosIdempotencyRecords } from '../../../storage/idempotencyRecords';
import { startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { freshCosmosDatabase, type TestDatabase } from '../../support/cosmosTestDatabase';
import { standIns } from '../../support/rootHooks';

const logger = createLogger('silent');
const LEASE_MS = 60_000;

/** Saves its conversation state at the end of every turn, as ClaimsBot does; or, when told, loses that write or fails. */
class StatefulBot {
  readonly seen: string[] = [];
  readonly state: ConversationState;
  readonly processed: ProcessedActivities;
  loseStateWrite = false;
  failNext = false;
  /** Set to make the next turn wait (a slow first delivery). */
  hold: Promise<void> | undefined;

  constructor(storage: CosmosConversationStateStorage, guardAfterMs?: number) {
    this.state = new ConversationState(storage);
    this.processed = new ProcessedActivities(this.state, storage, { guardAfterMs });
  }

  async run(context: TurnContext): Promise<void> {
    this.seen.push(context.activity.text ?? '');
    await this.state.createProperty<string>('step').set(context, context.activity.text ?? '');
    if (this.hold) await this.hold;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('simulated failure in the turn');
    }
    await context.sendActivity(`echo ${context.activity.text ?? ''}`);
    // Another turn of the conversation saved first: this one keeps no state of its own.
    if (this.loseStateWrite) return;
    await this.processed.settle(context);
    await this.state.saveChanges(context, false);
    this.processed.saved(context);
  }
}

function message(text: string, conversationId = `a:chat-${randomUUID()}`): Partial<Activity> {
  return {
    type: 'message',
    id: randomUUID(),
    text,
    channelId: 'msteams',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
  };
}

const stateKey = (activity: Partial<Activity>): string => `msteams/conversations/${activity.conversation?.id ?? ''}/`;

describe('DeduplicateActivities with the processed activities in the conversation state', () => {
  let db: TestDatabase;
  let marks: Container;
  let proxy: FaultProxy;
  let client: ReturnType<typeof createCosmosClient>;
  let storage: CosmosConversationStateStorage;
  let adapter: TestAdapter;
  let bot: StatefulBot;
  const clock = { at: new Date('2026-03-02T17:00:00.000Z') };
  const clockPort: Clock = { now: () => clock.at };

  before(async () => {
    db = await freshCosmosDatabase();
    marks = db.container('idempotencyRecords');
  });
  /** `guardAfterMs` 0: every turn leases its activity at once, as a slow turn does after 3 s. */
  const start = (guardAfterMs?: number): void => {
    bot = new StatefulBot(storage, guardAfterMs);
    adapter = new TestAdapter((context) => bot.run(context));
    adapter.use(
      new DeduplicateActivities({
        records: new CosmosIdempotencyRecords(marks, { clock: clockPort }),
        logger,
        leaseMs: LEASE_MS,
        completion: bot.processed,
        clock: clockPort,
      }),
    );
  };
  beforeEach(async () => {
    proxy = await startFaultProxy(standIns().cosmos.endpoint, { log: true });
    client = createCosmosClient({ endpoint: proxy.endpoint, key: standIns().cosmos.key });
    const database = client.database(db.databaseId);
    storage = new CosmosConversationStateStorage(database.container(containerSpec('botState').id));
    start();
  });
  afterEach(async () => {
    client.dispose();
    await proxy.close();
  });

  const repliesFor = async (activity: Partial<Activity>) => {
    await adapter.processActivity({ ...activity });
    return adapter.activeQueue.splice(0).map((a) => a.text);
  };
  /** Document requests through the proxy, as `METHOD container`. */
  const documentRequests = (): string[] =>
    proxy.log
      .filter((entry) => /\/docs(\/|$)/.test(entry.path))
      .map((entry) => `${entry.method} ${/\/colls\/([^/]+)\//.exec(entry.path)?.[1] ?? '?'}`);
  const afterTheLease = (): void => {
    clock.at = new Date(clock.at.getTime() + LEASE_MS + 1_000);
  };
  const stored = async (activity: Partial<Activity>): Promise<Record<string, unknown>> =>
    (await new CosmosConversationStateStorage(db.container('botState')).read([stateKey(activity)]))[
      stateKey(activity)
    ] ?? {};
  /** Lets the turn held in `bot.hold` run until its lease is in the stored state. */
  const untilLeased = async (activity: Partial<Activity>): Promise<void> => {
    while (!Array.isArray((await stored(activity)).runningActivities))
      await new Promise((resolve) => setImmediate(resolve));
  };
  const holdNextTurn = (): (() => void) => {
    let release = (): void => undefined;
    bot.hold = new Promise<void>((resolve) => (release = resolve));
    return () => {
      bot.hold = undefined;
      release();
    };
  };

  it('costs an ordinary turn its state read and write only, and skips a copy that comes later', async () => {
    const first = message('hello');
    assert.deepEqual(await repliesFor(first), ['echo hello']);
    // (The SDK's one-off read of the container's partition key definition is not counted.)
    assert.deepEqual(documentRequests(), ['GET botState', 'POST botState']);
    assert.deepEqual(await repliesFor(first), []);
    afterTheLease();
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(bot.seen, ['hello']);
    // The copies read the state and wrote nothing; no mark anywhere.
    assert.deepEqual(documentRequests(), ['GET botState', 'POST botState', 'GET botState', 'GET botState']);
    const { resources } = await marks.items.readAll().fetchAll();
    assert.equal(resources.length, 0);
  });

  it('skips a copy that arrives while a slow first delivery is still running, and every copy after it', async () => {
    start(0);
    const first = message('slow');
    const release = holdNextTurn();
    const running = adapter.processActivity({ ...first });
    await untilLeased(first);
    await adapter.processActivity({ ...first });
    release();
    await running;
    assert.deepEqual(
      adapter.activeQueue.splice(0).map((a) => a.text),
      ['echo slow'],
    );
    afterTheLease();
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(bot.seen, ['slow']);
    // The turn's own write replaced its lease; its state is what it saved.
    const after = await stored(first);
    assert.equal(after.step, 'slow');
    assert.equal(after.runningActivities, undefined);
  });

  it('runs the copy of a turn that died after its lease, once the lease ran out, from the state as the turn found it', async () => {
    start(0);
    const conversation = `a:chat-${randomUUID()}`;
    assert.deepEqual(await repliesFor(message('customer', conversation)), ['echo customer']);
    const dying = message('products', conversation);
    // The process "dies": its turn never gets past the hold, so never writes its state.
    holdNextTurn();
    void adapter.processActivity({ ...dying });
    await untilLeased(dying);
    // Nothing of the dead turn's work is in the stored state, only its lease.
    assert.equal((await stored(dying)).step, 'customer');

    const survivor = new StatefulBot(new CosmosConversationStateStorage(db.container('botState')), 0);
    const elsewhere = new TestAdapter((context) => survivor.run(context));
    elsewhere.use(
      new DeduplicateActivities({
        records: new CosmosIdempotencyRecords(marks, { clock: clockPort }),
        logger,
        completion: survivor.processed,
        clock: clockPort,
      }),
    );
    await elsewhere.processActivity({ ...dying });
    assert.deepEqual(survivor.seen, [], 'the lease still holds');
    afterTheLease();
    await elsewhere.processActivity({ ...dying });
    assert.deepEqual(survivor.seen, ['products']);
    assert.deepEqual(
      elsewhere.activeQueue.splice(0).map((a) => a.text),
      ['echo products'],
    );
    await elsewhere.processActivity({ ...dying });
    assert.deepEqual(survivor.seen, ['products']);
    assert.equal((await stored(dying)).step, 'products');
  });

  it('takes the lease of a failed turn back, so its redelivery runs at once', async () => {
    start(0);
    const errors: string[] = [];
    adapter.onTurnError = async (_context, error) => void errors.push(error.message);
    const first = message('retry me');
    const release = holdNextTurn();
    bot.failNext = true;
    const running = adapter.processActivity({ ...first });
    await untilLeased(first);
    release();
    await running;
    assert.deepEqual(errors, ['simulated failure in the turn']);
    assert.deepEqual((await stored(first)).runningActivities, []);
    assert.deepEqual(await repliesFor(first), ['echo retry me']);
    assert.deepEqual(await repliesFor(first), []);
    assert.deepEqual(bot.seen, ['retry me', 'retry me']);
  });

  it('notes the activity in the stored state when the turn lost its own write to another turn', async () => {
    const conversation = `a:chat-${randomUUID()}`;
    await repliesFor(message('earlier', conversation));
    bot.loseStateWrite = true;
    const raced = message('raced', conversation);
    assert.deepEqual(await repliesFor(raced), ['echo raced']);
    bot.loseStateWrite = false;
    afterTheLease();
    assert.deepEqual(await repliesFor(raced), []);
    assert.deepEqual(bot.seen, ['earlier', 'raced']);
    // The state the other turn saved is kept.
    assert.equal((await stored(raced)).step, 'earlier');
  });

  it('remembers the last turns of a conversation, not every one', async () => {
    const conversation = `a:chat-${randomUUID()}`;
    const turns = Array.from({ length: 12 }, (_, i) => message(`turn ${i}`, conversation));
    for (const turn of turns) await repliesFor(turn);
    const kept = (await stored(turns[0] as Partial<Activity>)).processedActivities;
    assert.ok(Array.isArray(kept) && kept.length === 8, `kept ${JSON.stringify(kept)}`);
    afterTheLease();
    // The latest turn is still known as done.
    assert.deepEqual(await repliesFor(turns[11] as Partial<Activity>), []);
    assert.equal(bot.seen.length, 12);
  });
});

/**
 * Conversation state through the SDK's real BotState path (ConversationState over the
 * storage, on the Cosmos stand-in): two turns that read the same state cannot both
 * write it, whether it existed or not, and documents keep CosmosDbPartitionedStorage's
 * shape both ways, so saved conversations resume.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConversationState, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { createBotStateStorage } from '../../storage/botState';
import {
  CosmosConversationStateStorage,
  escapeStateKey,
  isStateConflict,
} from '../../storage/conversationStateStorage';
import { freshCosmosDatabase, type TestDatabase } from '../support/cosmosTestDatabase';
import { standIns } from '../support/rootHooks';

describe('CosmosConversationStateStorage through ConversationState', () => {
  let db: TestDatabase;
  let state: ConversationState;
  let storage: CosmosConversationStateStorage;

  before(async () => {
    db = await freshCosmosDatabase();
    storage = new CosmosConversationStateStorage(db.container('botState'));
    state = new ConversationState(storage);
  });

  /** A turn of `conversationId`, as the adapter would make it (no replies needed). */
  const turn = (conversationId: string): TurnContext =>
    new TurnContext(new TestAdapter(), {
      type: 'message',
      channelId: 'msteams',
      conversation: { id: conversationId },
      from: { id: 'u' },
      recipient: { id: 'b' },
    } as Activity);

  async function write(context: TurnContext, value: string): Promise<void> {
    await state.createProperty<string>('step').set(context, value);
    await state.saveChanges(context);
  }

  it("refuses the second of two turns that read the same state, and keeps the first one's", async () => {
    const id = `a:${randomUUID()}`;
    await write(turn(id), 'customer');
    const first = turn(id);
    const second = turn(id);
    await state.load(first);
    await state.load(second);
    await write(first, 'products');
    await assert.rejects(write(second, 'solution'), isStateConflict);
    const fresh = turn(id);
    assert.equal(await state.createProperty<string>('step').get(fresh), 'products');
  });

  it('refuses the second of two turns that both found no state, so neither first write is lost', async () => {
    const id = `a:${randomUUID()}`;
    const first = turn(id);
    const second = turn(id);
    await state.load(first);
    await state.load(second);
    await write(second, 'welcomed');
    await assert.rejects(write(first, 'other'), isStateConflict);
    assert.equal(await state.createProperty<string>('step').get(turn(id)), 'welcomed');
  });

  it('lets one turn save twice, and a turn that cleared its state write it unconditionally', async () => {
    const id = `a:${randomUUID()}`;
    const context = turn(id);
    await write(context, 'one');
    await write(context, 'two');
    const other = turn(id);
    await state.load(other);
    await write(turn(id), 'three');
    await state.clear(other);
    await state.saveChanges(other);
    assert.equal(await state.createProperty<string>('step').get(turn(id)), undefined);
  });

  it('reads documents CosmosDbPartitionedStorage wrote, and writes documents it reads, under Teams-style keys', async () => {
    const { cosmos } = standIns();
    const sdk = createBotStateStorage({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId: db.databaseId });
    const key = `msteams/conversations/a:1Qx9-/?#*${randomUUID()}`;
    await sdk.write({ [key]: { dialogState: { dialogStack: [{ id: 'newClaim' }] }, eTag: '*' } });
    const read = await storage.read([key]);
    assert.deepEqual((read[key] as { dialogState: unknown }).dialogState, { dialogStack: [{ id: 'newClaim' }] });
    await storage.write({ [key]: { ...read[key], dialogState: { dialogStack: [] } } });
    assert.deepEqual((await sdk.read([key]))[key]?.dialogState, { dialogStack: [] });
    assert.equal(escapeStateKey('a/b?c#d*e\\f'), 'a*2fb*3fc*23d*2ae*5cf');
    await storage.delete([key]);
    assert.deepEqual(Object.keys(await sdk.read([key])), []);
  });
});

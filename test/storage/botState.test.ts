import assert from 'node:assert/strict';
import { TestAdapter, TurnContext, UserState, type Activity } from 'botbuilder';
import { CosmosOptionsError, cosmosErrorCode } from '../../storage/cosmosConnection';
import { createBotStateStorage } from '../../storage/botState';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';
import { standIns } from '../support/rootHooks';

describe('createBotStateStorage', () => {
  async function storage() {
    const { cosmos } = standIns();
    const { databaseId } = await freshCosmosDatabase();
    return createBotStateStorage({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId });
  }

  it('writes, reads and deletes state items under Teams-style keys', async () => {
    const state = await storage();
    const longKey = `msteams/conversations/a:1${'Qx9-'.repeat(30)}`;
    await state.write({
      'msteams/users/u1': { locale: 'ja-JP', eTag: '*' },
      [longKey]: { dialogStack: [{ id: 'newClaim' }] },
    });
    const read = await state.read(['msteams/users/u1', longKey, 'missing']);
    assert.equal(read['msteams/users/u1'].locale, 'ja-JP');
    assert.equal(typeof read['msteams/users/u1'].eTag, 'string');
    assert.deepEqual(read[longKey].dialogStack, [{ id: 'newClaim' }]);
    assert.equal('missing' in read, false);
    await state.delete(['msteams/users/u1']);
    assert.deepEqual(Object.keys(await state.read(['msteams/users/u1', longKey])), [longKey]);
  });

  it('refuses a write carrying a stale eTag and keeps the newer state', async () => {
    const state = await storage();
    await state.write({ conv: { step: 1, eTag: '*' } });
    const firstTurn = (await state.read(['conv'])).conv;
    const secondTurn = (await state.read(['conv'])).conv;
    await state.write({ conv: { ...firstTurn, step: 2 } });
    // Written directly with the eTag read, the storage refuses the stale write...
    await assert.rejects(state.write({ conv: { ...secondTurn, step: 3 } }), (e: unknown) => cosmosErrorCode(e) === 412);
    assert.equal((await state.read(['conv'])).conv.step, 2);
  });

  it('through BotState never sees an eTag (saveChanges sets it to *): the last writer wins, which is why conversation state has its own storage', async () => {
    const storageUnderTest = await storage();
    const userState = new UserState(storageUnderTest);
    const turn = () =>
      new TurnContext(new TestAdapter(), {
        type: 'message',
        channelId: 'msteams',
        conversation: { id: 'c' },
        from: { id: 'u1' },
        recipient: { id: 'b' },
      } as Activity);
    const language = userState.createProperty<string>('language');
    const [first, second] = [turn(), turn()];
    await userState.load(first);
    await userState.load(second);
    await language.set(first, 'ko-KR');
    await userState.saveChanges(first);
    await language.set(second, 'ja-JP');
    await userState.saveChanges(second);
    assert.equal(await language.get(turn()), 'ja-JP', 'no 412 through BotState (see conversationStateStorage.test.ts)');
  });

  it('fails fast on a missing database id or endpoint, before any request', () => {
    const isCode = (code: string) => (e: unknown) => e instanceof CosmosOptionsError && e.code === code;
    assert.throws(
      () => createBotStateStorage({ endpoint: 'http://127.0.0.1:1', key: 'k', databaseId: ' ' }),
      isCode('cosmosDatabaseMissing'),
    );
    assert.throws(
      () => createBotStateStorage({ endpoint: '', key: 'k', databaseId: 'db' }),
      isCode('cosmosEndpointMissing'),
    );
  });
});

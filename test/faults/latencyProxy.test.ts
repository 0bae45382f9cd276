/**
 * The fault proxy as a fixed network latency (the bench's 5 ms Cosmos DB round trips):
 * a `delay` rule on every request lets each one through to the stand-in and brings its
 * answer back unchanged, and a long-running proxy can keep no request log.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec } from '../../storage/cosmosSchema';
import { freshCosmosDatabase, type TestDatabase } from '../support/cosmosTestDatabase';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { standIns } from '../support/rootHooks';

describe('fault proxy delay rule', () => {
  let db: TestDatabase;
  let proxy: FaultProxy | undefined;

  before(async () => {
    db = await freshCosmosDatabase();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  async function throughProxy(logRequests: boolean) {
    const { cosmos } = standIns();
    proxy = await startFaultProxy(cosmos.endpoint, { log: logRequests });
    const handle = proxy.inject({ fault: { kind: 'delay', ms: 2 }, times: Infinity });
    const client = createCosmosClient({ endpoint: proxy.endpoint, key: cosmos.key });
    return { handle, client, container: client.database(db.databaseId).container(containerSpec('partners').id) };
  }

  it('delays every request and changes nothing about what is stored or answered', async () => {
    const { handle, client, container } = await throughProxy(true);
    try {
      const id = randomUUID();
      await container.items.create({ id, type: 'partner', name: 'Delayed Partner' });
      const { resource } = await container.item(id, id).read<{ name: string }>();
      assert.equal(resource?.name, 'Delayed Partner');
      // What the proxy let through is what the stand-in stored.
      const direct = await db.container('partners').item(id, id).read<{ name: string }>();
      assert.equal(direct.resource?.name, 'Delayed Partner');
      assert.ok(handle.struck >= 2, `every request is delayed (struck ${handle.struck})`);
      assert.equal(handle.struck, proxy?.log.length);
      assert.ok(proxy?.log.every((entry) => entry.fault === 'delay'));
    } finally {
      client.dispose();
    }
  });

  it('keeps no request log when asked not to', async () => {
    const { handle, client, container } = await throughProxy(false);
    try {
      const id = randomUUID();
      await container.items.create({ id, type: 'partner', name: 'Unlogged Partner' });
      assert.ok(handle.struck >= 1);
      assert.deepEqual(proxy?.log, []);
    } finally {
      client.dispose();
    }
  });
});

/**
 * The bot's turn middleware as the composition root registers it (read-ahead, then
 * de-duplication): a message turn's directory read of its caller runs while the
 * de-duplication reads the conversation state, shown by holding the state read until
 * the directory read reaches Cosmos DB (the fault proxy); the directory is still read
 * afresh on every turn; a skipped redelivery costs that read and nothing else; a failed
 * directory read fails the turn as it did.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestAdapter, type Activity } from 'botbuilder';
import { composeBot, turnMiddleware } from '../../../bot/app/composeBot';
import { createLogger } from '../../../bot/app/logger';
import { createCosmosClient } from '../../../storage/cosmosConnection';
import { containerSpec } from '../../../storage/cosmosSchema';
import { CosmosConversationStateStorage } from '../../../storage/conversationStateStorage';
import { CosmosPartnerDirectory } from '../../../storage/partnerDirectory';
import { cosmosDocs, startFaultProxy, type FaultProxy } from '../../support/faultProxy';
import { botHarness, OPERATOR, ORG, personalChat, TIME_ZONE, type Harness } from '../../support/botHarness';
import { standIns } from '../../support/rootHooks';

const logger = createLogger('silent');
const ADMIN = { id: '29:admin', aadObjectId: 'aad-admin', name: 'Ada Admin' };

describe('the turn middleware (read-ahead, then de-duplication)', () => {
  let h: Harness;
  let proxy: FaultProxy;
  let client: ReturnType<typeof createCosmosClient>;
  let adapter: TestAdapter;

  before(async () => {
    h = await botHarness();
  });
  beforeEach(async () => {
    proxy = await startFaultProxy(standIns().cosmos.endpoint, { log: true });
    // A held request is given up quickly: reads one after the other would then show as a timed-out read and its retry.
    client = createCosmosClient({ endpoint: proxy.endpoint, key: standIns().cosmos.key, requestTimeoutMs: 1_500 });
    const container = (name: Parameters<typeof containerSpec>[0]) =>
      client.database(h.db.databaseId).container(containerSpec(name).id);
    const bot = composeBot(
      {
        ...h.botServices,
        // The directory and the conversation state through the proxy, which counts their requests.
        partners: new CosmosPartnerDirectory(container('partners'), { operatorTenantId: OPERATOR.id }),
        conversationStorage: new CosmosConversationStateStorage(container('botState')),
      },
      { timeZone: TIME_ZONE, logger, emailOf: async () => undefined },
    );
    adapter = new TestAdapter((context) => bot.run(context));
    adapter.use(...turnMiddleware(bot, { records: h.botServices.idempotencyRecords, logger }));
  });
  afterEach(async () => {
    await h.partners.upsert(ORG);
    client.dispose();
    await proxy.close();
  });

  const message = (text: string, conversationId = `a:${randomUUID()}`): Partial<Activity> =>
    personalChat(ADMIN, { id: conversationId, tenantId: ORG.id }, { id: randomUUID(), text });
  const send = async (activity: Partial<Activity>): Promise<Partial<Activity>[]> => {
    await adapter.processActivity({ ...activity });
    return adapter.activeQueue.splice(0);
  };
  const gets = (container: string): number =>
    proxy.log.filter((entry) => entry.method === 'GET' && cosmosDocs(container).test(entry.path)).length;
  /** Document requests through the proxy, as `METHOD container`, sorted (reads at once have no order). */
  const documentRequests = (): string[] =>
    proxy.log
      .filter((entry) => /\/docs(\/|$)/.test(entry.path))
      .map((entry) => `${entry.method} ${/\/colls\/([^/]+)\//.exec(entry.path)?.[1] ?? '?'}`)
      .sort();
  const offersNewClaim = (replies: Partial<Activity>[]): boolean =>
    JSON.stringify(replies.map((r) => r.attachments?.[0]?.content)).includes('"verb":"newClaim"');

  it("reads the caller's organisation while the de-duplication reads the conversation state", async () => {
    let directoryAsked = (): void => undefined;
    const directoryRead = new Promise<void>((resolve) => (directoryAsked = resolve));
    // An observer only: it notes the directory read reaching Cosmos DB and lets it through.
    proxy.inject({
      method: 'GET',
      path: cosmosDocs('partners'),
      when: () => (directoryAsked(), false),
      fault: { kind: 'delay', ms: 0 },
    });
    // The state read is answered only once the directory read has been made: one after the other, it would time out.
    proxy.inject({ method: 'GET', path: cosmosDocs('botState'), fault: { kind: 'until', released: directoryRead } });

    const replies = await send(message('help'));
    assert.ok(offersNewClaim(replies), 'the help card of an incentives admin');
    assert.equal(gets('botState'), 1, 'the state read was answered, not given up and made again');
    assert.equal(gets('partners'), 1, "the bot's own resolution shared the read made ahead");
  });

  it('still reads the directory afresh on every message: a role taken away holds from the next one', async () => {
    const conversationId = `a:${randomUUID()}`;
    assert.ok(offersNewClaim(await send(message('help', conversationId))));
    await h.partners.upsert({ ...ORG, incentivesAdmins: [] });
    assert.equal(offersNewClaim(await send(message('help', conversationId))), false);
    assert.equal(gets('partners'), 2);
  });

  it('costs a redelivered message the de-duplication skips the directory read and nothing else', async () => {
    const activity = message('help');
    assert.ok(offersNewClaim(await send(activity)));
    proxy.log.splice(0);
    assert.deepEqual(await send(activity), []);
    assert.deepEqual(documentRequests(), ['GET botState', 'GET partners']);
  });

  it('fails the turn when the directory cannot be read, and runs its redelivery once it can', async () => {
    proxy.inject({
      method: 'GET',
      path: cosmosDocs('partners'),
      fault: { kind: 'status', status: 500 },
      times: Infinity,
    });
    const activity = message('help');
    await assert.rejects(adapter.processActivity({ ...activity }), { code: 500 });
    adapter.activeQueue.splice(0);
    proxy.clear();
    assert.ok(offersNewClaim(await send(activity)), 'the failed turn left nothing that skips its copy');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { createCosmosClient } from '../../storage/cosmosConnection';
import type { PartnerOrganisation } from '../../claims/model';
import { snapshotFile, startLocalStack, type LocalStack, type LocalStackOptions } from '../../storage/localStack';

const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';
const PLAYGROUND_USER = '00000000-0000-0000-0000-0000000000020';

describe('storage/localStack', function () {
  this.timeout(60_000);
  let dataDir: string;
  let stack: LocalStack | undefined;

  const options = (): LocalStackOptions => ({
    dataDir,
    databaseId: 'cpor',
    poeContainer: 'poe',
    cosmosPort: 0,
    blobPort: 0,
    snapshotIntervalMs: 0,
  });
  const clients = (s: LocalStack) => ({
    claims: createCosmosClient(s.cosmos).database('cpor').container('claims'),
    poe: BlobServiceClient.fromConnectionString(s.blob.connectionString).getContainerClient('poe'),
  });

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'cpor-local-'));
  });
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('keeps Cosmos documents and PoE blobs across a stop and a start', async () => {
    stack = await startLocalStack(options());
    const first = clients(stack);
    await first.claims.items.create({ id: 'claim-1', partnerId: 'partner-a', name: 'Contoso rollout' });
    await first.poe.getBlockBlobClient('claim-1/poe-1').upload('signed SOW', 10);
    await stack.stop();

    stack = await startLocalStack(options());
    assert.ok(stack.restoredDocuments >= 1);
    const again = clients(stack);
    const { resource } = await again.claims.item('claim-1', 'partner-a').read<{ name: string }>();
    assert.equal(resource?.name, 'Contoso rollout');
    const body = await again.poe.getBlockBlobClient('claim-1/poe-1').downloadToBuffer();
    assert.equal(body.toString(), 'signed SOW');
    assert.deepEqual(
      readdirSync(dataDir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp file is left behind',
    );
  });

  it('creates the schema and a private PoE container on a fresh start', async () => {
    stack = await startLocalStack(options());
    const cosmos = createCosmosClient(stack.cosmos);
    const { resources } = await cosmos.database('cpor').containers.readAll().fetchAll();
    assert.ok(
      ['claims', 'associations', 'partners', 'conversationReferences', 'botState', 'consentNonces'].every((id) =>
        resources.some((c) => c.id === id),
      ),
    );
    const properties = await clients(stack).poe.getProperties();
    assert.equal(properties.blobPublicAccess, undefined, 'no anonymous access');
  });

  it('saves only when something changed, and a deletion survives a restart too', async () => {
    stack = await startLocalStack(options());
    const { claims } = clients(stack);
    assert.equal(await stack.saveSnapshot(), false, 'nothing changed since start');
    await claims.items.create({ id: 'a', partnerId: 'p' });
    await claims.items.create({ id: 'b', partnerId: 'p' });
    assert.equal(await stack.saveSnapshot(), true);
    await claims.item('a', 'p').delete();
    await stack.stop();

    stack = await startLocalStack(options());
    const { resources } = await clients(stack).claims.items.readAll().fetchAll();
    assert.deepEqual(
      resources.map((d) => d.id),
      ['b'],
    );
  });

  it('seeds the demo partner organisation of the Agents Playground tenant and user, keeping local edits', async () => {
    stack = await startLocalStack(options());
    const partners = () => createCosmosClient(stack!.cosmos).database('cpor').container('partners');
    const { resource: demo } = await partners().item(PLAYGROUND_TENANT, PLAYGROUND_TENANT).read<PartnerOrganisation>();
    assert.ok(demo?.incentivesAdmins.includes(PLAYGROUND_USER));
    await partners().items.upsert({ ...demo, name: 'Renamed locally' });
    await stack.stop();

    stack = await startLocalStack(options());
    const { resource: again } = await partners().item(PLAYGROUND_TENANT, PLAYGROUND_TENANT).read<PartnerOrganisation>();
    assert.equal(again?.name, 'Renamed locally');
  });

  it('runs a given seed on every start, after the schema exists', async () => {
    let seeded = 0;
    const seed: LocalStackOptions['seed'] = async ({ cosmos }) => {
      seeded++;
      await cosmos.database('cpor').container('partners').items.upsert({ id: 'demo', name: 'Demo partner' });
    };
    stack = await startLocalStack({ ...options(), seed });
    await stack.stop();
    stack = await startLocalStack({ ...options(), seed });
    assert.equal(seeded, 2);
    const { resources } = await createCosmosClient(stack.cosmos)
      .database('cpor')
      .container('partners')
      .items.readAll()
      .fetchAll();
    assert.deepEqual(
      resources.map((d) => d.id),
      ['demo'],
    );
  });

  it('refuses to start over a damaged snapshot, naming the file, and leaves it untouched', async () => {
    const file = snapshotFile(dataDir);
    writeFileSync(file, '{"version":1,"databa');
    await assert.rejects(startLocalStack(options()), (e: Error) => e.message.includes(file));
    stack = undefined;
    assert.equal(readdirSync(dataDir).includes('cosmos-snapshot.json'), true);
  });
});

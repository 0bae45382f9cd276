import assert from 'node:assert/strict';
import type { PartnerOrganisation } from '../../claims/model';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec } from '../../storage/cosmosSchema';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { ConcurrencyConflict } from '../../claims/errors';
import { buildClaim } from '../support/claimFactory';
import { withTurnReads } from '../../storage/turnReads';
import { cosmosDocs, startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { freshCosmosDatabase, type TestDatabase } from '../support/cosmosTestDatabase';
import { standIns } from '../support/rootHooks';

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OWNER = '3f2504e0-4f89-41d3-9a0c-0305e82c3302';
const NEW_ADMIN = '3f2504e0-4f89-41d3-9a0c-0305e82c3303';

const org = (incentivesAdmins: string[]): PartnerOrganisation => ({
  id: TENANT,
  type: 'partner',
  name: 'Fabrikam Turn Reads',
  locations: [{ mpnId: '4455667', name: 'Fabrikam Seoul' }],
  owners: [OWNER],
  incentivesAdmins,
  reviewers: [],
});

describe('the partner directory within one turn (storage/turnReads)', () => {
  let db: TestDatabase;
  let proxy: FaultProxy;
  let client: ReturnType<typeof createCosmosClient>;
  /** This instance's directory: every request through the proxy, which counts them. */
  let directory: CosmosPartnerDirectory;
  /** Another instance, writing straight to the stand-in. */
  let elsewhere: CosmosPartnerDirectory;

  const partnerReads = (): number =>
    proxy.log.filter((entry) => entry.method === 'GET' && cosmosDocs('partners').test(entry.path)).length;

  beforeEach(async () => {
    db = await freshCosmosDatabase();
    proxy = await startFaultProxy(standIns().cosmos.endpoint, { log: true });
    client = createCosmosClient({ endpoint: proxy.endpoint, key: standIns().cosmos.key });
    directory = new CosmosPartnerDirectory(client.database(db.databaseId).container(containerSpec('partners').id), {
      operatorTenantId: '',
    });
    elsewhere = new CosmosPartnerDirectory(db.container('partners'), { operatorTenantId: '' });
    await elsewhere.upsert(org([]));
  });
  afterEach(async () => {
    client.dispose();
    await proxy.close();
  });

  it('reads the organisation once per turn however often the turn asks, and afresh in the next turn', async () => {
    await withTurnReads(async () => {
      const first = await directory.getVersioned(TENANT);
      const [again, plain] = await Promise.all([directory.getVersioned(TENANT), directory.get(TENANT)]);
      assert.equal(again?.etag, first?.etag);
      assert.equal(plain?.name, 'Fabrikam Turn Reads');
    });
    assert.equal(partnerReads(), 1);

    // A role granted on another instance between two turns holds from the next turn.
    await elsewhere.upsert(org([NEW_ADMIN]));
    await withTurnReads(async () => {
      assert.deepEqual((await directory.get(TENANT))?.incentivesAdmins, [NEW_ADMIN]);
    });
    assert.equal(partnerReads(), 2);
  });

  it('outside a turn (scheduler, consent pages) every read goes to Cosmos DB', async () => {
    await directory.get(TENANT);
    await directory.get(TENANT);
    assert.equal(partnerReads(), 2);
  });

  it("reads back in the turn what the turn wrote, and reads again after losing a write to another instance's", async () => {
    await withTurnReads(async () => {
      const read = await directory.getVersioned(TENANT);
      assert.ok(read);
      const written = await directory.replace(org([NEW_ADMIN]), read.etag);
      assert.deepEqual(await directory.getVersioned(TENANT), written);
      assert.equal(partnerReads(), 1);

      await elsewhere.upsert(org([]));
      await assert.rejects(directory.replace(org([OWNER]), written.etag), { name: 'ConcurrencyConflict' });
      assert.deepEqual((await directory.get(TENANT))?.incentivesAdmins, []);
      assert.equal(partnerReads(), 2);
    });
  });
});

describe('a claim within one turn (storage/turnReads)', () => {
  let db: TestDatabase;
  let proxy: FaultProxy;
  let client: ReturnType<typeof createCosmosClient>;
  /** This instance's repository: every request through the proxy, which counts them. */
  let claims: CosmosClaimRepository;
  /** Another instance, writing straight to the stand-in. */
  let elsewhere: CosmosClaimRepository;
  const claim = buildClaim();

  const claimReads = (): number =>
    proxy.log.filter((entry) => entry.method === 'GET' && cosmosDocs('claims').test(entry.path)).length;

  beforeEach(async () => {
    db = await freshCosmosDatabase();
    proxy = await startFaultProxy(standIns().cosmos.endpoint, { log: true });
    client = createCosmosClient({ endpoint: proxy.endpoint, key: standIns().cosmos.key, requestTimeoutMs: 1_000 });
    claims = new CosmosClaimRepository(client.database(db.databaseId).container(containerSpec('claims').id));
    elsewhere = new CosmosClaimRepository(db.container('claims'));
    await elsewhere.create(claim);
  });
  afterEach(async () => {
    client.dispose();
    await proxy.close();
  });

  it('reads the claim once per turn however often the turn asks, and afresh in the next turn', async () => {
    await withTurnReads(async () => {
      const [first, again] = await Promise.all([
        claims.get(claim.partnerId, claim.id),
        claims.get(claim.partnerId, claim.id),
      ]);
      assert.equal((await claims.get(claim.partnerId, claim.id))?.etag, first?.etag);
      assert.equal(again?.etag, first?.etag);
    });
    assert.equal(claimReads(), 1);

    // A change made on another instance between two turns is seen by the next turn.
    const stored = await elsewhere.get(claim.partnerId, claim.id);
    assert.ok(stored);
    await elsewhere.replace({ ...stored.value, name: 'Renamed elsewhere' }, stored.etag);
    await withTurnReads(async () => {
      assert.equal((await claims.get(claim.partnerId, claim.id))?.value.name, 'Renamed elsewhere');
    });
    assert.equal(claimReads(), 2);
  });

  it('outside a turn (scheduler, consent pages, the PoE check after its turn) every read goes to Cosmos DB', async () => {
    await claims.get(claim.partnerId, claim.id);
    await claims.get(claim.partnerId, claim.id);
    assert.equal(claimReads(), 2);
  });

  it('reads back in the turn what the turn wrote, and reads again after losing a write', async () => {
    await withTurnReads(async () => {
      const read = await claims.get(claim.partnerId, claim.id);
      assert.ok(read);
      const written = await claims.replace({ ...read.value, name: 'Written here' }, read.etag);
      assert.deepEqual(await claims.get(claim.partnerId, claim.id), written);
      assert.equal(claimReads(), 1);

      const theirs = await elsewhere.get(claim.partnerId, claim.id);
      assert.ok(theirs);
      await elsewhere.replace({ ...theirs.value, name: 'Written elsewhere' }, theirs.etag);
      await assert.rejects(claims.replace({ ...written.value, name: 'Lost' }, written.etag), ConcurrencyConflict);
      assert.equal((await claims.get(claim.partnerId, claim.id))?.value.name, 'Written elsewhere');
      assert.equal(claimReads(), 2);
    });
  });

  it('reads again after a write whose answer was lost, which may have written', async () => {
    await withTurnReads(async () => {
      const read = await claims.get(claim.partnerId, claim.id);
      assert.ok(read);
      proxy.inject({ method: 'PUT', path: cosmosDocs('claims'), fault: { kind: 'cutAfter' }, times: Infinity });
      await assert.rejects(claims.replace({ ...read.value, name: 'Maybe written' }, read.etag));
      proxy.clear();
      // The stand-in did write it: the rest of the turn sees that, not the copy it had.
      assert.equal((await claims.get(claim.partnerId, claim.id))?.value.name, 'Maybe written');
      assert.equal(claimReads(), 2);
    });
  });
});

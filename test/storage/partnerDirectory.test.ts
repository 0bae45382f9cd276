import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import { DEFAULT_SEED_FILE, SeedFileError, parsePartnerOrganisations, readSeedFile, seedPartners } from '../../storage/seedPartners';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';
import { standIns } from '../support/rootHooks';

const CONTOSO = '00000000-0000-0000-0000-0000000000001';
const PLAYGROUND_USER = '00000000-0000-0000-0000-0000000000020';

function problemsOf(json: unknown): string[] {
  try {
    parsePartnerOrganisations(json, 'test.json');
  } catch (e) {
    if (e instanceof SeedFileError) return e.problems;
    throw e;
  }
  assert.fail('expected a SeedFileError');
}

describe('CosmosPartnerDirectory and the partner seed', () => {
  let directory: CosmosPartnerDirectory;

  before(async () => {
    directory = new CosmosPartnerDirectory((await freshCosmosDatabase()).container('partners'));
  });

  it('seeds the demo organisations so the Playground user is admin and reviewer of Contoso only', async () => {
    const orgs = await readSeedFile();
    assert.equal(await seedPartners(directory, orgs), orgs.length);
    assert.equal(await seedPartners(directory, orgs), orgs.length); // seeding twice is harmless
    const contoso = await directory.get(CONTOSO);
    assert.ok(contoso);
    assert.equal(contoso.name, 'Contoso Partners (demo)');
    assert.deepEqual(contoso.locations.map((l) => l.mpnId), ['1234567', '7654321']);
    assert.deepEqual(contoso.incentivesAdmins, [PLAYGROUND_USER]);
    assert.equal('_etag' in contoso, false);
    const fabrikam = orgs.find((o) => o.name === 'Fabrikam Solutions (demo)');
    assert.ok(fabrikam && fabrikam.id !== CONTOSO);
    assert.equal(await directory.isReviewer(CONTOSO, PLAYGROUND_USER), true);
    assert.equal(await directory.isReviewer(fabrikam.id, PLAYGROUND_USER), false);
    assert.equal(await directory.isReviewer(CONTOSO, 'someone-else'), false);
    assert.equal(await directory.isReviewer('unknown-tenant', PLAYGROUND_USER), false);
    assert.equal(await directory.get('unknown-tenant'), undefined);
  });

  it('replaces an organisation on upsert, so a removed reviewer stops being one', async () => {
    const org = { id: 'tenant-upsert', type: 'partner' as const, name: 'Org', locations: [{ mpnId: '1', name: 'HQ' }], incentivesAdmins: [], reviewers: ['r1'] };
    await directory.upsert(org);
    assert.equal(await directory.isReviewer('tenant-upsert', 'r1'), true);
    await directory.upsert({ ...org, reviewers: [] });
    assert.equal(await directory.isReviewer('tenant-upsert', 'r1'), false);
  });

  it('names every problem in a bad seed file with its JSON path', () => {
    assert.deepEqual(problemsOf({ not: 'an array' }), ['expected a non-empty JSON array of organisations']);
    assert.deepEqual(problemsOf([]), ['expected a non-empty JSON array of organisations']);
    const problems = problemsOf([
      { id: 'a', name: 'A', locations: [{ mpnId: '12x', name: 'HQ' }], incentivesAdmins: [], reviewers: [], reviewer: [] },
      { id: 'a', type: 'customer', name: '', locations: [], incentivesAdmins: [3] },
      'text',
    ]);
    assert.deepEqual(problems, [
      '[0].reviewer is not a known field',
      '[0].locations[0].mpnId must be digits only, got "12x"',
      '[1].type must be "partner" when given',
      '[1].name must be a non-empty string',
      '[1].locations must be a non-empty array',
      '[1].incentivesAdmins[0] must be a non-empty string',
      '[1].reviewers must be an array',
      '[2] must be an object',
      '[1].id "a" appears twice',
    ]);
  });

  it('reports a file that is not JSON, naming the file', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'seed-')), 'broken.json');
    await writeFile(file, '[{ "id": ');
    await assert.rejects(readSeedFile(file), (e: unknown) => e instanceof SeedFileError && e.message.includes(file));
    assert.ok(DEFAULT_SEED_FILE.endsWith(path.join('storage', 'seed', 'partners.json')));
  });

  it('runs as `npm run seed <file>` against the Cosmos endpoint in the environment', async function () {
    this.timeout(60_000);
    const db = await freshCosmosDatabase();
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'seed-')), 'partners.json');
    await writeFile(file, JSON.stringify([{ id: 'tenant-cli', name: 'CLI Org', locations: [{ mpnId: '42', name: 'HQ' }], incentivesAdmins: ['u1'], reviewers: ['u2'] }]));
    const { cosmos } = standIns();
    const env = { ...process.env, COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: db.databaseId };
    // asynchronous on purpose: the stand-in serves from this very process
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join('storage', 'seedPartners.ts'), file], { env });
    assert.match(stdout, /seeded 1 partner organisation/);
    assert.equal(await new CosmosPartnerDirectory(db.container('partners')).isReviewer('tenant-cli', 'u2'), true);
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConcurrencyConflict, DomainError } from '../../claims/errors';
import type { PartnerOrganisation } from '../../claims/model';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import {
  DEFAULT_SEED_FILE,
  SeedFileError,
  parsePartnerOrganisations,
  readSeedFile,
  seedPartners,
} from '../../storage/seedPartners';
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

const OPERATOR = '00000000-0000-0000-0000-0000000000090';
const OPERATOR_REVIEWER = '00000000-0000-0000-0000-0000000000091';
const OTHER = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';

describe('CosmosPartnerDirectory and the partner seed', () => {
  let directory: CosmosPartnerDirectory;

  before(async () => {
    directory = new CosmosPartnerDirectory((await freshCosmosDatabase()).container('partners'), {
      operatorTenantId: OPERATOR,
    });
  });

  it('seeds the demo organisations: the Playground user owns and administers Contoso, the operator holds the only reviewer', async () => {
    const orgs = await readSeedFile();
    assert.equal(await seedPartners(directory, orgs), orgs.length);
    assert.equal(await seedPartners(directory, orgs), orgs.length); // seeding twice is harmless
    const contoso = await directory.get(CONTOSO);
    assert.ok(contoso);
    assert.equal(contoso.name, 'Contoso Partners (demo)');
    assert.equal(contoso.type, 'partner');
    assert.deepEqual(
      contoso.locations.map((l) => l.mpnId),
      ['1234567', '7654321'],
    );
    assert.deepEqual(contoso.incentivesAdmins, [PLAYGROUND_USER]);
    assert.deepEqual(contoso.owners, [PLAYGROUND_USER]);
    assert.deepEqual(contoso.reviewers, []);
    assert.equal('_etag' in contoso, false);
    const fabrikam = orgs.find((o) => o.name === 'Fabrikam Solutions (demo)');
    assert.ok(fabrikam && fabrikam.id !== CONTOSO);
    assert.equal((await directory.get(OPERATOR))?.type, 'operator');
    assert.equal(await directory.isReviewer(OPERATOR, OPERATOR_REVIEWER), true);
    assert.equal(await directory.isReviewer(CONTOSO, PLAYGROUND_USER), false, 'the demo admin is no reviewer');
    assert.equal(await directory.isReviewer(CONTOSO, OPERATOR_REVIEWER), false, 'only from the operator tenant');
    assert.equal(await directory.isReviewer(fabrikam.id, PLAYGROUND_USER), false);
    assert.equal(await directory.isReviewer('unknown-tenant', PLAYGROUND_USER), false);
    assert.equal(await directory.get('unknown-tenant'), undefined);
    // The import's role changes are in the audit trail, once: the second run changed nothing.
    assert.deepEqual(
      contoso.roleLog?.map((c) => [c.by, c.action, c.role, c.whom]),
      [
        ['seed', 'grant', 'owner', PLAYGROUND_USER],
        ['seed', 'grant', 'incentivesAdmin', PLAYGROUND_USER],
      ],
    );
  });

  it('counts reviewers only in the configured operator tenant, and reads an entry without a type as a partner', async () => {
    const listed = {
      id: OTHER,
      name: 'Org',
      locations: [{ mpnId: '1234567', name: 'HQ' }],
      incentivesAdmins: [],
      reviewers: ['r1'],
    } as unknown as PartnerOrganisation;
    await directory.upsert(listed);
    assert.equal((await directory.get(OTHER))?.type, 'partner');
    assert.equal(await directory.isReviewer(OTHER, 'r1'), false, 'a partner entry listing reviewers grants nothing');
    await directory.upsert({ ...listed, type: 'operator' });
    assert.equal(
      await directory.isReviewer(OTHER, 'r1'),
      false,
      'an operator entry under another tenant grants nothing',
    );
    const elsewhere = new CosmosPartnerDirectory((await freshCosmosDatabase()).container('partners'), {
      operatorTenantId: OTHER,
    });
    await elsewhere.upsert({ ...listed, type: 'operator' });
    assert.equal(await elsewhere.isReviewer(OTHER, 'r1'), true);
    await elsewhere.upsert({ ...listed, type: 'operator', reviewers: [] });
    assert.equal(await elsewhere.isReviewer(OTHER, 'r1'), false, 'upsert replaces: a removed reviewer stops being one');
  });

  it('replaces an entry only while it has the ETag that was read, and refuses a second entry for a tenant', async () => {
    const org: PartnerOrganisation = {
      id: 'bbbbbbbb-9dad-41d1-80b4-00c04fd430c8',
      type: 'partner',
      name: 'Org',
      locations: [],
      owners: ['o1'],
      incentivesAdmins: [],
      reviewers: [],
    };
    const created = await directory.create(org);
    await assert.rejects(
      directory.create(org),
      (e: unknown) => e instanceof DomainError && e.code === 'organisationExists',
    );
    await directory.replace({ ...org, viewers: ['v1'] }, created.etag);
    await assert.rejects(directory.replace({ ...org, viewers: ['v2'] }, created.etag), ConcurrencyConflict);
    assert.deepEqual((await directory.get(org.id))?.viewers, ['v1']);
    assert.ok((await directory.list()).some((o) => o.id === org.id));
  });

  it('names every problem in a bad seed file with its JSON path, by the same rules as onboarding', () => {
    assert.deepEqual(problemsOf({ not: 'an array' }), ['expected a non-empty JSON array of organisations']);
    assert.deepEqual(problemsOf([]), ['expected a non-empty JSON array of organisations']);
    const problems = problemsOf([
      {
        id: OTHER,
        name: 'A',
        locations: [{ mpnId: '12x', name: 'HQ' }],
        owners: ['not a person'],
        incentivesAdmins: [],
        reviewers: ['r1'],
        reviewer: [],
      },
      { id: OTHER, type: 'customer', name: '', locations: [], incentivesAdmins: [3] },
      'text',
      { id: OPERATOR, type: 'operator', name: 'Op', owners: [PLAYGROUND_USER], reviewers: [OPERATOR_REVIEWER] },
      { id: CONTOSO, type: 'operator', name: 'Op 2' },
    ]);
    assert.deepEqual(problems, [
      '[0].reviewer is not a known field',
      '[1].type must be "partner" or "operator" when given',
      '[1].name must be a non-empty string',
      '[1].incentivesAdmins[0] must be a non-empty string',
      '[2] must be an object',
      '[0].reviewers: this role does not exist in this type of organisation (reviewers and operator admins only in the operator; owners, incentives admins and viewers only in partners)',
      '[0].owners[0]: must be an AAD object id (GUID) or an email address',
      '[0].locations[0].mpnId: must be an MPN id (6 to 10 digits)',
      '[1].id "6ba7b810-9dad-41d1-80b4-00c04fd430c8" appears twice',
      '[1].name: must be a name of at most 200 characters',
      '[1].incentivesAdmins[0]: must be an AAD object id (GUID) or an email address',
      '[1].locations: a partner needs at least one MPN location',
      '[1].owners: a partner needs at least one owner',
      '[2].id: must be the tenant id (a GUID)',
      '[2].name: must be a name of at most 200 characters',
      '[2].locations: a partner needs at least one MPN location',
      '[2].owners: a partner needs at least one owner',
      '[3].owners: this role does not exist in this type of organisation (reviewers and operator admins only in the operator; owners, incentives admins and viewers only in partners)',
      'only one organisation may be the operator',
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
    const operator = 'cccccccc-9dad-41d1-80b4-00c04fd430c8';
    const reviewer = 'dddddddd-9dad-41d1-80b4-00c04fd430c8';
    await writeFile(
      file,
      JSON.stringify([
        { id: operator, type: 'operator', name: 'CLI Operator', reviewers: [reviewer], operatorAdmins: [reviewer] },
      ]),
    );
    const { cosmos } = standIns();
    const env = {
      ...process.env,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      COSMOS_DATABASE: db.databaseId,
    };
    // asynchronous on purpose: the stand-in serves from this very process
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join('storage', 'seedPartners.ts'), file],
      { env },
    );
    assert.match(stdout, /seeded 1 partner organisation/);
    assert.equal(
      await new CosmosPartnerDirectory(db.container('partners'), { operatorTenantId: operator }).isReviewer(
        operator,
        reviewer,
      ),
      true,
    );
  });
});

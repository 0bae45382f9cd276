import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AssociationConflict } from '../../claims/errors';
import { pendingReassociations } from '../../claims/legacyAssociations';
import { OutboxDispatcher } from '../../claims/outboxDispatcher';
import type { Clock } from '../../claims/ports';
import { Scheduler } from '../../claims/scheduler';
import { ClaimLifecycle } from '../../claims/lifecycle';
import { BusinessCalendar } from '../../claims/calendar';
import { CosmosAssociationStore } from '../../storage/associationStore';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { describeSummary, importLegacyAssociations, type LegacyImportPorts } from '../../storage/importLegacy';
import { locateJson } from '../../storage/jsonLines';
import { LegacyFileError, parseLegacyFile } from '../../storage/legacyFile';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import { CosmosReassociationNotices } from '../../storage/reassociationNotices';
import { ORG, OTHER_ORG } from '../support/botHarness';
import { freshCosmosDatabase, type TestDatabase } from '../support/cosmosTestDatabase';
import { standIns } from '../support/rootHooks';

const run = promisify(execFile);

const CUSTOMER = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OTHER_CUSTOMER = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';
const SUBSCRIPTION = 'cccccccc-dddd-4eee-8fff-000000000001';
const HEADER = 'partnerId,customerTenantId,customerDomain,productId,subscriptionId,subscriptionExpiresAt';

/** The problems a bad file is refused with. */
function problemsOf(text: string, source: string): string[] {
  try {
    parseLegacyFile(text, source);
  } catch (e) {
    assert.ok(e instanceof LegacyFileError, String(e));
    return e.problems;
  }
  return assert.fail('expected the file to be refused');
}

describe('legacy association import', () => {
  describe('reading the file', () => {
    it('reads CSV (names or ids of products, dates or instants) and numbers each record by its line', () => {
      const csv = [
        HEADER,
        `${ORG.id},${CUSTOMER},contoso.com,Dynamics 365 Sales,${SUBSCRIPTION.toUpperCase()},2027-01-31`,
        `${ORG.id},${CUSTOMER},"contoso.com",exchangeOnline,,`,
        '',
        `${ORG.id},${OTHER_CUSTOMER},,powerBI,,2027-02-01T12:00:00+09:00`,
      ].join('\r\n');
      const records = parseLegacyFile(csv, 'legacy.csv');
      assert.deepEqual(
        records.map((r) => r.line),
        [2, 3, 5],
      );
      assert.deepEqual(records[0]?.association, {
        partnerId: ORG.id,
        customerTenantId: CUSTOMER,
        customerDomain: 'contoso.com',
        productId: 'dynamics365Sales',
        subscriptionId: SUBSCRIPTION,
        subscriptionExpiresAt: '2027-02-01T00:00:00.000Z',
      });
      assert.equal(records[2]?.association.subscriptionExpiresAt, '2027-02-01T03:00:00.000Z');
    });

    it('reads a JSON array and finds the line of each element', () => {
      const json = `[\n  {"partnerId": "${ORG.id}", "customerTenantId": "${CUSTOMER}", "productId": "microsoftTeams"},\n\n  {\n    "partnerId": "${ORG.id}", "customerTenantId": "${OTHER_CUSTOMER}", "productId": "sharePointOnline", "customerDomain": "fabrikam.com"\n  }\n]`;
      assert.deepEqual(
        parseLegacyFile(json, 'legacy.json').map((r) => r.line),
        [2, 4],
      );
      assert.deepEqual(locateJson('[\n"a, [b]",\n{"x": "}\\""},\n3]'), { ok: true, elementLines: [2, 3, 4] });
      assert.deepEqual(locateJson('{"a": [1, 2,\n\n 3,]}'), { ok: false, line: 3, detail: 'unexpected "]"' });
    });

    it('refuses a bad CSV file with every problem and its line, all at once', () => {
      const csv = [
        `${HEADER},colour`,
        `not-a-guid,${CUSTOMER},contoso.com,exchangeOnline,,,`,
        `${ORG.id},${CUSTOMER},contoso.com,Dynamics 366 Sales,,2027-01-31,`,
        `${ORG.id},${CUSTOMER},contoso.com,dynamics365Finance,,,`,
        `${ORG.id},${CUSTOMER},contoso.com,exchangeOnline,${SUBSCRIPTION},,`,
        `${ORG.id},${OTHER_CUSTOMER},not a domain,powerBI,,2027-02-30,`,
        `${ORG.id},${OTHER_CUSTOMER},,microsoftTeams,,,`,
        `${ORG.id},${OTHER_CUSTOMER},,microsoftTeams,,,`,
        `${ORG.id},${OTHER_CUSTOMER}`,
      ].join('\n');
      const problems = problemsOf(csv, 'legacy.csv');
      const expected: [number, RegExp][] = [
        [1, /unknown column "colour"/],
        [2, /partnerId "not-a-guid" is not a GUID/],
        [3, /"Dynamics 366 Sales" is not a product/],
        [4, /subscriptionExpiresAt is required for Dynamics 365 Finance/],
        [5, /Exchange Online must be re-associated/],
        [6, /customerDomain "not a domain"/],
        [6, /"2027-02-30" is neither a date/],
        [8, /the same association as line 7/],
        [9, /2 fields where the header has 7/],
        [9, /productId is required/],
      ];
      for (const [line, pattern] of expected) {
        assert.ok(
          problems.some((p) => p.startsWith(`line ${line}: `) && pattern.test(p)),
          `line ${line} ${pattern}: ${problems.join(' | ')}`,
        );
      }
    });

    it('names the line of broken syntax and of a missing column', () => {
      assert.match(
        problemsOf(`${HEADER}\n${ORG.id},"open`, 'x.csv')[0] ?? '',
        /^line 2: a quoted field is never closed/,
      );
      assert.match(
        problemsOf('partnerId,productId\n', 'x.csv').join('|'),
        /line 1: the column customerTenantId is missing/,
      );
      assert.match(
        problemsOf('[\n  {"partnerId": "x"},\n  {"partnerId": }\n]', 'x.json')[0] ?? '',
        /^line 3: not valid JSON/,
      );
      assert.match(problemsOf('{"partnerId": "x"}', 'x.json')[0] ?? '', /^line 1: expected a JSON array/);
      assert.match(
        problemsOf(
          `[\n{"partnerId": "${ORG.id}", "customerTenantId": "${CUSTOMER}", "productId": "oneDrive", "extra": 1}\n]`,
          'x.json',
        ).join('|'),
        /line 2: unknown field "extra"/,
      );
      assert.deepEqual(problemsOf('[]', 'x.json'), ['the file holds no associations']);
    });
  });

  describe('importing', () => {
    let db: TestDatabase;
    let now: Date;
    const clock: Clock = { now: () => now };
    let associations: CosmosAssociationStore;
    let notices: CosmosReassociationNotices;
    let partners: CosmosPartnerDirectory;
    let ports: LegacyImportPorts;

    beforeEach(async () => {
      now = new Date('2026-12-01T00:00:00.000Z');
      db = await freshCosmosDatabase();
      partners = new CosmosPartnerDirectory(db.container('partners'), { operatorTenantId: '' });
      await partners.upsert(ORG);
      await partners.upsert(OTHER_ORG);
      associations = new CosmosAssociationStore(db.container('associations'), { clock });
      notices = new CosmosReassociationNotices(db.container('partners'), { clock });
      ports = { associations, notices, partners, clock };
    });

    const file = (...rows: string[]) => parseLegacyFile([HEADER, ...rows].join('\n'), 'legacy.csv');
    const subKey = `sub|${CUSTOMER}|${SUBSCRIPTION}`;

    it('holds a Dynamics 365 subscription against other partners until it expires, then a scheduler sweep lets it go', async () => {
      const summary = await importLegacyAssociations(
        file(`${ORG.id},${CUSTOMER},contoso.com,dynamics365Sales,${SUBSCRIPTION},2027-01-31`),
        ports,
      );
      assert.equal(summary.held, 1);
      const hold = await associations.holderOf(subKey);
      assert.deepEqual(
        { partnerId: hold?.partnerId, legacy: hold?.legacy, expiresAt: hold?.expiresAt },
        { partnerId: ORG.id, legacy: true, expiresAt: '2027-02-01T00:00:00.000Z' },
      );
      await assert.rejects(associations.acquire(OTHER_ORG.id, 'rival-claim', [subKey]), AssociationConflict);

      const claims = new CosmosClaimRepository(db.container('claims'));
      const calendar = new BusinessCalendar({ country: 'US', timeZone: 'UTC' });
      const lifecycle = new ClaimLifecycle({ claims, associations, partners, calendar, clock });
      const notifier = { deliver: async () => 'sent' as const };
      const dispatcher = new OutboxDispatcher({ claims, notifier, associations, clock });
      const scheduler = new Scheduler({ claims, associations, lifecycle, dispatcher, clock });
      now = new Date('2027-01-31T23:59:00.000Z');
      assert.equal((await scheduler.sweepOnce()).legacyReleased, 0, 'still valid on its last day');
      now = new Date('2027-02-01T00:00:00.000Z');
      assert.equal((await scheduler.sweepOnce()).legacyReleased, 1);
      assert.equal(await associations.holderOf(subKey), undefined);
      await associations.acquire(OTHER_ORG.id, 'rival-claim', [subKey]);
    });

    it('records Microsoft 365 customers for re-association instead of holding them, until a CPOR claim of the partner holds the workload', async () => {
      const summary = await importLegacyAssociations(
        file(
          `${ORG.id},${CUSTOMER},contoso.com,exchangeOnline,,`,
          `${ORG.id},${CUSTOMER},contoso.com,Microsoft Teams,,`,
          `${ORG.id},${OTHER_CUSTOMER},,oneDrive,,`,
        ),
        ports,
      );
      assert.deepEqual(summary.reassociate, { customers: 2, partners: 1 });
      assert.equal(summary.held, 0);
      assert.equal(
        await associations.holderOf(`m365|${CUSTOMER}|exchangeOnline`),
        undefined,
        'no hold: anyone may claim it',
      );
      const recorded = await notices.list(ORG.id);
      assert.deepEqual(
        recorded.find((c) => c.customerTenantId === CUSTOMER),
        { customerTenantId: CUSTOMER, customerDomain: 'contoso.com', productIds: ['exchangeOnline', 'microsoftTeams'] },
      );
      assert.deepEqual(await notices.list(OTHER_ORG.id), []);

      await associations.acquire(ORG.id, 'new-claim', [`m365|${CUSTOMER}|exchangeOnline`]);
      const pending = await pendingReassociations(ORG.id, recorded, (key) => associations.holderOf(key));
      assert.deepEqual(pending.find((c) => c.customerTenantId === CUSTOMER)?.productIds, ['microsoftTeams']);
      await associations.acquire(OTHER_ORG.id, 'their-claim', [`m365|${OTHER_CUSTOMER}|oneDrive`]);
      const stillPending = await pendingReassociations(ORG.id, recorded, (key) => associations.holderOf(key));
      assert.ok(
        stillPending.some((c) => c.customerTenantId === OTHER_CUSTOMER),
        "another partner's claim does not re-associate ours",
      );
    });

    it('is harmless to run twice: holds refreshed, customers merged once', async () => {
      const rows = [
        `${ORG.id},${CUSTOMER},contoso.com,powerBI,,2027-03-01`,
        `${ORG.id},${CUSTOMER},contoso.com,intune,,`,
      ];
      await importLegacyAssociations(file(...rows), ports);
      const again = await importLegacyAssociations(file(...rows), ports);
      assert.equal(again.held, 1);
      assert.deepEqual(await notices.list(ORG.id), [
        { customerTenantId: CUSTOMER, customerDomain: 'contoso.com', productIds: ['intune'] },
      ]);
    });

    it('skips a subscription that has already expired, and reports a key someone else holds by its line while importing the rest', async () => {
      await associations.acquire(OTHER_ORG.id, 'their-claim', [`sub|${OTHER_CUSTOMER}|dynamics365Finance`]);
      const summary = await importLegacyAssociations(
        file(
          `${ORG.id},${CUSTOMER},,dynamics365Sales,,2026-11-30`,
          `${ORG.id},${OTHER_CUSTOMER},,dynamics365Finance,,2027-05-01`,
          `${ORG.id},${OTHER_CUSTOMER},,powerBI,,2027-05-01`,
        ),
        ports,
      );
      assert.deepEqual(summary.expired, [2]);
      assert.deepEqual(summary.conflicts, [{ line: 3, key: `sub|${OTHER_CUSTOMER}|dynamics365Finance` }]);
      assert.equal(summary.held, 1);
      assert.equal(
        (await associations.holderOf(`sub|${OTHER_CUSTOMER}|dynamics365Finance`))?.partnerId,
        OTHER_ORG.id,
        'the CPOR claim keeps its key',
      );
      const text = describeSummary(summary);
      assert.match(text, /1 Dynamics 365 \/ Power BI association\(s\) held/);
      assert.match(text, /line 3: not imported/);
      assert.match(text, /already expired: line\(s\) 2/);
    });

    it('writes nothing when the file names a partner that is not registered', async () => {
      const stranger = '33333333-3333-4333-8333-333333333333';
      await assert.rejects(
        importLegacyAssociations(
          file(`${ORG.id},${CUSTOMER},,powerBI,,2027-05-01`, `${stranger},${CUSTOMER},,intune,,`),
          ports,
        ),
        (e: unknown) =>
          e instanceof LegacyFileError &&
          e.problems.length === 1 &&
          /^line 3: partner organisation 3333/.test(e.problems[0] ?? ''),
      );
      assert.equal(await associations.holderOf(`sub|${CUSTOMER}|powerBI`), undefined);
    });
  });

  describe('npm run import-legacy', () => {
    const script = path.resolve(__dirname, '../../storage/importLegacy.ts');
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');

    async function runScript(
      fileText: string,
      name: string,
      databaseId: string,
    ): Promise<{ code: number; stdout: string; stderr: string }> {
      const dir = await mkdtemp(path.join(tmpdir(), 'legacy-'));
      const file = path.join(dir, name);
      await writeFile(file, fileText);
      const { cosmos } = standIns();
      const env = {
        ...process.env,
        COSMOS_ENDPOINT: cosmos.endpoint,
        COSMOS_KEY: cosmos.key,
        COSMOS_DATABASE: databaseId,
      };
      try {
        const { stdout, stderr } = await run(tsx, [script, file], { env });
        return { code: 0, stdout, stderr };
      } catch (e) {
        const failed = e as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    }

    it('imports a file into the configured Cosmos DB and prints the summary', async () => {
      const db = await freshCosmosDatabase();
      await new CosmosPartnerDirectory(db.container('partners'), { operatorTenantId: '' }).upsert(ORG);
      const result = await runScript(
        `${HEADER}\n${ORG.id},${CUSTOMER},contoso.com,dynamics365Sales,${SUBSCRIPTION},2099-01-31\n${ORG.id},${CUSTOMER},contoso.com,exchangeOnline,,\n`,
        'legacy.csv',
        db.databaseId,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /1 Dynamics 365 \/ Power BI association\(s\) held/);
      assert.match(result.stdout, /1 Microsoft 365 customer\(s\) of 1 partner\(s\) to re-associate/);
      assert.equal(
        (await new CosmosAssociationStore(db.container('associations')).holderOf(subKeyOf(SUBSCRIPTION)))?.legacy,
        true,
      );
    });

    it('exits with 1 and the line-numbered problems for a bad file, writing nothing', async () => {
      const db = await freshCosmosDatabase();
      const result = await runScript(
        `[\n  {"partnerId": "${ORG.id}", "customerTenantId": "nope", "productId": "powerBI"}\n]`,
        'legacy.json',
        db.databaseId,
      );
      assert.equal(result.code, 1);
      assert.match(result.stderr, /line 2: customerTenantId "nope" is not a GUID/);
      assert.match(result.stderr, /line 2: subscriptionExpiresAt is required for Power BI/);
    });
  });
});

const subKeyOf = (subscription: string): string => `sub|${CUSTOMER}|${subscription}`;

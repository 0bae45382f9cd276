import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSeededTenantDirectory, SeededTenantDirectory, TenantSeedError } from '../../storage/tenantDirectory';

describe('SeededTenantDirectory', () => {
  it('knows the seeded demo domains, whatever their case or trailing dot, and nothing else', async () => {
    const directory = await loadSeededTenantDirectory();
    const contoso = await directory.tenantOfDomain('contoso.onmicrosoft.com');
    assert.match(contoso ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(
      await directory.tenantOfDomain('Contoso.COM.'),
      contoso,
      'a verified custom domain maps to the same tenant',
    );
    assert.notEqual(await directory.tenantOfDomain('fabrikam.com'), contoso);
    assert.equal(await directory.tenantOfDomain('unknown-customer.example'), undefined);
    assert.equal(await directory.tenantOfDomain('not a domain'), undefined);
  });

  it('refuses a seed file with a bad domain or tenant, naming each entry', async () => {
    assert.throws(
      () =>
        new SeededTenantDirectory({
          'good.com': 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
          'bad domain': 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
          'x.com': 'nope',
        }),
      (e: unknown) =>
        e instanceof TenantSeedError &&
        e.problems.length === 2 &&
        /bad domain/.test(e.message) &&
        /x\.com/.test(e.message),
    );
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tenants-')), 'tenants.json');
    writeFileSync(file, '["contoso.com"]');
    await assert.rejects(loadSeededTenantDirectory(file), TenantSeedError);
  });
});

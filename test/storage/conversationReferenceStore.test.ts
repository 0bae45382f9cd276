import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { StoredConversationReference } from '../../claims/ports';
import { CosmosConversationReferenceStore } from '../../storage/conversationReferenceStore';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';

function reference(overrides: Partial<StoredConversationReference> = {}): StoredConversationReference {
  return {
    tenantId: 'tenant-1',
    aadObjectId: randomUUID(),
    locale: 'ko-KR',
    reference: { conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/kr/', channelId: 'msteams' },
    updatedAt: '2025-03-03T09:00:00.000Z',
    dead: false,
    ...overrides,
  };
}

describe('CosmosConversationReferenceStore', () => {
  let store: CosmosConversationReferenceStore;

  before(async () => {
    store = new CosmosConversationReferenceStore((await freshCosmosDatabase()).container('conversationReferences'));
  });

  it('saves and reads back a reference within its tenant only', async () => {
    const ref = reference({ email: 'dana@contoso.com' });
    await store.save(ref);
    assert.deepEqual(await store.get('tenant-1', ref.aadObjectId), ref);
    assert.equal(await store.get('tenant-2', ref.aadObjectId), undefined);
  });

  it('overwrites on save, so the latest conversation wins', async () => {
    const ref = reference();
    await store.save(ref);
    await store.save({ ...ref, reference: { conversation: { id: 'a:2' } }, updatedAt: '2025-03-04T09:00:00.000Z' });
    assert.deepEqual((await store.get(ref.tenantId, ref.aadObjectId))?.reference, { conversation: { id: 'a:2' } });
  });

  it('finds a user by email across tenants, ignoring case and surrounding spaces', async () => {
    const email = `${randomUUID()}@Fabrikam.com`;
    const ref = reference({ tenantId: 'tenant-x', email: ` ${email} ` });
    await store.save(ref);
    const found = await store.findByEmail(email.toUpperCase());
    assert.equal(found?.aadObjectId, ref.aadObjectId);
    assert.equal(found?.email, email.toLowerCase());
    assert.equal(await store.findByEmail(`other-${email}`), undefined);
    assert.equal(await store.findByEmail('  '), undefined);
  });

  it('prefers the most recent live reference for an email', async () => {
    const email = `${randomUUID()}@contoso.com`;
    const older = reference({ tenantId: 'tenant-a', email, updatedAt: '2025-03-01T00:00:00.000Z' });
    const newer = reference({ tenantId: 'tenant-b', email, updatedAt: '2025-03-02T00:00:00.000Z' });
    await store.save(older);
    await store.save(newer);
    assert.equal((await store.findByEmail(email))?.aadObjectId, newer.aadObjectId);
    await store.markDead(newer.tenantId, newer.aadObjectId);
    assert.equal((await store.findByEmail(email))?.aadObjectId, older.aadObjectId);
    await store.markDead(older.tenantId, older.aadObjectId);
    assert.equal(await store.findByEmail(email), undefined);
  });

  it('looks within one tenant when given: a newer same-address reference elsewhere does not hide the one there', async () => {
    const email = `${randomUUID()}@contoso.com`;
    const contact = reference({ tenantId: 'tenant-contoso', email, updatedAt: '2025-03-01T00:00:00.000Z' });
    const older = reference({ tenantId: 'tenant-contoso', email, updatedAt: '2025-02-01T00:00:00.000Z' });
    const stranger = reference({
      tenantId: 'tenant-elsewhere',
      email: email.toUpperCase(),
      updatedAt: '2025-03-09T00:00:00.000Z',
    });
    for (const ref of [contact, older, stranger]) await store.save(ref);
    assert.equal(
      (await store.findByEmail(email))?.aadObjectId,
      stranger.aadObjectId,
      'without a tenant: the latest anywhere',
    );
    assert.equal((await store.findByEmail(email, 'tenant-contoso'))?.aadObjectId, contact.aadObjectId);
    assert.equal(
      (await store.findByEmail(` ${email.toUpperCase()}`, 'tenant-elsewhere'))?.aadObjectId,
      stranger.aadObjectId,
    );
    assert.equal(await store.findByEmail(email, 'tenant-nobody'), undefined);
    await store.markDead(contact.tenantId, contact.aadObjectId);
    assert.equal(
      (await store.findByEmail(email, 'tenant-contoso'))?.aadObjectId,
      older.aadObjectId,
      'the next live one in that tenant',
    );
    await store.markDead(older.tenantId, older.aadObjectId);
    assert.equal(await store.findByEmail(email, 'tenant-contoso'), undefined, "never the other tenant's");
  });

  it('marks a reference dead without touching the rest, and a new save revives it', async () => {
    const ref = reference({ email: `${randomUUID()}@contoso.com` });
    await store.save(ref);
    await store.markDead(ref.tenantId, ref.aadObjectId);
    assert.deepEqual(await store.get(ref.tenantId, ref.aadObjectId), { ...ref, dead: true });
    await store.save(ref);
    assert.equal((await store.get(ref.tenantId, ref.aadObjectId))?.dead, false);
    await store.markDead('tenant-1', 'nobody'); // unknown user: nothing to do, no error
  });

  it('treats an email that looks like query syntax as plain data', async () => {
    await store.save(reference({ email: 'x@contoso.com' }));
    assert.equal(await store.findByEmail("x@contoso.com' OR '1'='1"), undefined);
  });
});

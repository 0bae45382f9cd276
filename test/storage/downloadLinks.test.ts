import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { DomainError } from '../../claims/errors';
import type { Clock } from '../../claims/ports';
import { connectBlobStorage, BlobOptionsError } from '../../storage/blobConnection';
import type { BlobReadSigner } from '../../storage/blobSas';
import { BlobDownloadLinks, GENERATED_PREFIX } from '../../storage/downloadLinks';
import { standIns } from '../support/rootHooks';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const PARTNER = '00000000-0000-0000-0000-0000000000001';
const document = (overrides: Partial<{ partnerId: string; fileName: string }> = {}) => ({
  partnerId: PARTNER,
  fileName: 'poe-template-claim-1.docx',
  contentType: DOCX,
  bytes: Buffer.from('PK\u0003\u0004 not really a docx'),
  ...overrides,
});

describe('BlobDownloadLinks', () => {
  let service: BlobServiceClient;
  let signer: BlobReadSigner;
  let container: ContainerClient;

  before(async () => {
    ({ service, signer } = connectBlobStorage({ connectionString: standIns().azurite.connectionString }));
    container = service.getContainerClient(`poe-${randomUUID()}`);
    await container.create();
  });

  it('publishes the bytes under generated/<partner>/ and the link downloads them as an attachment', async () => {
    const links = new BlobDownloadLinks({ container, signer });
    const url = await links.publish(document(), 300);
    const blobPath = decodeURIComponent(new URL(url).pathname);
    assert.match(blobPath, new RegExp(`/${container.containerName}/${GENERATED_PREFIX}/${PARTNER}/[0-9a-f-]{36}$`));
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), DOCX);
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename="poe-template-claim-1.docx"');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), document().bytes);
  });

  it('gives each publication its own blob, readable only with its own link', async () => {
    const links = new BlobDownloadLinks({ container, signer });
    const first = new URL(await links.publish(document(), 300));
    const second = new URL(await links.publish(document(), 300));
    assert.notEqual(first.pathname, second.pathname);
    assert.equal(
      (await fetch(`${first.origin}${first.pathname}`)).status >= 400,
      true,
      'no link, no read: the container is private',
    );
    assert.equal(
      (await fetch(`${first.origin}${second.pathname}${first.search}`)).status,
      403,
      'one link does not open another blob',
    );
  });

  it('stops working when it expires', async () => {
    const anHourAgo: Clock = { now: () => new Date(Date.now() - 3600_000) };
    const links = new BlobDownloadLinks({ container, signer, clock: anHourAgo });
    const url = await links.publish(document(), 60);
    assert.equal((await fetch(url)).status, 403);
  });

  it('refuses names that could escape the prefix, and lifetimes outside 1 second to 1 day', async () => {
    const links = new BlobDownloadLinks({ container, signer });
    const invalidName = (e: unknown) => e instanceof DomainError && e.code === 'invalidDocumentName';
    await assert.rejects(links.publish(document({ partnerId: '../other' }), 60), invalidName);
    await assert.rejects(links.publish(document({ fileName: 'a"; evil.docx' }), 60), invalidName);
    await assert.rejects(links.publish(document({ fileName: '계약서.docx' }), 60), invalidName);
    await assert.rejects(links.publish(document(), 0), RangeError);
    await assert.rejects(links.publish(document(), 24 * 3600 + 1), RangeError);
  });

  it('refuses a signer for another account', () => {
    assert.throws(
      () =>
        new BlobDownloadLinks({
          container,
          signer: { ...signer, accountName: 'elsewhere', readQuery: signer.readQuery },
        }),
      (e: unknown) => e instanceof BlobOptionsError && e.code === 'blobSignerInvalid',
    );
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { connectBlobStorage } from '../../storage/blobConnection';
import { StoredEvidenceReader } from '../../documents/evidenceReader';
import { BlobEvidenceStore } from '../../storage/poeStore';
import { DEMO_ADMIN, DEMO_PARTNER } from '../support/claimFactory';
import { streamOf } from '../support/evidenceSamples';
import { textPdf } from '../support/poeDocuments';
import { pngOf, textImage } from '../support/textImage';
import { standIns } from '../support/rootHooks';

describe('StoredEvidenceReader: a stored PoE read back from Blob storage', function () {
  this.timeout(60_000);
  let container: ContainerClient;
  let store: BlobEvidenceStore;

  before(async () => {
    const { service, signer } = connectBlobStorage({ connectionString: standIns().azurite.connectionString });
    container = service.getContainerClient(`poe-text-${randomUUID().slice(0, 8)}`);
    store = new BlobEvidenceStore({ container, signer });
    await store.ensureContainer();
  });

  const put = (bytes: Buffer, fileName = 'SOW.pdf') =>
    store.put({
      partnerId: DEMO_PARTNER,
      claimId: randomUUID(),
      poeId: randomUUID(),
      fileName,
      content: streamOf(bytes, 1000),
      uploadedBy: DEMO_ADMIN,
    });

  it('reads the text of the stored file', async () => {
    const file = await put(textPdf([{ lines: ['Signed by Chris Customer 2026-11-15'] }]));
    const text = await new StoredEvidenceReader({ evidence: store, maxBytes: store.maxBytes }).textOf(file);
    assert.equal(text.status === 'read' && text.text.trim(), 'Signed by Chris Customer 2026-11-15');
  });

  it('reads a stored photo by OCR when the deployment has it on, and leaves it to the reviewer when off', async () => {
    const file = await put(pngOf(textImage(['Signed by Chris Customer 2026-11-15'], { width: 1200 })), 'scan.png');
    assert.equal(file.kind, 'png');
    const withOcr = await new StoredEvidenceReader({ evidence: store, maxBytes: store.maxBytes, ocr: true }).textOf(
      file,
      { locale: 'ko-KR' },
    );
    assert.equal(withOcr.status === 'read' && withOcr.text.trim(), 'Signed by Chris Customer 2026-11-15');
    assert.deepEqual(await new StoredEvidenceReader({ evidence: store, maxBytes: store.maxBytes }).textOf(file), {
      status: 'unreadable',
      why: 'image',
    });
  });

  it('refuses a blob holding more than its record says, and a record over the limit', async () => {
    const file = await put(textPdf([{ lines: ['Signed by Chris Customer 2026-11-15'] }]));
    assert.deepEqual(
      await new StoredEvidenceReader({ evidence: store, maxBytes: store.maxBytes }).textOf({
        ...file,
        sizeBytes: file.sizeBytes - 10,
      }),
      { status: 'unreadable', why: 'tooLarge' },
    );
    assert.deepEqual(await new StoredEvidenceReader({ evidence: store, maxBytes: 100 }).textOf(file), {
      status: 'unreadable',
      why: 'tooLarge',
    });
  });
});

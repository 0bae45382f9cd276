import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ContainerClient,
  newPipeline,
  type BlobServiceClient,
  type RequestPolicy,
  type RequestPolicyFactory,
  type StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { DomainError, EvidenceRejected } from '../../claims/errors';
import type { PoeFile } from '../../claims/model';
import type { Clock, EvidenceUpload } from '../../claims/ports';
import { connectBlobStorage, type BlobOptionsError } from '../../storage/blobConnection';
import type { BlobReadSigner } from '../../storage/blobSas';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { BlobEvidenceStore, DEFAULT_POE_MAX_BYTES } from '../../storage/poeStore';
import { DEMO_ADMIN, DEMO_PARTNER, buildClaim } from '../support/claimFactory';
import type { Claim } from '../../claims/model';
import { freshCosmosDatabase } from '../support/cosmosTestDatabase';
import {
  CLASS_IDS,
  PNG_1X1,
  SHARING_PAGE_HTML,
  compoundFile,
  officeOpenXml,
  pdfLike,
  streamOf,
  windowsExecutable,
} from '../support/evidenceSamples';
import { standIns } from '../support/rootHooks';

const MAX_BYTES = 2 * 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function uploadOf(content: Buffer | Readable, overrides: Partial<EvidenceUpload> = {}): EvidenceUpload {
  return {
    partnerId: DEMO_PARTNER,
    claimId: randomUUID(),
    poeId: randomUUID(),
    fileName: 'SOW.pdf',
    content: Buffer.isBuffer(content) ? streamOf(content) : content,
    uploadedBy: DEMO_ADMIN,
    ...overrides,
  };
}

/** Emits `goodBytes` of a PDF, then fails the way a dropped download does. */
function failingMidway(goodBytes: number): Readable {
  const bytes = pdfLike(goodBytes);
  return Readable.from(
    (async function* () {
      yield bytes.subarray(0, goodBytes / 2);
      yield bytes.subarray(goodBytes / 2);
      throw new Error('connection reset by peer');
    })(),
  );
}

async function rejection(promise: Promise<unknown>): Promise<EvidenceRejected> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof EvidenceRejected, `expected EvidenceRejected, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the upload to be refused');
}

describe('BlobEvidenceStore', function () {
  const containerName = `poe-${randomUUID()}`;
  let service: BlobServiceClient;
  let signer: BlobReadSigner;
  let store: BlobEvidenceStore;

  async function blobsOfClaim(claimId: string): Promise<string[]> {
    const names: string[] = [];
    for await (const blob of service
      .getContainerClient(containerName)
      .listBlobsFlat({ prefix: `${DEMO_PARTNER}/${claimId}/` }))
      names.push(blob.name);
    return names;
  }

  async function download(url: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
    const response = await fetch(url);
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
  }

  function storeWith(
    options: { clock?: Clock; maxBytes?: number; container?: ContainerClient } = {},
  ): BlobEvidenceStore {
    return options.container
      ? new BlobEvidenceStore({ container: options.container, signer, ...options })
      : new BlobEvidenceStore({ service, containerName, signer, maxBytes: MAX_BYTES, ...options });
  }

  before(async () => {
    ({ service, signer } = connectBlobStorage({ connectionString: standIns().azurite.connectionString }));
    store = storeWith();
    await store.ensureContainer();
  });

  describe('container', () => {
    it('is created private, and ensureContainer can run again', async () => {
      await store.ensureContainer();
      const properties = await service.getContainerClient(containerName).getProperties();
      assert.equal(properties.blobPublicAccess, undefined);
    });

    it('refuses to use a container that allows anonymous reads', async () => {
      const publicName = `poe-public-${randomUUID().slice(0, 8)}`;
      await service.getContainerClient(publicName).create({ access: 'blob' });
      const publicStore = new BlobEvidenceStore({ service, containerName: publicName, signer });
      await assert.rejects(
        publicStore.ensureContainer(),
        (e: BlobOptionsError) => e.code === 'blobContainerPublic' && e.option === 'containerName',
      );
    });

    it('does not serve a stored file to an anonymous request', async () => {
      const file = await store.put(uploadOf(pdfLike(4096)));
      const anonymous = await download(service.getContainerClient(containerName).getBlockBlobClient(file.blobName).url);
      assert.ok([401, 403, 404].includes(anonymous.status), `anonymous GET answered ${anonymous.status}`);
      assert.ok(!anonymous.body.includes(Buffer.from('%PDF-')));
    });
  });

  describe('put', () => {
    it('streams a 1 MB file in and back out through a read link, bytes and SHA-256 intact', async () => {
      const bytes = pdfLike(1024 * 1024 + 17);
      const upload = uploadOf(streamOf(bytes, 60_000));
      const file = await store.put(upload);
      assert.deepEqual(
        {
          kind: file.kind,
          contentType: file.contentType,
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          id: file.id,
          uploadedBy: file.uploadedBy,
        },
        {
          kind: 'pdf',
          contentType: 'application/pdf',
          sizeBytes: bytes.length,
          sha256: sha256(bytes),
          id: upload.poeId,
          uploadedBy: DEMO_ADMIN,
        },
      );
      assert.equal(file.blobName, `${DEMO_PARTNER}/${upload.claimId}/${upload.poeId}`);
      const fetched = await download(await store.readUrl(file));
      assert.equal(fetched.status, 200);
      assert.equal(sha256(fetched.body), sha256(bytes));
      assert.ok(fetched.body.equals(bytes));
    });

    it('stores the verified content type and the hash with the blob, never the user file name', async () => {
      const bytes = await officeOpenXml('docx');
      const file = await store.put(
        uploadOf(bytes, { fileName: 'C:\\fakepath\\Signed SOW.docx', declaredType: 'application/octet-stream' }),
      );
      const properties = await service
        .getContainerClient(containerName)
        .getBlockBlobClient(file.blobName)
        .getProperties();
      assert.equal(properties.contentType, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      assert.equal(properties.metadata?.sha256, sha256(bytes));
      assert.equal(properties.metadata?.poeid, file.id);
      assert.equal(file.fileName, 'Signed SOW.docx');
      assert.ok(!file.blobName.includes('SOW'));
    });

    it('takes a file spanning several 4 MiB blocks, up to the default 25 MiB limit', async () => {
      const roomy = storeWith({ maxBytes: undefined });
      assert.equal(roomy.maxBytes, DEFAULT_POE_MAX_BYTES);
      const bytes = pdfLike(9 * 1024 * 1024 + 5);
      const file = await roomy.put(uploadOf(bytes));
      assert.equal(file.sha256, sha256(bytes));
      const stored = await service
        .getContainerClient(containerName)
        .getBlockBlobClient(file.blobName)
        .downloadToBuffer();
      assert.ok(stored.equals(bytes));
    });

    it('takes a legacy Word file whose directory lies past the sniffed prefix', async () => {
      const doc = compoundFile({ names: ['WordDocument'], rootClassId: CLASS_IDS.word, sectorsBeforeDirectory: 200 });
      const file = await store.put(uploadOf(doc, { fileName: 'Contract.doc' }));
      assert.equal(file.kind, 'doc');
      assert.equal(file.contentType, 'application/msword');
    });

    it('accepts exactly maxBytes and refuses one byte more, storing nothing', async () => {
      const fits = await store.put(uploadOf(pdfLike(MAX_BYTES)));
      assert.equal(fits.sizeBytes, MAX_BYTES);
      const upload = uploadOf(pdfLike(MAX_BYTES + 1));
      assert.equal((await rejection(store.put(upload))).code, 'poeTooLarge');
      assert.deepEqual(await blobsOfClaim(upload.claimId), []);
      assert.ok(upload.content.destroyed, 'the source is released');
    });

    it('refuses an executable renamed .pdf and a PNG named .docx as mismatches, storing nothing', async () => {
      const exe = uploadOf(Buffer.concat([windowsExecutable(), Buffer.alloc(100_000)]), { fileName: 'SOW.pdf' });
      const png = uploadOf(PNG_1X1, { fileName: 'SOW.docx' });
      for (const upload of [exe, png]) {
        assert.equal((await rejection(store.put(upload))).code, 'poeTypeMismatch');
        assert.deepEqual(await blobsOfClaim(upload.claimId), []);
      }
    });

    it('refuses the HTML page Teams mobile sometimes sends in place of the PDF', async () => {
      const upload = uploadOf(SHARING_PAGE_HTML, { fileName: 'SOW.pdf', declaredType: 'text/html' });
      const refused = await rejection(store.put(upload));
      assert.equal(refused.code, 'poeTypeMismatch');
      assert.match(refused.message, /html/);
      assert.deepEqual(await blobsOfClaim(upload.claimId), []);
    });

    it('refuses content it does not accept when nothing was declared, and empty files', async () => {
      const text = uploadOf(Buffer.from('meeting notes\n'), { fileName: 'notes' });
      assert.equal((await rejection(store.put(text))).code, 'poeTypeNotAllowed');
      const empty = uploadOf(Buffer.alloc(0));
      assert.equal((await rejection(store.put(empty))).code, 'poeEmpty');
      assert.deepEqual([...(await blobsOfClaim(text.claimId)), ...(await blobsOfClaim(empty.claimId))], []);
    });

    it('leaves no blob when the source fails midway', async () => {
      const upload = uploadOf(failingMidway(300_000));
      const refused = await rejection(store.put(upload));
      assert.equal(refused.code, 'poeUploadFailed');
      assert.deepEqual(await blobsOfClaim(upload.claimId), []);
      assert.equal(await store.exists(`${DEMO_PARTNER}/${upload.claimId}/${upload.poeId}`), false);
    });

    it('never overwrites: the same ids again are refused and the first file stays as it was', async () => {
      const first = pdfLike(50_000);
      const upload = uploadOf(first);
      const stored = await store.put(upload);
      const again = uploadOf(pdfLike(60_000), { claimId: upload.claimId, poeId: upload.poeId });
      assert.equal((await rejection(store.put(again))).code, 'poeUploadFailed');
      const blob = service.getContainerClient(containerName).getBlockBlobClient(stored.blobName);
      assert.ok((await blob.downloadToBuffer()).equals(first));
      assert.equal((await blob.getProperties()).metadata?.sha256, sha256(first));
    });

    it('refuses the later of two uploads that both found the name free: only the commit can decide', async () => {
      const ids = { claimId: randomUUID(), poeId: randomUUID() };
      const [first, second] = [pdfLike(300_000), pdfLike(300_000)];
      // Streams start only after the existence check, so once both started, both passed it.
      // The second then stages its blocks after the first committed (a commit discards
      // other uncommitted blocks, which would refuse it for another reason).
      let bothChecked = (): void => undefined;
      let firstStored = (): void => undefined;
      const checked = new Promise<void>((resolve) => (bothChecked = resolve));
      const stored = new Promise<void>((resolve) => (firstStored = resolve));
      let started = 0;
      const gated = (content: Buffer, gate: Promise<void>) =>
        Readable.from(
          (async function* () {
            if (++started === 2) bothChecked();
            await gate;
            yield content;
          })(),
        );
      const winner = store.put(uploadOf(gated(first, checked), ids));
      const loser = store.put(uploadOf(gated(second, stored), ids));
      const file = await winner;
      firstStored();
      const refused = await rejection(loser);
      assert.equal(refused.code, 'poeUploadFailed');
      assert.match(refused.message, /already stored/);
      const kept = await service.getContainerClient(containerName).getBlockBlobClient(file.blobName).downloadToBuffer();
      assert.ok(kept.equals(first));
    });

    it('deletes its own blob when the answer to the commit is lost', async () => {
      const { azurite } = standIns();
      const credential = service.credential as StorageSharedKeyCredential;
      const pipeline = newPipeline(credential, { retryOptions: { maxTries: 1 } });
      pipeline.factories.unshift(losingCommitAnswers());
      const flaky = new ContainerClient(`${azurite.blobEndpoint}/${containerName}`, pipeline);
      const upload = uploadOf(pdfLike(10_000));
      assert.equal((await rejection(storeWith({ container: flaky }).put(upload))).code, 'poeUploadFailed');
      assert.deepEqual(await blobsOfClaim(upload.claimId), []);
    });

    it('says the upload failed when storage cannot be reached, and releases the source', async () => {
      const pipeline = newPipeline(service.credential as StorageSharedKeyCredential, { retryOptions: { maxTries: 1 } });
      const unreachable = new ContainerClient(`http://127.0.0.1:9/${service.accountName}/${containerName}`, pipeline);
      const upload = uploadOf(pdfLike(1000));
      const refused = await rejection(storeWith({ container: unreachable }).put(upload));
      assert.equal(refused.code, 'poeUploadFailed');
      assert.ok(upload.content.destroyed);
    });

    it('refuses ids that could escape their folder, before touching storage', async () => {
      for (const ids of [{ claimId: '../other' }, { poeId: 'a/b' }, { partnerId: '' }]) {
        await assert.rejects(
          store.put(uploadOf(pdfLike(100), ids)),
          (e: DomainError) => e.code === 'invalidEvidenceId',
        );
      }
    });
  });

  describe('readUrl', () => {
    let file: PoeFile;
    before(async () => {
      file = await store.put(uploadOf(pdfLike(2048), { fileName: '계약서 v2' }));
    });

    it('downloads as an attachment named after the file, with the extension its content has', async () => {
      const fetched = await download(await store.readUrl(file));
      assert.equal(fetched.headers.get('content-type'), 'application/pdf');
      assert.equal(
        fetched.headers.get('content-disposition'),
        `attachment; filename="___ v2.pdf"; filename*=UTF-8''%EA%B3%84%EC%95%BD%EC%84%9C%20v2.pdf`,
      );
    });

    it('is refused once expired', async () => {
      const pastClock: Clock = { now: () => new Date(Date.now() - 3600_000) };
      const expired = await storeWith({ clock: pastClock }).readUrl(file, 300);
      assert.equal((await download(expired)).status, 403);
    });

    it('grants reading only: a PUT with it is refused and the file is unchanged', async () => {
      const url = await store.readUrl(file);
      const put = await fetch(url, { method: 'PUT', body: 'replaced', headers: { 'x-ms-blob-type': 'BlockBlob' } });
      assert.equal(put.status, 403);
      const del = await fetch(url, { method: 'DELETE' });
      assert.equal(del.status, 403);
      assert.equal(sha256((await download(url)).body), file.sha256);
    });

    it('grants nothing on a neighbouring blob', async () => {
      const other = await store.put(uploadOf(pdfLike(1000)));
      const url = new URL(await store.readUrl(file));
      const neighbour = `${service.getContainerClient(containerName).getBlockBlobClient(other.blobName).url}${url.search}`;
      assert.equal((await download(neighbour)).status, 403);
    });

    it('refuses lifetimes outside 1 second to 1 day, and records that do not name our blobs', async () => {
      await assert.rejects(store.readUrl(file, 0), RangeError);
      await assert.rejects(store.readUrl(file, 86_401), RangeError);
      await assert.rejects(
        store.readUrl({ ...file, blobName: `${DEMO_PARTNER}/x/../y` }),
        (e: DomainError) => e.code === 'invalidEvidenceId',
      );
      await assert.rejects(
        store.readUrl({ ...file, id: 'another' }),
        (e: DomainError) => e.code === 'invalidEvidenceId',
      );
    });
  });

  describe('remove', () => {
    it("deletes a draft's file", async () => {
      const claim = buildClaim();
      const file = await store.put(uploadOf(pdfLike(1000), { claimId: claim.id }));
      await store.remove(claim, file.id);
      assert.equal(await store.exists(file.blobName), false);
    });

    it('is refused once the claim is submitted, and the file stays', async () => {
      const claim = buildClaim({ status: 'submitted' });
      const file = await store.put(uploadOf(pdfLike(1000), { claimId: claim.id }));
      assert.equal((await rejection(store.remove(claim, file.id))).code, 'poeLocked');
      assert.equal(await store.exists(file.blobName), true);
    });
  });

  describe('discardUnrecorded', () => {
    let claims: CosmosClaimRepository;
    let guarded: BlobEvidenceStore;

    before(async () => {
      claims = new CosmosClaimRepository((await freshCosmosDatabase()).container('claims'));
      guarded = new BlobEvidenceStore({ service, containerName, signer, maxBytes: MAX_BYTES, claims });
    });

    it('deletes a file the claim never recorded, at any status, and again without complaint', async () => {
      const recorded = await store.put(uploadOf(pdfLike(1000)));
      const claim = (await claims.create(buildClaim({ status: 'rejected', poe: [recorded] }))).value;
      const stray = await store.put(uploadOf(pdfLike(1000), { claimId: claim.id }));
      await guarded.discardUnrecorded(claim.partnerId, claim.id, stray.id);
      assert.equal(await store.exists(stray.blobName), false);
      await guarded.discardUnrecorded(claim.partnerId, claim.id, stray.id);
    });

    it('is refused for a file the claim records, read from the store rather than taken on trust, and the file stays', async () => {
      const claim = (await claims.create(buildClaim({ status: 'rejected' }))).value;
      const file = await store.put(uploadOf(pdfLike(1000), { claimId: claim.id }));
      const { etag } = (await claims.get(claim.partnerId, claim.id)) ?? assert.fail('claim stored');
      await claims.replace({ ...claim, status: 'dispute', poe: [file] }, etag);
      assert.equal((await rejection(guarded.discardUnrecorded(claim.partnerId, claim.id, file.id))).code, 'poeLocked');
      assert.deepEqual(await blobsOfClaim(claim.id), [file.blobName]);
    });

    it('is refused by a store that cannot read claims, and the file stays', async () => {
      const file = await store.put(uploadOf(pdfLike(1000)));
      const [, claimId = ''] = file.blobName.split('/');
      assert.equal((await rejection(store.discardUnrecorded(DEMO_PARTNER, claimId, file.id))).code, 'poeLocked');
      assert.equal(await store.exists(file.blobName), true);
    });
  });

  describe("removeUnrecorded (the scheduler's sweep)", () => {
    /** A store on a container of its own with one file its claim (in `status`) records, and the container's blob names. */
    async function sweptWithRecorded(status: Claim['status']) {
      const ownContainer = `poe-${randomUUID()}`;
      const claims = new CosmosClaimRepository((await freshCosmosDatabase()).container('claims'));
      const swept = new BlobEvidenceStore({ service, containerName: ownContainer, signer, claims });
      await swept.ensureContainer();
      const recorded = await swept.put(uploadOf(pdfLike(1000)));
      const [, claimId = ''] = recorded.blobName.split('/');
      await claims.create(buildClaim({ id: claimId, status, poe: [recorded] }));
      const names = async () => {
        const found: string[] = [];
        for await (const blob of service.getContainerClient(ownContainer).listBlobsFlat()) found.push(blob.name);
        return found.sort();
      };
      return { ownContainer, swept, recorded, claimId, names };
    }

    it('deletes files older than the grace that no claim records, keeps recorded ones, younger ones and generated documents', async () => {
      const { ownContainer, swept, recorded, claimId, names } = await sweptWithRecorded('submitted');
      const stray = await swept.put(uploadOf(pdfLike(1000), { claimId }));
      const orphan = await swept.put(uploadOf(pdfLike(1000), { claimId: randomUUID() }));
      const generated = service
        .getContainerClient(ownContainer)
        .getBlockBlobClient(`generated/${DEMO_PARTNER}/${randomUUID()}/template.docx`);
      await generated.upload('docx', 4);
      const all = await names();
      // Within the grace period (files newer than the cut-off), nothing goes.
      assert.equal(await swept.removeUnrecorded(new Date(Date.now() - 3_600_000)), 0);
      assert.deepEqual(await names(), all);
      assert.equal(await swept.removeUnrecorded(new Date(Date.now() + 60_000)), 2);
      assert.deepEqual(await names(), [recorded.blobName, generated.name].sort());
      assert.ok(!(await names()).includes(stray.blobName) && !(await names()).includes(orphan.blobName));
      assert.equal(await swept.removeUnrecorded(new Date(Date.now() + 60_000)), 0, 'again: nothing left to remove');
    });

    it('deletes a file whose claim does not exist (a statement of work of a flow given up on) after its own, shorter grace', async () => {
      const { swept, recorded, claimId, names } = await sweptWithRecorded('rejected');
      // A dispute's file: its claim exists and does not record it yet.
      const disputed = await swept.put(uploadOf(pdfLike(1000), { claimId }));
      // Stored under the id a draft would have got, had the partner gone on.
      const beforeDraft = await swept.put(uploadOf(pdfLike(1000), { claimId: randomUUID() }));
      const withinGrace = new Date(Date.now() - 3_600_000);
      const pastClaimlessGrace = new Date(Date.now() + 60_000);
      assert.equal(await swept.removeUnrecorded(withinGrace, pastClaimlessGrace), 1);
      assert.deepEqual(await names(), [recorded.blobName, disputed.blobName].sort());
      assert.ok(!(await names()).includes(beforeDraft.blobName));
    });

    it('is refused by a store that cannot read claims', async () => {
      assert.equal((await rejection(store.removeUnrecorded(new Date()))).code, 'poeLocked');
    });
  });

  describe('options', () => {
    it('fail fast, naming the option', () => {
      const cases: [() => unknown, string, string][] = [
        [() => new BlobEvidenceStore({ signer }), 'blobContainerMissing', 'container'],
        [
          () => new BlobEvidenceStore({ service, containerName: 'Bad_Name', signer }),
          'blobContainerInvalid',
          'containerName',
        ],
        [
          () => new BlobEvidenceStore({ service, containerName, signer, maxBytes: 0 }),
          'poeMaxBytesInvalid',
          'maxBytes',
        ],
        [
          () => new BlobEvidenceStore({ service, containerName, signer, maxBytes: 1.5 }),
          'poeMaxBytesInvalid',
          'maxBytes',
        ],
        [
          () =>
            new BlobEvidenceStore({
              service,
              containerName,
              signer: { ...signer, accountName: 'elsewhere', readQuery: signer.readQuery },
            }),
          'blobSignerInvalid',
          'signer',
        ],
        [() => new BlobEvidenceStore({ service, containerName } as never), 'blobSignerInvalid', 'signer'],
      ];
      for (const [build, code, option] of cases) {
        assert.throws(build, (e: BlobOptionsError) => e.code === code && e.option === option, code);
      }
    });
  });
});

/** Lets a block-list commit reach storage, then loses its answer, as a dropped connection would. */
function losingCommitAnswers(): RequestPolicyFactory {
  return {
    create: (next: RequestPolicy): RequestPolicy => ({
      async sendRequest(request) {
        const response = await next.sendRequest(request);
        if (request.method === 'PUT' && new URL(request.url).searchParams.get('comp') === 'blocklist') {
          throw new Error('socket hang up after commit');
        }
        return response;
      },
    }),
  };
}

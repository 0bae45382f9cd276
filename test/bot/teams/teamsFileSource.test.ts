import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { EvidenceRejected } from '../../../claims/errors';
import { TeamsFileSource } from '../../../bot/teams/teamsFileSource';
import { connectBlobStorage } from '../../../storage/blobConnection';
import { BlobEvidenceStore } from '../../../storage/poeStore';
import { minimalPdf, pdfLike, SHARING_PAGE_HTML } from '../../support/evidenceSamples';
import { standIns } from '../../support/rootHooks';

const BIG = pdfLike(3 * 1024 * 1024 + 17);
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A loopback file server like the one the Playground tests inject attachments from. */
interface FileServer {
  url: string;
  requests: string[];
  server: Server;
}

function startFileServer(): Promise<FileServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push(path);
    // writeHead is not chained: instrumentation loaded by other test files may patch it to return nothing.
    const answer = (status: number, headers: Record<string, string | number>, body?: Buffer) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    const send = (type: string, body: Buffer) =>
      answer(200, { 'content-type': type, 'content-length': body.length }, body);
    if (path === '/sow.pdf') return send('application/pdf', BIG);
    if (path === '/generic') return send('application/octet-stream', minimalPdf());
    if (path === '/share') return send('text/html; charset=utf-8', SHARING_PAGE_HTML);
    if (path === '/hop') return answer(302, { location: '/sow.pdf' });
    if (path === '/away') return answer(302, { location: 'http://files.example.com/sow.pdf' });
    if (path === '/loop') return answer(307, { location: '/loop' });
    if (path === '/huge') return answer(200, { 'content-type': 'application/pdf', 'content-length': 500_000_000 });
    answer(404, {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server }),
    ),
  );
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const refusedWith = (code: string) => (e: unknown) => e instanceof EvidenceRejected && e.code === code;

describe('TeamsFileSource', () => {
  let files: FileServer;
  const local = new TeamsFileSource({ allowLoopbackHttp: true, maxBytes: 25 * 1024 * 1024 });
  // Every URL these tests give it is refused before any name is resolved.
  const azure = new TeamsFileSource({
    allowLoopbackHttp: false,
    resolve: () => Promise.reject(new Error('no lookups in this test')),
  });

  before(async () => {
    files = await startFileServer();
  });
  after(() => new Promise<void>((resolve) => files.server.close(() => resolve())));
  beforeEach(() => files.requests.splice(0));

  it('streams the bytes of a loopback file unchanged in local mode, with the response type declared', async () => {
    const file = await local.open(`${files.url}/sow.pdf`, 'pdf');
    assert.equal(file.declaredType, 'application/pdf');
    assert.equal(sha256(await bytesOf(file.stream)), sha256(BIG));
  });

  it('follows a redirect that stays allowed', async () => {
    const file = await local.open(`${files.url}/hop`);
    assert.equal((await bytesOf(file.stream)).length, BIG.length);
    assert.deepEqual(files.requests, ['/hop', '/sow.pdf']);
  });

  it("declares Teams' fileType when the response type is generic, and an HTML page as what it is", async () => {
    const generic = await local.open(`${files.url}/generic`, 'pdf');
    assert.equal(generic.declaredType, 'pdf');
    generic.stream.destroy();
    const share = await local.open(`${files.url}/share`, 'pdf');
    assert.equal(share.declaredType, 'text/html');
    share.stream.destroy();
  });

  it('refuses plain http outside local mode, before sending anything', async () => {
    await assert.rejects(azure.open(`${files.url}/sow.pdf`, 'pdf'), refusedWith('poeSourceRefused'));
    assert.deepEqual(files.requests, []);
  });

  for (const [what, url] of [
    ['http to a host that is not loopback', 'http://files.example.com/sow.pdf'],
    ['an IP-literal host', 'https://169.254.169.254/metadata'],
    ['credentials in the URL', 'https://user:secret@contoso.sharepoint.com/sow.pdf'],
    ['a file URL', 'file:///etc/passwd'],
    ['something that is not a URL', 'not a url'],
  ] as const) {
    it(`refuses ${what} in any mode`, async () => {
      await assert.rejects(local.open(url), refusedWith('poeSourceRefused'));
      await assert.rejects(azure.open(url), refusedWith('poeSourceRefused'));
    });
  }

  it('refuses a redirect to a non-https address, and endless redirects', async () => {
    await assert.rejects(local.open(`${files.url}/away`), refusedWith('poeSourceRefused'));
    await assert.rejects(local.open(`${files.url}/loop`), refusedWith('poeUploadFailed'));
    assert.equal(files.requests.filter((p) => p === '/loop').length, 4, 'the first request and three redirects');
  });

  it('turns an error status into a refusal, and an announced oversize file into poeTooLarge', async () => {
    await assert.rejects(local.open(`${files.url}/missing`), refusedWith('poeUploadFailed'));
    await assert.rejects(local.open(`${files.url}/huge`), refusedWith('poeTooLarge'));
  });

  it('feeds the evidence store: the stored PoE has the served bytes, and a sharing page is refused there', async () => {
    const { service, signer } = connectBlobStorage({ connectionString: standIns().azurite.connectionString });
    const store = new BlobEvidenceStore({ service, containerName: `poe-${randomUUID()}`, signer });
    await store.ensureContainer();
    const upload = {
      partnerId: 'partner-1',
      claimId: 'claim-1',
      uploadedBy: { role: 'partnerAdmin' as const, id: 'aad-1' },
    };
    const file = await local.open(`${files.url}/sow.pdf`, 'pdf');
    const stored = await store.put({ ...upload, poeId: 'poe-1', fileName: 'sow.pdf', ...file, content: file.stream });
    assert.equal(stored.sha256, sha256(BIG));
    assert.equal(stored.sizeBytes, BIG.length);
    const page = await local.open(`${files.url}/share`, 'pdf');
    await assert.rejects(
      store.put({ ...upload, poeId: 'poe-2', fileName: 'sow.pdf', ...page, content: page.stream }),
      refusedWith('poeTypeMismatch'),
    );
  });
});

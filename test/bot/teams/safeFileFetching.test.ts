import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { EvidenceRejected } from '../../../claims/errors';
import {
  hostAllowed,
  isPublicAddress,
  parseHostPatterns,
  type HostResolver,
  type ResolvedAddress,
} from '../../../bot/teams/addressPolicy';
import { DEFAULT_DOWNLOAD_HOSTS, TeamsFileSource } from '../../../bot/teams/teamsFileSource';
import { minimalPdf } from '../../support/evidenceSamples';
import { selfSignedCertificate } from '../../support/loopbackTls';

const PDF = minimalPdf();
const refusedWith = (code: string) => (e: unknown) => e instanceof EvidenceRejected && e.code === code;

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Names as the test's DNS knows them; nothing is ever looked up for real. */
function fakeDns(table: Record<string, readonly string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('address policy', () => {
  const internal = [
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '192.0.0.8',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fe80::1%eth0',
    'fec0::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    '2002:a00:1::1',
    '2001:db8::1',
    '[::1]',
    'not-an-address',
    '',
  ];
  for (const address of internal) {
    it(`refuses ${address || 'an empty string'}`, () => assert.equal(isPublicAddress(address), false));
  }
  for (const address of [
    '13.107.136.10',
    '52.104.0.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.128.0.1',
    '2603:1036::1',
    '::ffff:13.107.136.10',
  ]) {
    it(`accepts the public address ${address}`, () => assert.equal(isPublicAddress(address), true));
  }

  it('matches allow-list patterns by whole labels, never by substring', () => {
    const patterns = ['*.sharepoint.com', 'onedrive.live.com'];
    assert.ok(hostAllowed('contoso-my.sharepoint.com', patterns));
    assert.ok(hostAllowed('CONTOSO.SharePoint.com.', patterns));
    assert.ok(hostAllowed('onedrive.live.com', patterns));
    for (const host of [
      'sharepoint.com',
      'evilsharepoint.com',
      'sharepoint.com.evil.example',
      'x.onedrive.live.com',
      '10.0.0.1',
      '',
    ]) {
      assert.equal(hostAllowed(host, patterns), false, host);
    }
  });

  it('parses the allow-list setting and refuses what is not a host pattern', () => {
    assert.deepEqual(parseHostPatterns(' *.SharePoint.com , onedrive.live.com '), [
      '*.sharepoint.com',
      'onedrive.live.com',
    ]);
    for (const bad of ['', '*', '*.com', 'http://x.example', 'a..b', '10.0.0.1', 'x.example/path'])
      assert.equal(parseHostPatterns(bad), undefined, bad);
    assert.ok(parseHostPatterns(DEFAULT_DOWNLOAD_HOSTS.join(',')));
  });
});

describe('TeamsFileSource outside local mode', () => {
  const tls = selfSignedCertificate(['contoso.sharepoint.com', 'other.sharepoint.com', 'evil.sharepoint.com']);
  let server: Server;
  let port = 0;
  const requests: string[] = [];

  before(async () => {
    server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      requests.push(`${req.headers.host ?? ''}${req.url ?? ''}`);
      const path = req.url ?? '';
      if (path === '/sow.pdf') {
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': PDF.length });
        res.end(PDF);
      } else if (path.startsWith('/to/')) {
        res.writeHead(302, { location: decodeURIComponent(path.slice(4)).replace('PORT', String(port)) });
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => requests.splice(0));

  const source = (dns: HostResolver, allowedHosts: readonly string[] = DEFAULT_DOWNLOAD_HOSTS) =>
    new TeamsFileSource({ allowLoopbackHttp: false, allowedHosts, resolve: dns, loopbackStandIn: { ca: tls.cert } });
  const url = (host: string, path: string) => `https://${host}:${port}${path}`;

  it('downloads from an allowed host, connecting to the address that was checked', async () => {
    // The name resolves once; a second lookup (a rebinding attempt) would fail the test.
    let lookups = 0;
    const dns: HostResolver = async (hostname) => {
      lookups += 1;
      assert.equal(hostname, 'contoso.sharepoint.com');
      if (lookups > 1) throw new Error('looked up twice');
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const file = await source(dns).open(url('contoso.sharepoint.com', '/sow.pdf'), 'pdf');
    assert.deepEqual(await bytesOf(file.stream), PDF);
    assert.equal(file.declaredType, 'application/pdf');
    assert.equal(lookups, 1);
    assert.deepEqual(requests, [`contoso.sharepoint.com:${port}/sow.pdf`]);
  });

  it('refuses a host outside the allow-list without looking its name up', async () => {
    const dns = fakeDns({ 'files.example.com': ['127.0.0.1'] });
    for (const host of ['files.example.com', 'sharepoint.com.evil.example', 'login.microsoftonline.com']) {
      await assert.rejects(source(dns).open(url(host, '/sow.pdf')), refusedWith('poeSourceRefused'), host);
    }
    assert.deepEqual(dns.asked, []);
    assert.deepEqual(requests, []);
  });

  for (const address of [
    '10.0.0.1',
    '172.16.9.9',
    '192.168.0.10',
    '127.0.0.2',
    '169.254.169.254',
    '100.64.1.1',
    '0.0.0.0',
    'fd00::5',
    'fe80::1',
    '::1',
    '::ffff:10.0.0.1',
  ]) {
    it(`refuses evil.sharepoint.com resolving to ${address}, sending nothing`, async () => {
      const dns = fakeDns({ 'evil.sharepoint.com': [address] });
      await assert.rejects(source(dns).open(url('evil.sharepoint.com', '/sow.pdf')), refusedWith('poeSourceRefused'));
      assert.deepEqual(dns.asked, ['evil.sharepoint.com']);
      assert.deepEqual(requests, []);
    });
  }

  it('refuses a name with one internal address among public ones', async () => {
    const dns = fakeDns({ 'evil.sharepoint.com': ['127.0.0.1', '10.1.2.3'] });
    await assert.rejects(source(dns).open(url('evil.sharepoint.com', '/sow.pdf')), refusedWith('poeSourceRefused'));
    assert.deepEqual(requests, []);
  });

  it('checks every redirect again: to an internal address, a foreign host, plain http or loopback by name', async () => {
    const dns = fakeDns({
      'contoso.sharepoint.com': ['127.0.0.1'],
      'evil.sharepoint.com': ['10.0.0.1'],
      localhost: ['127.0.0.1'],
    });
    const targets = [
      'https://evil.sharepoint.com:PORT/sow.pdf',
      'https://files.example.com:PORT/sow.pdf',
      'http://contoso.sharepoint.com:PORT/sow.pdf',
      'https://localhost:PORT/sow.pdf',
      'https://127.0.0.1:PORT/sow.pdf',
    ];
    for (const target of targets) {
      requests.splice(0);
      await assert.rejects(
        source(dns).open(url('contoso.sharepoint.com', `/to/${encodeURIComponent(target)}`)),
        refusedWith('poeSourceRefused'),
        target,
      );
      assert.equal(requests.length, 1, `only the first hop was sent for ${target}`);
    }
  });

  it('follows a redirect to another allowed host at a checked address', async () => {
    const dns = fakeDns({ 'contoso.sharepoint.com': ['127.0.0.1'], 'other.sharepoint.com': ['127.0.0.1'] });
    const file = await source(dns).open(
      url('contoso.sharepoint.com', `/to/${encodeURIComponent('https://other.sharepoint.com:PORT/sow.pdf')}`),
    );
    assert.deepEqual(await bytesOf(file.stream), PDF);
    assert.deepEqual(dns.asked, ['contoso.sharepoint.com', 'other.sharepoint.com']);
  });

  it('refuses plain http, address literals and credentials before resolving anything', async () => {
    const dns = fakeDns({ 'contoso.sharepoint.com': ['127.0.0.1'] });
    for (const target of [
      `http://contoso.sharepoint.com:${port}/sow.pdf`,
      `https://127.0.0.1:${port}/sow.pdf`,
      `https://[::1]:${port}/sow.pdf`,
      `https://u:p@contoso.sharepoint.com:${port}/sow.pdf`,
    ]) {
      await assert.rejects(source(dns).open(target), refusedWith('poeSourceRefused'), target);
    }
    assert.deepEqual(dns.asked, []);
    assert.deepEqual(requests, []);
  });

  it('turns a name that does not resolve into a failed download, not a refusal', async () => {
    await assert.rejects(
      source(fakeDns({})).open(url('gone.sharepoint.com', '/sow.pdf')),
      refusedWith('poeUploadFailed'),
    );
  });

  it('takes its allow-list from the setting', async () => {
    const dns = fakeDns({ 'contoso.sharepoint.com': ['127.0.0.1'] });
    await assert.rejects(
      source(dns, ['*.sharepoint.us']).open(url('contoso.sharepoint.com', '/sow.pdf')),
      refusedWith('poeSourceRefused'),
    );
    const file = await source(dns, ['contoso.sharepoint.com']).open(url('contoso.sharepoint.com', '/sow.pdf'));
    assert.deepEqual(await bytesOf(file.stream), PDF);
  });
});

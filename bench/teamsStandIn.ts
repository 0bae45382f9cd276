/**
 * Teams' side of the conversation, on loopback, for the simulated partners: the
 * connector's member lookup the bot makes for the user's email (the activities'
 * `serviceUrl` points here), and the download URLs of attached files, served the way
 * a `file.download.info` attachment's pre-authorised link serves them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const MEMBER_PATH = /^\/v3\/conversations\/[^/]+\/members\/([^/?]+)/;
const FILE_PATH = /^\/files\/([0-9a-f-]+)$/;

export class TeamsStandIn {
  private readonly files = new Map<string, { bytes: Buffer; contentType: string }>();
  private readonly server: Server;
  private baseUrl = '';
  memberLookups = 0;
  downloads = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const url = req.url ?? '';
      const member = MEMBER_PATH.exec(url);
      if (req.method === 'GET' && member) {
        this.memberLookups += 1;
        const id = decodeURIComponent(member[1] ?? '');
        const body = JSON.stringify({ id, name: 'Alex Wilber', email: `${id.replace(/[^a-z0-9-]/gi, '')}@fabrikam.example`, userRole: 'user' });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      const file = FILE_PATH.exec(url);
      const served = file ? this.files.get(file[1] ?? '') : undefined;
      if (req.method === 'GET' && served) {
        this.downloads += 1;
        res.writeHead(200, { 'content-type': served.contentType, 'content-length': served.bytes.length });
        res.end(served.bytes);
        return;
      }
      res.writeHead(404);
      res.end();
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** What activities carry as `serviceUrl`. */
  get serviceUrl(): string {
    return `${this.baseUrl}/`;
  }

  /** A download URL for these bytes, as a Teams attachment would carry it. */
  serve(bytes: Buffer, contentType = 'application/pdf'): string {
    const id = randomUUID();
    this.files.set(id, { bytes, contentType });
    return `${this.baseUrl}/files/${id}`;
  }

  forget(url: string): void {
    this.files.delete(url.split('/').pop() ?? '');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

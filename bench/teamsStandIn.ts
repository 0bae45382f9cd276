/**
 * Teams' side of the conversation, on loopback, for the simulated partners: the
 * connector's member lookup the bot makes for the user's email and the proactive
 * messages it sends (the activities' and stored references' `serviceUrl` points here),
 * and the download URLs of attached files, served the way a `file.download.info`
 * attachment's pre-authorised link serves them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const MEMBER_PATH = /^\/v3\/conversations\/[^/]+\/members\/([^/?]+)/;
/** Send to conversation, or reply to an activity (what continueConversation's sendActivity does). */
const ACTIVITIES_PATH = /^\/v3\/conversations\/([^/]+)\/activities(\/[^/?]+)?\/?$/;
const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
const FILE_PATH = /^\/files\/([0-9a-f-]+)$/;

export class TeamsStandIn {
  private readonly files = new Map<string, { bytes: Buffer; contentType: string }>();
  private readonly server: Server;
  private baseUrl = '';
  memberLookups = 0;
  downloads = 0;
  /** Proactive messages posted by the bot, and how many distinct ones (by the bot's message id). */
  proactiveMessages = 0;
  readonly distinctProactive = new Set<string>();
  /** Messages the bot replaced (`updateActivity`), not counted as proactive messages. */
  cardUpdates = 0;
  /** The last Adaptive Card the bot sent or put in place, by conversation: what a partner sees after a turn sent as Teams does. */
  private readonly cards = new Map<string, Record<string, unknown>>();

  constructor() {
    this.server = createServer((req, res) => {
      // The connector joins serviceUrl (which ends in a slash) and its path with another one.
      const url = (req.url ?? '').replace(/^\/+/, '/');
      const member = MEMBER_PATH.exec(url);
      if (req.method === 'GET' && member) {
        this.memberLookups += 1;
        const id = decodeURIComponent(member[1] ?? '');
        const body = JSON.stringify({
          id,
          name: 'Alex Wilber',
          email: `${id.replace(/[^a-z0-9-]/gi, '')}@fabrikam.example`,
          userRole: 'user',
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      const activities = ACTIVITIES_PATH.exec(url);
      if (req.method === 'PUT' && activities) {
        // A message replaced in place (the PoE card after a file, and after its check).
        this.cardUpdates += 1;
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          this.keepCard(activities[1] ?? '', chunks);
          const body = JSON.stringify({ id: url.split('/').pop() ?? '' });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        });
        return;
      }
      if (req.method === 'POST' && activities) {
        this.receiveProactive(req, res, activities[1] ?? '');
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

  /** The connector's "send to conversation": counted, with the bot's own message id told apart. */
  private receiveProactive(req: IncomingMessage, res: ServerResponse, conversation: string): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.proactiveMessages += 1;
      this.keepCard(conversation, chunks);
      try {
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          channelData?: { cporMessageId?: unknown };
        };
        const id = activity.channelData?.cporMessageId;
        if (typeof id === 'string') this.distinctProactive.add(id);
      } catch {
        // Counted anyway; a body that is not JSON has no id to tell it apart by.
      }
      const body = JSON.stringify({ id: randomUUID() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }

  private keepCard(conversation: string, chunks: Buffer[]): void {
    try {
      const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { attachments?: unknown };
      const cards = (Array.isArray(activity.attachments) ? activity.attachments : []).filter(
        (a): a is { content: Record<string, unknown> } =>
          typeof a === 'object' && a !== null && Reflect.get(a, 'contentType') === CARD_TYPE,
      );
      const last = cards.at(-1)?.content;
      if (last) this.cards.set(decodeURIComponent(conversation), last);
    } catch {
      // Not JSON: no card to keep.
    }
  }

  /** The last card the bot showed in this conversation, sent or updated in place. */
  lastCard(conversationId: string): Record<string, unknown> | undefined {
    return this.cards.get(conversationId);
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

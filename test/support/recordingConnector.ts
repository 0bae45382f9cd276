/**
 * A Bot Framework connector on loopback that records what the bot sends, for asserting
 * proactive messages where they arrive. It implements the two routes a CloudAdapter
 * posts a message to (`POST /v3/conversations/:id/activities[/:replyToId]`) and can be
 * told to answer a conversation with errors (403, 429, 500, …) a given number of times.
 * Conversation references whose serviceUrl is `url` reach it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedActivity {
  conversationId: string;
  replyToId?: string;
  activity: Record<string, unknown>;
}

export interface Failure {
  status: number;
  /** The Bot Framework error code in the body, e.g. MessageWritesBlocked. */
  code?: string;
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

export class RecordingConnector {
  readonly received: RecordedActivity[] = [];
  /** Every request, failed ones included (the SDK retries some on its own). */
  readonly attempts: { conversationId: string; status: number }[] = [];
  private readonly failures = new Map<string, Failure[]>();
  private server: Server | undefined;
  private base = '';

  /** Where a conversation reference must point to reach this connector. */
  get url(): string {
    return this.base;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}/`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` posts to this conversation fail with `failure` (Infinity: until cleared). */
  failNext(conversationId: string, failure: Failure, times = 1): void {
    this.failures.set(
      conversationId,
      Array.from({ length: times === Infinity ? 1000 : times }, () => failure),
    );
  }

  clearFailures(conversationId?: string): void {
    if (conversationId === undefined) this.failures.clear();
    else this.failures.delete(conversationId);
  }

  /** What arrived in one conversation, in order. */
  activitiesIn(conversationId: string): Record<string, unknown>[] {
    return this.received.filter((r) => r.conversationId === conversationId).map((r) => r.activity);
  }

  reset(): void {
    this.received.length = 0;
    this.attempts.length = 0;
    this.failures.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = ROUTE.exec(new URL(req.url ?? '/', 'http://connector.invalid').pathname);
    const body = await readBody(req);
    if (req.method !== 'POST' || !match)
      return answer(res, 404, { error: { code: 'NotFound', message: 'no such route' } });
    const conversationId = decodeURIComponent(match[1] ?? '');
    const failure = this.failures.get(conversationId)?.shift();
    if (failure) {
      this.attempts.push({ conversationId, status: failure.status });
      return answer(
        res,
        failure.status,
        { error: { code: failure.code ?? 'Failed', message: 'refused by the recording connector' } },
        failure.headers,
      );
    }
    let activity: Record<string, unknown>;
    try {
      activity = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return answer(res, 400, { error: { code: 'BadSyntax', message: 'not JSON' } });
    }
    this.attempts.push({ conversationId, status: 201 });
    this.received.push({ conversationId, ...(match[2] ? { replyToId: decodeURIComponent(match[2]) } : {}), activity });
    answer(res, 201, { id: randomUUID() });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(body));
}

/** A personal-chat conversation reference as ClaimsBot stores it, pointing at `serviceUrl`. */
export function personalReference(
  serviceUrl: string,
  user: { id: string; aadObjectId: string; name?: string },
  tenantId: string,
  locale = 'en-US',
): Record<string, unknown> {
  return {
    activityId: randomUUID(),
    user: { id: user.id, aadObjectId: user.aadObjectId, name: user.name ?? user.id },
    bot: { id: '28:cpor-bot', name: 'CPOR Claims' },
    conversation: { id: `a:${randomUUID()}`, tenantId, conversationType: 'personal', isGroup: false },
    channelId: 'msteams',
    locale,
    serviceUrl,
  };
}

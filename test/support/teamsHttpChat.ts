/**
 * A Teams personal chat with a running bot, over HTTP as the channel speaks to it: each
 * turn is a POST to `/api/messages` with `deliveryMode: "expectReplies"`, and the replies
 * come back in the answer. Card buttons are pressed with the card's own data (verb,
 * claim id, step nonce) and the inputs filled in, so the new-claim steps of
 * test/dialogs/newClaim/newClaimSteps.ts drive it as they drive the in-process chat. Attached
 * files are served on loopback (the bot downloads loopback http only in local mode).
 * Every turn keeps the bot's X-Correlation-Id, which the bot also writes in its log.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity, AdaptiveCardInvokeResponse } from 'botbuilder';
import { FILE_DOWNLOAD_INFO } from '../../dialogs/cardPrompt';
import type { Locale } from '../../locales/i18n';
import {
  cardOf,
  submitActions,
  type AttachedFileSpec,
  type Card,
  type Reply,
} from '../dialogs/newClaim/newClaimHarness';
import type { ClaimChat } from '../dialogs/newClaim/newClaimSteps';

export interface TeamsUser {
  tenantId: string;
  aadObjectId: string;
  name: string;
}

export interface Turn {
  status: number;
  /** The bot's id for the request (response header), also in its request log line. */
  correlationId: string | undefined;
}

/** Download URLs for attached files: a loopback server standing in for Teams' pre-authorised links. */
export class LoopbackFiles {
  private readonly files = new Map<string, { bytes: Buffer; contentType: string }>();
  private readonly server: Server;
  private base = '';
  downloads = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const file = this.files.get(req.url ?? '');
      if (req.method !== 'GET' || !file) {
        res.writeHead(404).end();
        return;
      }
      this.downloads += 1;
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length) });
      res.end(file.bytes);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  serve(bytes: Buffer, contentType = 'application/pdf'): string {
    // Unguessable, like the real links.
    const filePath = `/files/${randomUUID()}`;
    this.files.set(filePath, { bytes, contentType });
    return `${this.base}${filePath}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface TeamsHttpChatOptions {
  /** The bot's (or its load balancer's) `/api/messages`. */
  endpoint: string;
  /** Where the bot answers proactively: what it stores in the conversation reference. */
  serviceUrl: string;
  user: TeamsUser;
  locale: Locale;
  files: LoopbackFiles;
}

export class TeamsHttpChat implements ClaimChat {
  readonly conversationId = `a:${randomUUID()}`;
  readonly turns: Turn[] = [];
  readonly world: { files: LoopbackFiles };
  private card: Card | undefined;

  constructor(private readonly options: TeamsHttpChatOptions) {
    this.world = { files: options.files };
  }

  get locale(): Locale {
    return this.options.locale;
  }

  /** One message turn; returns the bot's replies. */
  async send(activity: Partial<Activity> | string): Promise<Reply[]> {
    const body = (await this.post({
      type: 'message',
      deliveryMode: 'expectReplies',
      ...(typeof activity === 'string' ? { text: activity } : activity),
    })) as { activities?: Reply[] } | undefined;
    const replies = body?.activities ?? [];
    this.card =
      replies
        .map(cardOf)
        .filter((card): card is Card => card !== undefined)
        .at(-1) ?? this.card;
    return replies;
  }

  /** The card on screen: the latest the bot sent. */
  lastCard(): Card {
    return this.card ?? assert.fail('the bot has sent no card yet');
  }

  /** Presses the Action.Submit with this verb on the latest card, with these inputs filled in. */
  async click(verb: string, inputs: Record<string, string> = {}): Promise<Reply[]> {
    const action = submitActions(this.lastCard()).find((a) => a.data.verb === verb);
    assert.ok(
      action,
      `the card has no ${verb} button; it has ${submitActions(this.lastCard())
        .map((a) => a.data.verb)
        .join(', ')}`,
    );
    return this.send({ value: { ...action.data, ...inputs } });
  }

  /** Attaches files the way Teams does: a file.download.info per file, plus the html body. */
  async attach(...files: AttachedFileSpec[]): Promise<Reply[]> {
    const attachments = [
      { contentType: 'text/html', content: '<p>attached</p>' },
      ...files.map((f) => ({
        contentType: FILE_DOWNLOAD_INFO,
        name: f.name,
        content: {
          downloadUrl: f.url,
          uniqueId: randomUUID(),
          fileType: f.fileType ?? f.name.split('.').pop() ?? '',
          etag: '1',
        },
      })),
    ];
    return this.send({ attachments });
  }

  /** Presses an Action.Execute button: the `adaptiveCard/action` invoke, answered in the HTTP response. */
  async execute(verb: string, data: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const body = await this.post({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data } },
    });
    assert.ok(typeof body === 'object' && body !== null, 'an invoke is answered with a body');
    return body as AdaptiveCardInvokeResponse;
  }

  private async post(activity: Partial<Activity>): Promise<unknown> {
    const { user, serviceUrl, endpoint, locale } = this.options;
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: 'msteams',
        serviceUrl,
        locale,
        from: { id: `29:${user.aadObjectId}`, name: user.name, aadObjectId: user.aadObjectId },
        recipient: { id: '28:cpor-bot', name: 'CPOR Claims' },
        conversation: {
          id: this.conversationId,
          tenantId: user.tenantId,
          conversationType: 'personal',
          isGroup: false,
        },
        channelData: { tenant: { id: user.tenantId } },
        ...activity,
      }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    this.turns.push({ status: response.status, correlationId: response.headers.get('x-correlation-id') ?? undefined });
    assert.equal(response.status, 200, `the bot answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}

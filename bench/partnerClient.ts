/**
 * A simulated partner in a Teams personal chat, as a real client behaves: it posts
 * activities to `/api/messages` with `deliveryMode: "expectReplies"`, reads the
 * replies in the HTTP answer, and answers the latest Adaptive Card by pressing its
 * Action.Submit with the card's own data (verb, claim id, nonce) and the inputs filled
 * in. It knows the new-claim flow only as "which button to press next", the same step
 * knowledge test/dialogs/newClaim/newClaimSteps.ts encodes, so the bot's replies steer it.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { FILE_DOWNLOAD_INFO } from '../dialogs/cardPrompt';
import { t } from '../locales/i18n';
import { DEFAULT_TENANT_SEED_FILE } from '../storage/tenantDirectory';

export type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One keep-alive pool for the whole load generator, as a Bot Framework channel would hold. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface TurnAnswer {
  status: number;
  activities: Json[];
  ms: number;
}

/** Posts one activity and returns the replies and how long the round trip took. */
export function postActivity(endpoint: string, activity: Json): Promise<TurnAnswer> {
  return postOnce(endpoint, Buffer.from(JSON.stringify(activity)), true);
}

/**
 * A bot idle for a few seconds (while the bench drives another) closes its kept-alive
 * sockets; a request already written to one that was closing fails before the bot read
 * it. Node's advice: send such a request again, once, on a fresh socket.
 */
function postOnce(endpoint: string, body: Buffer, mayRetry: boolean): Promise<TurnAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      endpoint,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = {};
          }
          const activities =
            isRecord(parsed) && Array.isArray(parsed.activities) ? parsed.activities.filter(isRecord) : [];
          resolve({ status: res.statusCode ?? 0, activities, ms });
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (mayRetry && req.reusedSocket && e.code === 'ECONNRESET') resolve(postOnce(endpoint, body, false));
      else reject(e);
    });
    req.end(body);
  });
}

export interface PartnerIdentity {
  /** The partner organisation's tenant id (also its id in the partner directory). */
  tenantId: string;
  /** The user's AAD object id; an incentives admin of the organisation. */
  aadObjectId: string;
}

export interface PartnerOptions {
  botEndpoint: string;
  serviceUrl: string;
  identity: PartnerIdentity;
  /** Called with every turn's round trip. */
  onTurn?: (answer: TurnAnswer) => void;
  /**
   * Teams' side (bench/teamsStandIn.ts): with it, the PoE file is attached as Teams sends
   * it (its replies and the card's update go to Teams, the check runs after the turn),
   * and the partner reads the card on screen there.
   */
  teams?: { lastCard(conversationId: string): Json | undefined };
}

const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The Action.Submit buttons of a card, wherever they sit. */
export function submitActions(card: unknown): Json[] {
  const found: Json[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) {
      if (node.type === 'Action.Submit' && isRecord(node.data)) found.push(node.data);
      Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The customer the seeded tenant directory knows, so the domain–tenant check passes without a warning. */
function knownCustomer(): { customerDomain: string; customerTenantId: string } {
  const seed = JSON.parse(readFileSync(DEFAULT_TENANT_SEED_FILE, 'utf8')) as Record<string, string>;
  const [domain, tenant] = Object.entries(seed)[0] ?? [];
  if (!domain || !tenant) throw new Error(`${DEFAULT_TENANT_SEED_FILE} lists no customer`);
  return { customerDomain: domain, customerTenantId: tenant };
}

const CUSTOMER = knownCustomer();

/** The flow's buttons in the order a partner meets them, each with what the partner fills in. */
const FLOW: readonly (readonly [verb: string, inputs: (mpnIds: string[]) => Record<string, string>])[] = [
  [
    'startEntered',
    (mpnIds) => ({
      mpnId: mpnIds[0] ?? '',
      ...CUSTOMER,
      areaActivity: 'microsoft365/usage',
      name: 'Contoso Exchange rollout',
    }),
  ],
  ['productsChosen', () => ({ productIds: 'exchangeOnline' })],
  [
    'contactsEntered',
    () => ({
      customerName: 'Dana Customer',
      customerTitle: 'IT director',
      customerEmail: 'dana@contoso.com',
      partnerName: 'Alex Wilber',
      partnerEmail: 'alexw@fabrikam.example',
    }),
  ],
  ['poeDone', () => ({})],
  // The peer (core-bot style) still asks for a comment and a confirmation after its summary;
  // the claims bot's summary is the only confirmation, its Submit submits.
  ['commentSkipped', () => ({})],
  ['submitClaim', () => ({})],
  ['confirmSubmit', () => ({})],
];

/** Pressing the same button more often than this means the bot keeps refusing: a bench bug, not a result. */
const MAX_PRESSES_PER_VERB = 3;

export class SimulatedPartner {
  readonly conversationId = `a:bench-${randomUUID()}`;
  /** Every activity sent, so the echo bot can be sent exactly the same. */
  readonly sent: Json[] = [];
  private card: Json | undefined;
  private lastTexts: string[] = [];
  private readonly presses = new Map<string, number>();
  private attached = false;

  constructor(private readonly options: PartnerOptions) {}

  get tenantId(): string {
    return this.options.identity.tenantId;
  }

  get turns(): number {
    return this.sent.length;
  }

  /** The verbs the latest card offers. */
  verbs(): string[] {
    return submitActions(this.card).map((data) => String(data.verb ?? ''));
  }

  async say(text: string): Promise<void> {
    await this.send({ text });
  }

  /** Presses the button with `verb` on the latest card, with these inputs filled in. */
  async press(verb: string, inputs: Record<string, string> = {}): Promise<void> {
    const data = submitActions(this.card).find((d) => d.verb === verb);
    if (!data)
      throw new Error(
        `the card has no ${verb} button (it has ${this.verbs().join(', ')}); last texts: ${this.lastTexts.join(' | ')}`,
      );
    await this.send({ value: { ...data, ...inputs } });
  }

  /**
   * Attaches a file the way Teams does: the message's html body plus a file.download.info.
   * `teamsDelivery` sends it as Teams does (not collecting the turn's replies), so the
   * bot updates the card in place and checks the file after the turn, as in Teams.
   */
  async attach(downloadUrl: string, name: string, teamsDelivery = false): Promise<void> {
    await this.send({
      ...(teamsDelivery ? { deliveryMode: 'normal' } : {}),
      attachments: [
        { contentType: 'text/html', content: '<p>attached</p>' },
        {
          contentType: FILE_DOWNLOAD_INFO,
          name,
          content: { downloadUrl, uniqueId: randomUUID(), fileType: name.split('.').pop() ?? '', etag: '1' },
        },
      ],
    });
  }

  /**
   * Follows the new-claim flow from "New claim" until `stopAt` says to stop (given the
   * verbs on screen) or the claim is submitted. `poeUrl` is attached at the PoE card.
   */
  async fileClaim(poeUrl: string, stopAt: (verbs: string[]) => boolean = () => false): Promise<void> {
    if (!this.card) await this.say(t('en-US', 'welcome.newClaim'));
    for (;;) {
      const verbs = this.verbs();
      if (stopAt(verbs)) return;
      const step = FLOW.find(([verb]) => verbs.includes(verb));
      if (!step)
        throw new Error(
          `no flow button on the card (it has ${verbs.join(', ') || 'none'}); last texts: ${this.lastTexts.join(' | ')}`,
        );
      const [verb, inputs] = step;
      if (verb === 'poeDone' && !this.attached) {
        this.attached = true;
        await this.attach(poeUrl, 'Signed SOW.pdf', this.options.teams !== undefined);
        continue;
      }
      const presses = (this.presses.get(verb) ?? 0) + 1;
      if (presses > MAX_PRESSES_PER_VERB)
        throw new Error(`the bot keeps asking for ${verb}; last texts: ${this.lastTexts.join(' | ')}`);
      this.presses.set(verb, presses);
      await this.press(verb, inputs(this.mpnIdsOnCard()));
      if (verb === 'confirmSubmit' || (verb === 'submitClaim' && !this.verbs().includes('confirmSubmit'))) return;
    }
  }

  private mpnIdsOnCard(): string[] {
    const ids: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (isRecord(node)) {
        if (node.id === 'mpnId' && Array.isArray(node.choices)) {
          for (const choice of node.choices)
            if (isRecord(choice) && typeof choice.value === 'string') ids.push(choice.value);
        }
        Object.values(node).forEach(walk);
      }
    };
    walk(this.card);
    return ids;
  }

  private async send(payload: Json): Promise<void> {
    const { identity, serviceUrl, botEndpoint } = this.options;
    const activity: Json = {
      type: 'message',
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl,
      from: { id: `29:${identity.aadObjectId}`, name: 'Alex Wilber', aadObjectId: identity.aadObjectId },
      recipient: { id: '28:cpor-bench-bot', name: 'CPOR Claims' },
      conversation: { id: this.conversationId, tenantId: identity.tenantId, conversationType: 'personal' },
      channelData: { tenant: { id: identity.tenantId } },
      locale: 'en-US',
      deliveryMode: 'expectReplies',
      ...payload,
    };
    this.sent.push(activity);
    const answer = await postActivity(botEndpoint, activity);
    this.options.onTurn?.(answer);
    if (answer.status !== 200) throw new Error(`the bot answered ${answer.status}`);
    this.lastTexts = answer.activities
      .map((a) => (typeof a.text === 'string' ? a.text : ''))
      .filter((text) => text !== '');
    const cards = answer.activities
      .flatMap((a) => (Array.isArray(a.attachments) ? a.attachments.filter(isRecord) : []))
      .filter((a) => a.contentType === CARD_TYPE);
    // Sent as Teams does: the replies went to Teams, where the card on screen is.
    const last =
      activity.deliveryMode === 'normal' ? this.options.teams?.lastCard(this.conversationId) : cards.at(-1)?.content;
    if (isRecord(last)) this.card = last;
  }
}

/** Sends one recorded conversation again, turn by turn, to another bot (the echo bot). */
export async function replay(
  botEndpoint: string,
  activities: readonly Json[],
  onTurn: (answer: TurnAnswer) => void,
): Promise<void> {
  for (const activity of activities) {
    const answer = await postActivity(botEndpoint, {
      ...activity,
      id: randomUUID(),
      timestamp: new Date().toISOString(),
    });
    if (answer.status !== 200) throw new Error(`the echo bot answered ${answer.status}`);
    onTurn(answer);
  }
}

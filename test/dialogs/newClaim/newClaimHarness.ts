/**
 * A world for new-claim transcripts: the real stand-ins (claims, associations and
 * partners in the Cosmos stand-in, PoE in Azurite) behind ClaimServices, fakes only
 * at our own ports (clock, tenant directory, the Teams file source, the PoE template
 * writer and download links), and a chat driver that clicks cards the way Teams
 * sends them (the action's data with the inputs merged over it).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Activity, ConversationReference, Middleware, TurnContext } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import type { BlobServiceClient } from '@azure/storage-blob';
import { BusinessCalendar } from '../../../claims/calendar';
import { RoleAdmin } from '../../../claims/roleAdmin';
import { ClaimLifecycle } from '../../../claims/lifecycle';
import { silentLog } from '../../../claims/notifications';
import type { Claim, PartnerOrganisation, PoeFile } from '../../../claims/model';
import type { Clock, DownloadLinks, EvidenceReader, EvidenceReading, EvidenceText } from '../../../claims/ports';
import { afterTurnMiddleware, PoeChecks, type CardUpdater } from '../../../dialogs/poeChecks';
import { setCaller, type Caller } from '../../../dialogs/caller';
import { FILE_DOWNLOAD_INFO } from '../../../dialogs/cardPrompt';
import { NewClaimDialog, type NewClaimOptions } from '../../../dialogs/newClaim/newClaimDialog';
import type { AttachedFile, ClaimServices, FileSource } from '../../../dialogs/services';
import { TemplateLinkTokens } from '../../../claims/templateLinkToken';
import { SignedTemplateLinks } from '../../../bot/http/templateDownloads';
import { TeamsFileSource } from '../../../bot/teams/teamsFileSource';
import type { Locale } from '../../../locales/i18n';
import { connectBlobStorage } from '../../../storage/blobConnection';
import { CosmosAssociationStore } from '../../../storage/associationStore';
import { CosmosClaimRepository } from '../../../storage/claimRepository';
import { CosmosPartnerDirectory } from '../../../storage/partnerDirectory';
import { StoredEvidenceReader } from '../../../documents/evidenceReader';
import { BlobEvidenceStore } from '../../../storage/poeStore';
import { freshCosmosDatabase, type TestDatabase } from '../../support/cosmosTestDatabase';
import { standIns } from '../../support/rootHooks';
import { isConsumerDomain, type TenantLookup } from '../../../claims/tenants';

export const NOW = new Date('2025-03-03T09:00:00.000Z');
export const POE_MAX_BYTES = 2 * 1024 * 1024;
export const ADMIN_ID = '11111111-2222-4333-8444-555555555555';
export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
/** The customer every transcript uses unless it needs one of its own; the tenant directory knows it. */
export const CUSTOMER_TENANT = '8c2f6a4e-1d3b-4c5a-9e7f-0a1b2c3d4e5f';
export const CUSTOMER_DOMAIN = 'contoso.onmicrosoft.com';

/** Operations a test can make fail once, as an outage would: `claims.replace`, `evidence.put`, … */
export class Faults {
  private readonly armed = new Set<string>();
  private readonly armedAfter = new Set<string>();
  private readonly before = new Map<string, () => Promise<void>>();

  failOnce(op: string): void {
    this.armed.add(op);
  }

  /** Lets the next `op` happen, then fails as if its answer had been lost on the way back. */
  failAfterOnce(op: string): void {
    this.armedAfter.add(op);
  }

  /** Runs `action` once right before the next `op` (another writer racing us). */
  beforeOnce(op: string, action: () => Promise<void>): void {
    this.before.set(op, action);
  }

  /** The port itself, every call going through the armed faults first. */
  wrap<T extends object>(port: T, prefix: string): T {
    return new Proxy(port, {
      get: (target, property) => {
        const member: unknown = Reflect.get(target, property, target);
        if (typeof member !== 'function') return member;
        const op = `${prefix}.${String(property)}`;
        return async (...args: unknown[]) => {
          const action = this.before.get(op);
          if (action) {
            this.before.delete(op);
            await action();
          }
          if (this.armed.delete(op)) throw new Error(`simulated outage in ${op}`);
          const result: unknown = await (member as (...a: unknown[]) => unknown).apply(target, args);
          if (this.armedAfter.delete(op)) throw new Error(`simulated lost answer from ${op}`);
          return result;
        };
      },
    });
  }
}

/** The Teams side of an attached file: what its download URL serves. */
export class FakeFileSource implements FileSource {
  readonly served = new Map<string, { bytes: Buffer; contentType?: string }>();
  readonly opened: string[] = [];
  private readonly production = new TeamsFileSource({
    allowLoopbackHttp: false,
    resolve: async () => [{ address: '10.0.0.1', family: 4 }],
  });

  serve(bytes: Buffer, contentType?: string): string {
    const url = `https://teams.example/download/${randomUUID()}`;
    this.served.set(url, contentType ? { bytes, contentType } : { bytes });
    return url;
  }

  async open(downloadUrl: string, fileType?: string): Promise<AttachedFile> {
    this.opened.push(downloadUrl);
    const file = this.served.get(downloadUrl);
    // Links it does not serve to SharePoint names go to the production policy, whose DNS says internal.
    if (!file && downloadUrl.includes('.sharepoint.com')) return this.production.open(downloadUrl, fileType);
    if (!file) throw new Error('the download link has expired');
    const declaredType = file.contentType ?? fileType;
    return declaredType
      ? { stream: Readable.from([file.bytes]), declaredType }
      : { stream: Readable.from([file.bytes]) };
  }
}

export class FakeLinks implements DownloadLinks {
  readonly published: { partnerId: string; fileName: string; ttlSeconds: number; url: string }[] = [];
  async publish(
    document: { partnerId: string; fileName: string; contentType: string; bytes: Buffer },
    ttlSeconds: number,
  ): Promise<string> {
    const url = `https://downloads.example/${randomUUID()}`;
    this.published.push({ partnerId: document.partnerId, fileName: document.fileName, ttlSeconds, url });
    return url;
  }
}

/**
 * The proactive side of the chats: a PoE card a check updates after its turn reaches the
 * chat that shows it (by message id, which the test adapter makes unique).
 */
export class ChatUpdates implements CardUpdater {
  readonly chats = new Set<{ transcript: readonly Reply[]; updated(activity: Reply): void }>();
  async update(_reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<void> {
    const chat = [...this.chats].find((c) => c.transcript.some((reply) => reply.id === activity.id));
    assert.ok(chat, `no chat shows message ${activity.id}`);
    chat.updated(activity as Reply);
  }
}

/** A reader of PoE text that can be held: the checks it starts wait until released. */
export class HeldReader implements EvidenceReader {
  private gate: Promise<void> | undefined;
  private open: () => void = () => undefined;
  readonly started: string[] = [];
  constructor(private readonly reader: EvidenceReader) {}
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.gate = undefined;
    this.open();
  }
  /** The locale each read was asked for, by file id. */
  readonly locales = new Map<string, string | undefined>();
  async textOf(file: PoeFile, reading?: EvidenceReading): Promise<EvidenceText> {
    this.started.push(file.id);
    this.locales.set(file.id, reading?.locale);
    await this.gate;
    return this.reader.textOf(file, reading);
  }
}

export interface World {
  db: TestDatabase;
  /** PoE checks after their turn; a chat waits for them after each turn unless told otherwise. */
  poeChecks: PoeChecks;
  chatUpdates: ChatUpdates;
  reader: HeldReader;
  services: ClaimServices;
  claims: CosmosClaimRepository;
  associations: CosmosAssociationStore;
  partners: CosmosPartnerDirectory;
  evidence: BlobEvidenceStore;
  blobs: BlobServiceClient;
  containerName: string;
  /** Verified domains → tenant, as the directory knows them. */
  directory: Map<string, string>;
  files: FakeFileSource;
  /** What the PoE card's template links are signed with. */
  templateTokens: TemplateLinkTokens;
  links: FakeLinks;
  faults: Faults;
}

/** One world per test file: a database and a blob container of its own. */
export async function createWorld(): Promise<World> {
  const db = await freshCosmosDatabase();
  const clock: Clock = { now: () => NOW };
  const claims = new CosmosClaimRepository(db.container('claims'));
  const associations = new CosmosAssociationStore(db.container('associations'), { clock });
  const partners = new CosmosPartnerDirectory(db.container('partners'), {
    operatorTenantId: '99999999-9999-4999-8999-999999999999',
  });
  const { service: blobs, signer } = connectBlobStorage({ connectionString: standIns().azurite.connectionString });
  const containerName = `poe-${randomUUID()}`;
  const evidence = new BlobEvidenceStore({
    service: blobs,
    containerName,
    signer,
    maxBytes: POE_MAX_BYTES,
    clock,
    claims,
  });
  await evidence.ensureContainer();
  const directory = new Map<string, string>([[CUSTOMER_DOMAIN, CUSTOMER_TENANT]]);
  const files = new FakeFileSource();
  // The clock of the links' signer is the test's frozen time, as the dialogs'.
  const templateTokens = new TemplateLinkTokens('a template signing key for the dialog tests, 32+', clock);
  const links = new FakeLinks();
  const faults = new Faults();
  const calendar = new BusinessCalendar({ country: 'US', timeZone: 'UTC' });
  const chatUpdates = new ChatUpdates();
  const poeChecks = new PoeChecks({ updater: chatUpdates });
  // The reader fetches through a read link, which must be valid now, not at the frozen test time.
  const reader = new HeldReader(
    new StoredEvidenceReader({
      evidence: new BlobEvidenceStore({ service: blobs, containerName, signer, maxBytes: POE_MAX_BYTES }),
      maxBytes: POE_MAX_BYTES,
      // As deployed (POE_OCR defaults to on): photos and scans are read in the user's language.
      ocr: true,
    }),
  );
  const services: ClaimServices = {
    claims: faults.wrap(claims, 'claims'),
    associations: faults.wrap(associations, 'associations'),
    evidence: faults.wrap(evidence, 'evidence'),
    evidenceText: reader,
    poeChecks,
    partners,
    tenants: faults.wrap(
      {
        lookup: async (domain: string): Promise<TenantLookup> => {
          const tenantId = directory.get(domain);
          if (tenantId) return { kind: 'tenant', tenantId };
          return isConsumerDomain(domain) ? { kind: 'consumer' } : { kind: 'unknown' };
        },
      },
      'tenants',
    ),
    files,
    links,
    templateLinks: new SignedTemplateLinks('https://bot.example', templateTokens),
    clock,
    calendar,
    timeZone: 'UTC',
    newId: () => randomUUID(),
    lifecycle: new ClaimLifecycle({ claims, associations, partners, calendar, clock }),
    roles: new RoleAdmin({ organisations: partners, clock, newId: randomUUID }),
    evidenceMaxBytes: evidence.maxBytes,
    log: silentLog,
  };
  return {
    db,
    poeChecks,
    chatUpdates,
    reader,
    services,
    claims,
    associations,
    partners,
    evidence,
    blobs,
    containerName,
    directory,
    files,
    templateTokens,
    links,
    faults,
  };
}

export const LOCATIONS = [
  { mpnId: '1234567', name: 'Fabrikam Seattle' },
  { mpnId: '7654321', name: 'Fabrikam Seoul' },
];

/** A partner organisation of its own (its own partition), stored in the partner directory. */
export async function newOrganisation(world: World, locations = LOCATIONS): Promise<PartnerOrganisation> {
  const org: PartnerOrganisation = {
    id: randomUUID(),
    type: 'partner',
    name: 'Fabrikam',
    locations,
    incentivesAdmins: [ADMIN_ID],
    reviewers: [],
  };
  await world.partners.upsert(org);
  return org;
}

export interface Setting {
  world: World;
  org: PartnerOrganisation;
}

/**
 * The mocha hooks of a transcript file: one world per file, and a partner organisation
 * of its own per test (its own partition), so tests never see each other's claims.
 */
export function newClaimSetting(): Setting {
  const setting: Partial<Setting> = {};
  before(async () => {
    setting.world = await createWorld();
  });
  beforeEach(async () => {
    if (setting.world) setting.org = await newOrganisation(setting.world);
  });
  return {
    get world() {
      assert.ok(setting.world, 'the world is created in a before hook');
      return setting.world;
    },
    get org() {
      assert.ok(setting.org, 'the organisation is created in a beforeEach hook');
      return setting.org;
    },
  };
}

export function adminCaller(org: PartnerOrganisation, locale: Locale): Caller {
  return {
    tenantId: org.id,
    aadObjectId: ADMIN_ID,
    name: 'Alex Wilber',
    email: 'alexw@fabrikam.example',
    locale,
    org,
    roles: ['incentivesAdmin'],
    isIncentivesAdmin: true,
    isReviewer: false,
  };
}

export type Reply = Partial<Activity>;
export type Card = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every `text` in a card (TextBlocks, TextRuns, input labels and values), in document order. */
export function cardStrings(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'string' && ['text', 'title', 'value', 'label'].includes(key)) out.push(value);
        else walk(value);
      }
    }
  };
  walk(card);
  return out;
}

/** A card as it reads, whatever step nonce it carries (a card shown again gets a fresh one). */
export function withoutNonce(card: unknown): unknown {
  return JSON.parse(JSON.stringify(card, (key, value: unknown) => (key === 'nonce' ? '' : value)));
}

/** A card's heading: its first TextBlock (the claim's name and progress sit above it in a RichTextBlock). */
export function titleOf(card: unknown): string | undefined {
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (found !== undefined) return;
    if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) {
      if (node.type === 'TextBlock' && typeof node.text === 'string') found = node.text;
      else Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** The submit actions of a card with their data, wherever they sit (actions, action sets). */
export function submitActions(card: unknown): { title: string; data: Record<string, unknown> }[] {
  const out: { title: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) {
      if (node.type === 'Action.Submit' && isRecord(node.data))
        out.push({ title: String(node.title ?? ''), data: node.data });
      Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/** An input of a card by id, e.g. to read what it is prefilled with. */
export function inputOf(card: unknown, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found) return;
    if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) {
      if (node.id === id && typeof node.type === 'string' && node.type.startsWith('Input.')) found = node;
      else Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return found;
}

export const cardOf = (reply: Reply | undefined): Card | undefined => {
  const content = reply?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  return isRecord(content) ? content : undefined;
};

export interface AttachedFileSpec {
  name: string;
  url: string;
  fileType?: string;
}

/** A Teams personal chat with the new-claim dialog, for one caller (mutable: a role can change mid-flow). */
export class Chat {
  readonly client: DialogTestClient;
  /** Everything the bot sent, in order. */
  readonly transcript: Reply[] = [];
  /** Every message the bot replaced in place (an answered card collapsed, the PoE card updated), in order. */
  readonly updates: Reply[] = [];
  private card: Card | undefined;

  constructor(
    readonly world: World,
    public caller: Caller,
    options?: NewClaimOptions,
  ) {
    const callerMiddleware: Middleware = {
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        setCaller(context, this.caller);
        context.onUpdateActivity(async (_context, activity, update) => {
          this.updates.push(activity as Reply);
          // A card replaced by one that still asks (the PoE card after a file) is the card on screen.
          const card = cardOf(activity as Reply);
          if (card && submitActions(card).length > 0) this.card = card;
          await update();
        });
        await next();
      },
    };
    this.client = new DialogTestClient('msteams', new NewClaimDialog(world.services), options, [
      afterTurnMiddleware,
      callerMiddleware,
    ]);
    world.chatUpdates.chats.add(this);
  }

  /** A message replaced outside a turn (the PoE card after its check). */
  updated(activity: Reply): void {
    this.updates.push(activity);
    const card = cardOf(activity);
    if (card && submitActions(card).length > 0) this.card = card;
  }

  get locale(): Locale {
    return this.caller.locale;
  }

  /**
   * Sends one activity and returns everything the bot answered in that turn; then waits
   * for the PoE checks the turn started (and their card updates), unless `settle` is false.
   */
  async send(activity: Partial<Activity> | string, settle = true): Promise<Reply[]> {
    const replies: Reply[] = [];
    const first = (await this.client.sendActivity(activity)) as Reply | undefined;
    for (let reply = first; reply; reply = this.client.getNextReply() as Reply | undefined) replies.push(reply);
    this.transcript.push(...replies);
    const cards = replies.map(cardOf).filter((c): c is Card => c !== undefined);
    if (cards.length > 0) this.card = cards[cards.length - 1];
    if (settle) await this.world.poeChecks.idle();
    return replies;
  }

  /** The latest card the bot sent. */
  lastCard(): Card {
    assert.ok(this.card, 'no card has been shown yet');
    return this.card;
  }

  /** Presses the button with this verb on the latest card (or on `card`), with these inputs filled in. */
  async click(verb: string, inputs: Record<string, string> = {}, card: Card = this.lastCard()): Promise<Reply[]> {
    const action = submitActions(card).find((a) => a.data.verb === verb);
    assert.ok(
      action,
      `the card has no ${verb} button; it has ${submitActions(card)
        .map((a) => a.data.verb)
        .join(', ')}`,
    );
    return this.send({ type: 'message', value: { ...action.data, ...inputs } });
  }

  /** Presses the review card's Edit button of one section. */
  /** The summary's one Edit menu: the section chosen in its list, then Edit (with the card's other inputs). */
  async clickEdit(section: string, inputs: Record<string, string> = {}): Promise<Reply[]> {
    const card = this.lastCard();
    const action = submitActions(card).find((a) => a.data.verb === 'editSection');
    assert.ok(action, 'the card has no Edit button');
    const choices = (inputOf(card, 'section')?.choices ?? []) as { value: string }[];
    assert.ok(
      choices.some((c) => c.value === section),
      `the Edit menu offers no ${section}`,
    );
    return this.send({ type: 'message', value: { ...action.data, ...inputs, section } });
  }

  /** Attaches files the way Teams does: a file.download.info per file, plus the html body. */
  async attach(...files: AttachedFileSpec[]): Promise<Reply[]> {
    return this.send(this.attachment(files));
  }

  /** Attaches files and returns as soon as the turn ends, leaving their checks running. */
  async attachUnsettled(...files: AttachedFileSpec[]): Promise<Reply[]> {
    return this.send(this.attachment(files), false);
  }

  private attachment(files: readonly AttachedFileSpec[]): Partial<Activity> {
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
    return { type: 'message', attachments };
  }

  get status(): string {
    return this.client.dialogTurnResult.status;
  }

  get result(): unknown {
    return this.client.dialogTurnResult.result;
  }
}

/** The chat's saved states as its DialogTestClient's MemoryStorage holds them: JSON by key. */
function savedStates(chat: Chat): Record<string, string | undefined> {
  return Reflect.get(Reflect.get(chat.client.conversationState, 'storage') as object, 'memory') as Record<
    string,
    string | undefined
  >;
}

/** Everything the chat's conversation state holds, as stored. */
export function savedStateText(chat: Chat): string {
  return Object.values(savedStates(chat)).join('\n');
}

/**
 * Rewrites the conversation state the chat's DialogTestClient saved (in its MemoryStorage)
 * as an older bot would have left it: `visit` sees every object in it and may change it.
 */
export function rewriteSavedState(chat: Chat, visit: (node: Record<string, unknown>) => void): void {
  const memory = savedStates(chat);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      visit(node as Record<string, unknown>);
      Object.values(node).forEach(walk);
    }
  };
  for (const [key, json] of Object.entries(memory)) {
    if (json === undefined) continue;
    const state = JSON.parse(json) as unknown;
    walk(state);
    memory[key] = JSON.stringify(state);
  }
}

export const textsOf = (replies: readonly Reply[]): string[] =>
  replies.map((r) => r.text).filter((text): text is string => typeof text === 'string');

/** Every claim of one organisation, as stored. */
export async function claimsOf(world: World, org: PartnerOrganisation): Promise<Claim[]> {
  const page = await world.claims.listByPartner(org.id, {}, 100);
  return page.items;
}

export async function onlyClaimOf(world: World, org: PartnerOrganisation): Promise<Claim> {
  const all = await claimsOf(world, org);
  assert.equal(all.length, 1, `expected exactly one claim, found ${all.length}`);
  return all[0] as Claim;
}

/** The bytes of a stored blob. */
export async function blobBytes(world: World, blobName: string): Promise<Buffer> {
  return world.blobs.getContainerClient(world.containerName).getBlockBlobClient(blobName).downloadToBuffer();
}

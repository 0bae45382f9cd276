/**
 * The "after submission" transcripts' world: the bot's real services on the stand-ins
 * (botHarness: claims, associations and partners in Cosmos, PoE and exports in Azurite),
 * the re-association notices, MainDialog with a stand-in for the new-claim flow (it only
 * records how it was begun), and a chat that presses card buttons the way Teams sends
 * them (the action's data with the inputs merged over it).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import type { Claim, PartnerOrganisation } from '../../../claims/model';
import type { Clock } from '../../../claims/ports';
import type { Caller } from '../../../dialogs/caller';
import { FILE_DOWNLOAD_INFO } from '../../../dialogs/cardPrompt';
import { MainDialog } from '../../../dialogs/mainDialog';
import type { ClaimServices } from '../../../dialogs/services';
import { CosmosReassociationNotices } from '../../../storage/reassociationNotices';
import { botHarness, callerFor, callerMiddleware, ORG, type Harness } from '../../support/botHarness';
import { buildClaim } from '../../support/claimFactory';
import { ChatUpdates, cardOf, submitActions, type Card, type Reply } from '../newClaim/newClaimHarness';
import { afterTurnMiddleware, PoeChecks } from '../../../dialogs/poeChecks';

export const ADMIN = 'aad-admin';
export const VIEWER = 'aad-viewer';

export interface ManageWorld extends Harness {
  /** The services with the re-association notices wired in, as the composition root does. */
  manage: ClaimServices;
  notices: CosmosReassociationNotices;
  chatUpdates: ChatUpdates;
}

export async function manageWorld(options: { clock?: Clock; orgs?: PartnerOrganisation[] } = {}): Promise<ManageWorld> {
  const harness = await botHarness(options);
  const notices = new CosmosReassociationNotices(
    harness.db.container('partners'),
    options.clock ? { clock: options.clock } : {},
  );
  // PoE checks after their turn, whose card updates reach the chat that shows the card.
  const chatUpdates = new ChatUpdates();
  const poeChecks = new PoeChecks({ updater: chatUpdates });
  return {
    ...harness,
    notices,
    chatUpdates,
    manage: { ...harness.services, reassociations: notices, poeChecks },
  };
}

/** Stores a claim of ORG (unless said otherwise) as a document, the way the lifecycle would have left it. */
export async function storeClaim(world: ManageWorld, overrides: Partial<Claim>): Promise<Claim> {
  return (await world.claims.create(buildClaim({ partnerId: ORG.id, ...overrides }))).value;
}

export async function reload(world: ManageWorld, claim: Claim): Promise<Claim> {
  const stored = await world.claims.get(claim.partnerId, claim.id);
  assert.ok(stored, `claim ${claim.id} is gone`);
  return stored.value;
}

/** Records how the new-claim flow was begun, and ends at once. */
class NewClaimRecorder extends Dialog {
  readonly begun: unknown[] = [];
  constructor() {
    super('newClaim');
  }
  override async beginDialog(dc: DialogContext, options?: unknown): Promise<DialogTurnResult> {
    this.begun.push(options ?? null);
    return dc.endDialog();
  }
}

/** A personal chat with the bot's main dialog as one caller. */
export class ManageChat {
  readonly newClaim = new NewClaimRecorder();
  readonly client: DialogTestClient;
  /** Everything the bot sent, and the messages it replaced later. */
  readonly transcript: Reply[] = [];
  readonly updates: Reply[] = [];
  private readonly checks: ClaimServices['poeChecks'];
  private latest: Card | undefined;
  private readonly timeZone: string | undefined;

  constructor(
    world: ManageWorld,
    readonly caller: Caller,
    options: { pageSize?: number; timeZone?: string } = {},
  ) {
    const dialog = new MainDialog(world.manage, { newClaim: this.newClaim, pageSize: options.pageSize ?? 10 });
    this.client = new DialogTestClient('msteams', dialog, undefined, [
      afterTurnMiddleware,
      callerMiddleware(() => this.caller),
    ]);
    this.timeZone = options.timeZone;
    this.checks = world.manage.poeChecks;
    world.chatUpdates.chats.add(this);
  }

  /** A card replaced outside a turn (after a PoE check): it is the latest card when it still asks. */
  updated(activity: Reply): void {
    this.updates.push(activity);
    const card = cardOf(activity);
    if (card && submitActions(card).length > 0) this.latest = card;
  }

  /** Everything the bot answers to one activity. */
  async send(activity: Partial<Activity> | string): Promise<Reply[]> {
    const message: Partial<Activity> = typeof activity === 'string' ? { type: 'message', text: activity } : activity;
    const replies: Reply[] = [];
    for (
      let reply = (await this.client.sendActivity({
        ...message,
        ...(this.timeZone ? { localTimezone: this.timeZone } : {}),
      })) as Reply | undefined;
      reply;
      reply = this.client.getNextReply() as Reply | undefined
    ) {
      replies.push(reply);
    }
    this.transcript.push(...replies);
    const cards = replies.map(cardOf).filter((card): card is Card => card !== undefined);
    if (cards.length > 0) this.latest = cards.at(-1);
    // The PoE checks the turn left running, and the card updates they make.
    await this.checks?.idle();
    return replies;
  }

  /** A stateless card button, pressed with its data as a card would carry it. */
  press(value: Record<string, unknown>): Promise<Reply[]> {
    return this.send({ type: 'message', value: { claimId: '', nonce: '', ...value } });
  }

  lastCard(): Card {
    assert.ok(this.latest, 'no card yet');
    return this.latest;
  }

  /** Presses the button with this verb on the latest card, with these inputs typed in. */
  click(verb: string, inputs: Record<string, string> = {}, card: Card = this.lastCard()): Promise<Reply[]> {
    const action = submitActions(card).find((a) => a.data.verb === verb);
    assert.ok(
      action,
      `no ${verb} button; there are ${submitActions(card)
        .map((a) => a.data.verb)
        .join(', ')}`,
    );
    return this.send({ type: 'message', value: { ...action.data, ...inputs } });
  }

  /** Attaches files as Teams does: a file.download.info per file, plus the html body. */
  attach(files: { name: string; url: string }[]): Promise<Reply[]> {
    const attachments = [
      { contentType: 'text/html', content: '<p>attached</p>' },
      ...files.map((file) => ({
        contentType: FILE_DOWNLOAD_INFO,
        name: file.name,
        content: { downloadUrl: file.url, fileType: file.name.split('.').pop() ?? '', uniqueId: file.name },
      })),
    ];
    return this.send({ type: 'message', attachments });
  }
}

export const adminChat = (
  world: ManageWorld,
  locale: Caller['locale'] = 'en-US',
  options?: { pageSize?: number; timeZone?: string },
): ManageChat => new ManageChat(world, callerFor(ORG, ADMIN, locale), options);

/** The verbs of a card's Action.Submit buttons, wherever they sit. */
export const verbsOf = (card: Card | undefined): string[] => submitActions(card).map((a) => String(a.data.verb));

/** The claim ids the rows of a claims list open. */
export const rowIds = (card: Card | undefined): string[] =>
  submitActions(card)
    .filter((a) => a.data.verb === 'viewClaim')
    .map((a) => String(a.data.claimId));

/** The one card among the replies that has a button with this verb. */
export function cardWith(replies: readonly Reply[], verb: string): Card {
  const card = replies.map(cardOf).find((c) => c !== undefined && verbsOf(c).includes(verb));
  assert.ok(card, `no card with a ${verb} button among ${replies.length} replies`);
  return card;
}

/** A loopback server handing out files by path, as Teams' pre-authorised download links do. */
export async function fileServer(
  files: Record<string, { bytes: Buffer; contentType: string }>,
): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) {
      response.statusCode = 404;
      response.end();
      return;
    }
    response.setHeader('content-type', file.contentType);
    response.end(file.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

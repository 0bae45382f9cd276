/**
 * The composed bot on the stand-ins, talked to as Teams would: messages and
 * `adaptiveCard/action` invokes from reviewers and partner users, with a settable clock.
 * Reviewers belong to the program operator's organisation, as in production.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { TestAdapter, type Activity } from 'botbuilder';
import type { Claim, Versioned } from '../../claims/model';
import type { Clock, RoleNotices } from '../../claims/ports';
import { composeBot } from '../../bot/app/composeBot';
import type { ClaimsBot } from '../../bot/teams/claimsBot';
import { createLogger } from '../../bot/app/logger';
import type { Locale } from '../../locales/i18n';
import { botHarness, OPERATOR, OTHER_ORG, ORG, TIME_ZONE, type Harness } from './botHarness';
import { buildClaim } from './claimFactory';
import { objectsOfType } from '../cards/cardChecks';
import { minimalPdf } from './evidenceSamples';

/** Monday 2 March 2026, 09:00 in Seattle. */
export const MONDAY = new Date('2026-03-02T17:00:00.000Z');

export { OPERATOR };

export interface User {
  id: string;
  aadObjectId: string;
  name: string;
  tenantId: string;
}

export const REVIEWER: User = {
  id: '29:reviewer',
  aadObjectId: 'aad-operator-reviewer',
  name: 'Rae Reviewer',
  tenantId: OPERATOR.id,
};
export const ADMIN: User = { id: '29:admin', aadObjectId: 'aad-admin', name: 'Ada Admin', tenantId: ORG.id };
export const VIEWER: User = { id: '29:viewer', aadObjectId: 'aad-viewer', name: 'Vic Viewer', tenantId: ORG.id };
export const OTHER_ADMIN: User = {
  id: '29:other',
  aadObjectId: 'aad-other-admin',
  name: 'Oli Other',
  tenantId: OTHER_ORG.id,
};

export class SettableClock implements Clock {
  constructor(public at: Date = MONDAY) {}
  now(): Date {
    return this.at;
  }
}

export interface InvokeAnswer {
  status: number;
  /** The card that replaces the clicked one. */
  card: Record<string, unknown>;
  /** Every text the card shows (TextBlocks and TextRuns), to look for sentences. */
  text: string[];
}

export interface ReviewWorld {
  h: Harness;
  clock: SettableClock;
  bot: ClaimsBot;
  send(user: User, activity: Partial<Activity>, locale?: Locale): Promise<Partial<Activity>[]>;
  invoke(user: User, verb: string, data: Record<string, unknown>, locale?: Locale): Promise<InvokeAnswer>;
  /** A claim stored as it would be after submission (no lifecycle), for a customer tenant of its own unless given. */
  seed(overrides?: Partial<Claim>): Promise<Claim>;
  read(claim: Claim): Promise<Versioned<Claim>>;
}

export function shownText(content: unknown): string[] {
  return [...objectsOfType(content, 'TextBlock'), ...objectsOfType(content, 'TextRun')].map((node) =>
    String(node.text),
  );
}

export interface ReviewWorldOptions {
  /** The Teams profile email of each user; default none. */
  emailOf?: (aadObjectId: string) => string | undefined;
  roleNotices?: RoleNotices;
}

export async function reviewWorld(options: ReviewWorldOptions = {}): Promise<ReviewWorld> {
  const clock = new SettableClock();
  const h = await botHarness({ clock, orgs: [ORG, OTHER_ORG, OPERATOR] });
  const emailOf = options.emailOf ?? (() => undefined);
  const bot = composeBot(h.botServices, {
    timeZone: TIME_ZONE,
    logger: createLogger('silent'),
    clock,
    emailOf: async (context) => emailOf(context.activity.from?.aadObjectId ?? ''),
    roleNotices: options.roleNotices,
  });
  const conversations = new Map<string, string>();

  const send = async (
    user: User,
    activity: Partial<Activity>,
    locale: Locale = 'en-US',
  ): Promise<Partial<Activity>[]> => {
    const conversationId = conversations.get(user.aadObjectId) ?? `a:${randomUUID()}`;
    conversations.set(user.aadObjectId, conversationId);
    const adapter = new TestAdapter((context) => bot.run(context));
    await adapter.processActivity({
      type: 'message',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/amer/',
      locale,
      localTimezone: TIME_ZONE,
      from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
      recipient: { id: '28:bot', name: 'CPOR Claims' },
      conversation: {
        id: conversationId,
        tenantId: user.tenantId,
        conversationType: 'personal',
        isGroup: false,
        name: '',
      },
      ...activity,
    });
    return adapter.activeQueue.splice(0);
  };

  const invoke = async (
    user: User,
    verb: string,
    data: Record<string, unknown>,
    locale: Locale = 'en-US',
  ): Promise<InvokeAnswer> => {
    const [response] = await send(
      user,
      { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } },
      locale,
    );
    assert.equal(response?.type, 'invokeResponse');
    const { status, body } = response.value as {
      status: number;
      body: { statusCode: number; type: string; value: Record<string, unknown> };
    };
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive', JSON.stringify(body));
    return { status, card: body.value, text: shownText(body.value) };
  };

  const seed = async (overrides: Partial<Claim> = {}): Promise<Claim> => {
    const claim = buildClaim({
      partnerId: ORG.id,
      customerTenantId: randomUUID(),
      status: 'submitted',
      submittedAt: MONDAY.toISOString(),
      ...overrides,
    });
    return (await h.claims.create(claim)).value;
  };

  const read = async (claim: Claim): Promise<Versioned<Claim>> => {
    const stored = await h.claims.get(claim.partnerId, claim.id);
    assert.ok(stored, `claim ${claim.id} is gone`);
    return stored;
  };

  return { h, clock, bot, send, invoke, seed, read };
}

/** Stores a real PDF as the claim's PoE through the evidence store and records it on the claim. */
export async function withPoe(world: ReviewWorld, claim: Claim): Promise<{ claim: Claim; bytes: Buffer }> {
  const bytes = minimalPdf();
  const file = await world.h.services.evidence.put({
    partnerId: claim.partnerId,
    claimId: claim.id,
    poeId: randomUUID(),
    fileName: 'Signed SOW.pdf',
    declaredType: 'application/pdf',
    content: Readable.from([bytes]),
    uploadedBy: { role: 'partnerAdmin', id: 'aad-admin' },
  });
  const current = await world.read(claim);
  const written = await world.h.claims.replace({ ...current.value, poe: [...current.value.poe, file] }, current.etag);
  return { claim: written.value, bytes };
}

/** The data of the Action.Execute with this verb on a card, as Teams would send it back (inputs merged in). */
export function actionData(
  card: Record<string, unknown>,
  verb: string,
  inputs: Record<string, unknown> = {},
): Record<string, unknown> {
  const action = [...objectsOfType(card, 'Action.Execute')].find((a) => a.verb === verb);
  assert.ok(
    action,
    `the card offers no ${verb}; it offers ${[...objectsOfType(card, 'Action.Execute')].map((a) => String(a.verb)).join(', ')}`,
  );
  return { ...(action.data as Record<string, unknown>), ...inputs };
}

export const verbsOf = (card: Record<string, unknown>): string[] =>
  [...objectsOfType(card, 'Action.Execute')].map((a) => String(a.verb));

/**
 * The bot's services on the stand-ins, as the composition root builds them: Cosmos
 * repositories on a fresh database, the PoE container and generated documents in a
 * fresh Azurite container, the seeded tenant directory and a US business calendar.
 * Also the people the bot tests talk as.
 */
import { randomUUID } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import { BusinessCalendar } from '../../claims/calendar';
import type { PartnerOrganisation } from '../../claims/model';
import { rolesOf } from '../../claims/organisations';
import { systemClock, type Clock } from '../../claims/ports';
import { composeClaimServices, type BotServices } from '../../bot/app/claimServices';
import { TeamsFileSource } from '../../bot/teams/teamsFileSource';
import { setCaller, type Caller } from '../../dialogs/caller';
import type { ClaimServices } from '../../dialogs/services';
import { WordPoeTemplate } from '../../documents/poeTemplate';
import { TemplateLinkTokens } from '../../claims/templateLinkToken';
import { SignedTemplateLinks } from '../../bot/http/templateDownloads';
import { CosmosAssociationStore } from '../../storage/associationStore';
import { connectBlobStorage } from '../../storage/blobConnection';
import { createBotStateStorage } from '../../storage/botState';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { CosmosConversationReferenceStore } from '../../storage/conversationReferenceStore';
import { BlobDownloadLinks } from '../../storage/downloadLinks';
import { CosmosIdempotencyRecords } from '../../storage/idempotencyRecords';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import { StoredEvidenceReader } from '../../documents/evidenceReader';
import { BlobEvidenceStore } from '../../storage/poeStore';
import { loadSeededTenantDirectory } from '../../storage/tenantDirectory';
import { freshCosmosDatabase, type TestDatabase } from './cosmosTestDatabase';
import { standIns } from './rootHooks';
import { CosmosConversationStateStorage } from '../../storage/conversationStateStorage';
import { composeBot } from '../../bot/app/composeBot';
import { createLogger } from '../../bot/app/logger';
import { noTelemetry } from '../../bot/app/telemetry';
import { createAdapter } from '../../bot/http/adapter';
import { createServer, type BotServer } from '../../bot/http/server';

export const TIME_ZONE = 'America/Los_Angeles';

export const ORG: PartnerOrganisation = {
  id: '11111111-1111-4111-8111-111111111111',
  type: 'partner',
  name: 'Contoso Partners',
  locations: [{ mpnId: '1234567', name: 'Seattle' }],
  owners: ['aad-owner'],
  incentivesAdmins: ['aad-admin'],
  viewers: ['aad-viewer'],
  reviewers: [],
};

export const OTHER_ORG: PartnerOrganisation = {
  id: '22222222-2222-4222-8222-222222222222',
  type: 'partner',
  name: 'Fabrikam Solutions',
  locations: [{ mpnId: '7654321', name: 'Tokyo' }],
  owners: ['aad-other-owner'],
  incentivesAdmins: ['aad-other-admin'],
  reviewers: [],
};

/** The program operator: the organisation of the configured tenant, holding the reviewers. */
export const OPERATOR: PartnerOrganisation = {
  id: '99999999-9999-4999-8999-999999999999',
  type: 'operator',
  name: 'CPOR program operator',
  locations: [],
  incentivesAdmins: [],
  reviewers: ['aad-operator-reviewer'],
  operatorAdmins: ['aad-operator-admin'],
};

export interface Harness {
  services: ClaimServices;
  botServices: BotServices;
  partners: CosmosPartnerDirectory;
  references: CosmosConversationReferenceStore;
  claims: CosmosClaimRepository;
  db: TestDatabase;
  /** What the PoE card's template links are signed with, and what the template route makes. */
  templateTokens: TemplateLinkTokens;
  documents: WordPoeTemplate;
}

const TEMPLATE_SIGNING_KEY = 'the template link key of the bot tests, 32 chars+';

export async function botHarness(options: { clock?: Clock; orgs?: PartnerOrganisation[] } = {}): Promise<Harness> {
  const db = await freshCosmosDatabase();
  const { cosmos, azurite } = standIns();
  const { service, signer } = connectBlobStorage({ connectionString: azurite.connectionString });
  const poeContainer = service.getContainerClient(`poe-${randomUUID()}`);
  const claims = new CosmosClaimRepository(db.container('claims'));
  const evidence = new BlobEvidenceStore({ container: poeContainer, signer, claims });
  await evidence.ensureContainer();
  const clock = options.clock ?? systemClock;
  const partners = new CosmosPartnerDirectory(db.container('partners'), { operatorTenantId: OPERATOR.id });
  for (const org of options.orgs ?? [ORG, OTHER_ORG, OPERATOR]) await partners.upsert(org);
  const references = new CosmosConversationReferenceStore(db.container('conversationReferences'));
  const templateTokens = new TemplateLinkTokens(TEMPLATE_SIGNING_KEY, clock);
  const botServices: BotServices = {
    claims,
    associations: new CosmosAssociationStore(db.container('associations')),
    evidence,
    evidenceText: new StoredEvidenceReader({ evidence, maxBytes: evidence.maxBytes }),
    partners,
    tenants: await loadSeededTenantDirectory(),
    files: new TeamsFileSource({ allowLoopbackHttp: true }),
    links: new BlobDownloadLinks({ container: poeContainer, signer, clock }),
    templateLinks: new SignedTemplateLinks('http://localhost', templateTokens),
    calendar: new BusinessCalendar({ country: 'US', timeZone: TIME_ZONE }),
    conversationReferences: references,
    botStorage: createBotStateStorage({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId: db.databaseId }),
    conversationStorage: new CosmosConversationStateStorage(db.container('botState')),
    idempotencyRecords: new CosmosIdempotencyRecords(db.container('idempotencyRecords')),
  };
  return {
    services: composeClaimServices(botServices, { timeZone: TIME_ZONE, clock }),
    botServices,
    partners,
    references,
    claims,
    db,
    templateTokens,
    documents: new WordPoeTemplate({ partners, timeZone: TIME_ZONE, clock }),
  };
}

/** A Caller as the bot resolves it, for dialog tests that run without the bot. */
export function callerFor(
  org: PartnerOrganisation | undefined,
  aadObjectId: string,
  locale: Caller['locale'] = 'en-US',
): Caller {
  const roles = rolesOf(org, { aadObjectId }, OPERATOR.id);
  return {
    tenantId: org?.id ?? '33333333-3333-4333-8333-333333333333',
    aadObjectId,
    name: 'Ada Admin',
    locale,
    org,
    roles,
    isIncentivesAdmin: roles.includes('incentivesAdmin'),
    isReviewer: roles.includes('reviewer'),
  };
}

/** DialogTestClient middleware that puts the caller in turn state, as the bot does. */
export const callerMiddleware = (caller: () => Caller) => ({
  onTurn: async (context: TurnContext, next: () => Promise<void>) => {
    setCaller(context, caller());
    await next();
  },
});

/** The bot as composed for the app, unauthenticated, over HTTP on loopback. */
export async function composedBotOverHttp(botServices: BotServices): Promise<{ endpoint: string; server: BotServer }> {
  const logger = createLogger('silent');
  const server = createServer({
    publicUrl: 'http://localhost',
    logger,
    adapter: createAdapter({ appId: '', appType: 'SingleTenant', tenantId: '' }, { logger, telemetry: noTelemetry }),
    bot: composeBot(botServices, { timeZone: TIME_ZONE, logger }),
    health: [],
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { endpoint: `http://127.0.0.1:${port}/api/messages`, server };
}

/** An activity of a user in their personal chat with the bot in Teams (a message unless `activity` says otherwise). */
export const personalChat = (
  from: { id: string; aadObjectId: string; name: string },
  conversation: { id: string; tenantId: string },
  activity: Partial<Activity> = {},
): Partial<Activity> => ({
  type: 'message',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/amer/',
  locale: 'en-US',
  from,
  recipient: { id: '28:bot', name: 'CPOR Claims' },
  conversation: { ...conversation, conversationType: 'personal', isGroup: false, name: '' },
  ...activity,
});

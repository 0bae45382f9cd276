/**
 * The composition root: the one place that builds the app from configuration and
 * hands every part its dependencies. `npm start` runs it; with no Azure settings it
 * starts the embedded local stack first.
 */
// First: configuration and telemetry, before any module that loads `http`.
import { config, telemetry } from './app/startup';
import type { CosmosDbPartitionedStorage } from 'botbuilder-azure';
import { BusinessCalendar } from '../claims/calendar';
import { ClaimLifecycle } from '../claims/lifecycle';
import { CosmosAssociationStore } from '../storage/associationStore';
import { createBotStateStorage } from '../storage/botState';
import { CosmosConversationStateStorage } from '../storage/conversationStateStorage';
import { CosmosClaimRepository } from '../storage/claimRepository';
import { containerSpec } from '../storage/cosmosSchema';
import { CosmosConversationReferenceStore } from '../storage/conversationReferenceStore';
import { CosmosDeliveryLedger } from '../storage/deliveryLedger';
import { CosmosIdempotencyRecords } from '../storage/idempotencyRecords';
import { CosmosPartnerDirectory } from '../storage/partnerDirectory';
import { CosmosReassociationNotices } from '../storage/reassociationNotices';
import { WordPoeTemplate } from '../documents/poeTemplate';
import { BlobDownloadLinks } from '../storage/downloadLinks';
import { StoredEvidenceReader } from '../documents/evidenceReader';
import { BlobEvidenceStore } from '../storage/poeStore';
import type { TenantDirectory } from '../claims/ports';
import { tenantDirectoryFor } from './app/tenantLookup';
import { createAdapter } from './http/adapter';
import { composeBot, turnMiddleware } from './app/composeBot';
import { composeConsent, type ConsentParts } from './app/composeConsent';
import { composeNotifications, type NotificationParts } from './app/composeNotifications';
import type { Config } from './app/config';
import { Lifecycle } from './app/lifecycle';
import { createLogger, engineLog, flushLogger, type Logger } from './app/logger';
import { OutboxKick } from './notifications/outboxKick';
import { allRoutes, legalRoutes } from './http/legalRoutes';
import { SignedTemplateLinks, templateDownloadRoutes } from './http/templateDownloads';
import { TemplateLinkTokens } from '../claims/templateLinkToken';
import { createServer } from './http/server';
import { PoeChecks } from '../dialogs/poeChecks';
import { ProactiveCardUpdater } from './notifications/proactiveCardUpdater';
import { LocalSamplePoe } from './teams/samplePoe';
import { TeamsFileSource } from './teams/teamsFileSource';
import { connectStorage, type StorageConnections } from './app/storageConnections';

/** How long a stop waits for turns in flight before closing their connections. */
const TURN_GRACE_MS = 10_000;

/** The domain's ports, implemented on Cosmos DB and Blob storage. */
export interface Services {
  claims: CosmosClaimRepository;
  associations: CosmosAssociationStore;
  partners: CosmosPartnerDirectory;
  conversationReferences: CosmosConversationReferenceStore;
  evidence: BlobEvidenceStore;
  /** How old the latest date in a PoE may be before the checklist warns. */
  poeMaxAgeMonths: number;
  /** Reads stored PoE files for the reviewers' checklist. */
  evidenceText: StoredEvidenceReader;
  /** User state (language choices). */
  botStorage: CosmosDbPartitionedStorage;
  /** Conversation state (the dialog stack), written with the eTag each turn read. */
  conversationStorage: CosmosConversationStateStorage;
  /** Work that must happen once: redelivered activities, sent outbox messages, a conversation's welcome. */
  idempotencyRecords: CosmosIdempotencyRecords;
  calendar: BusinessCalendar;
  /** Which tenant a domain belongs to: Microsoft Entra ID itself, or the seeded demo list in local mode. */
  tenants: TenantDirectory;
  /** Files attached in Teams, fetched in the turn they arrive. */
  files: TeamsFileSource;
  /** Local mode only: the PoE card's sample for the Agents Playground, which cannot upload files. */
  samplePoe?: LocalSamplePoe;
  /** Generated exports (CSV) behind short-lived links, in the PoE container. */
  links: BlobDownloadLinks;
  /** The PoE template, made when its signed link is opened (bot/http/templateDownloads.ts). */
  documents: WordPoeTemplate;
  templateTokens: TemplateLinkTokens;
  templateLinks: SignedTemplateLinks;
  /** Legacy Microsoft 365 customers each partner must re-associate (npm run import-legacy). */
  reassociations: CosmosReassociationNotices;
}

export interface RunningApp {
  config: Config;
  logger: Logger;
  /** Where the bot listens, e.g. http://127.0.0.1:3978. */
  url: string;
  storage: StorageConnections;
  services: Services;
  lifecycle: Lifecycle;
  /** The claims' status changes, configured with the window and answer deadline. */
  claimLifecycle: ClaimLifecycle;
  consent: ConsentParts;
  /** Proactive messages, the outbox's delivery and the scheduler. */
  notifications: NotificationParts;
}

async function createServices(storage: StorageConnections, logger: Logger): Promise<Services> {
  const container = (name: Parameters<typeof containerSpec>[0]) => storage.database.container(containerSpec(name).id);
  const partners = new CosmosPartnerDirectory(container('partners'), { operatorTenantId: config.operatorTenantId });
  const claims = new CosmosClaimRepository(container('claims'));
  const templateTokens = new TemplateLinkTokens(config.consentSigningKey);
  const evidence = new BlobEvidenceStore({
    container: storage.poeContainer,
    signer: storage.blobSigner,
    maxBytes: config.blob.poeMaxBytes,
    claims,
  });
  return {
    claims,
    associations: new CosmosAssociationStore(container('associations')),
    partners,
    conversationReferences: new CosmosConversationReferenceStore(container('conversationReferences')),
    evidence,
    evidenceText: new StoredEvidenceReader({ evidence, maxBytes: config.blob.poeMaxBytes, ocr: config.poeOcr }),
    poeMaxAgeMonths: config.poeMaxAgeMonths,
    botStorage: createBotStateStorage({ ...storage.cosmosConnection, databaseId: config.cosmos.databaseId }),
    conversationStorage: new CosmosConversationStateStorage(container('botState')),
    idempotencyRecords: new CosmosIdempotencyRecords(container('idempotencyRecords')),
    calendar: new BusinessCalendar(config.calendar),
    tenants: await tenantDirectoryFor(config, logger),
    // Plain http only to loopback and only locally: the Playground's injected files, never an SSRF hole in Azure,
    // where only Teams, SharePoint and OneDrive hosts at public addresses are fetched from.
    files: new TeamsFileSource({
      allowLoopbackHttp: config.mode === 'local',
      allowedHosts: config.poeDownloadHosts,
      maxBytes: config.blob.poeMaxBytes,
    }),
    ...(config.mode === 'local' ? { samplePoe: new LocalSamplePoe() } : {}),
    links: new BlobDownloadLinks({ container: storage.poeContainer, signer: storage.blobSigner }),
    documents: new WordPoeTemplate({ partners, timeZone: config.calendar.timeZone }),
    templateTokens,
    templateLinks: new SignedTemplateLinks(config.publicUrl, templateTokens),
    reassociations: new CosmosReassociationNotices(container('partners')),
  };
}

/** How the app reaches its storage; the bench passes one for stand-ins running in their own processes. */
export type StorageConnector = (config: Config, logger: Logger) => Promise<StorageConnections>;

export async function startApp(connect: StorageConnector = connectStorage): Promise<RunningApp> {
  const logger = createLogger(config.logLevel);
  const lifecycle = new Lifecycle(logger);
  // Registered first, so it runs last: everything else may still log while stopping.
  lifecycle.onStop('flush logs', () => flushLogger(logger));
  lifecycle.onStop('flush telemetry', () => telemetry.flush());
  logger.info({ mode: config.mode, authentication: config.bot.appId ? config.bot.appType : 'off' }, 'starting');

  const storage = await connect(config, logger);
  lifecycle.onStop('close storage', () => storage.close());
  try {
    return await startOn(storage, logger, lifecycle);
  } catch (e) {
    // Whatever started is stopped again (the local stack's Azurite runs in a child process).
    await lifecycle.stop('start-up failed');
    throw e;
  }
}

async function startOn(storage: StorageConnections, logger: Logger, lifecycle: Lifecycle): Promise<RunningApp> {
  const services = await createServices(storage, logger);
  const log = engineLog(logger);
  // Each transition's outbox is delivered right after its write, not at the next sweep.
  const outboxKick = new OutboxKick({ log });
  const claimLifecycle = new ClaimLifecycle({
    ...services,
    claims: outboxKick.watching(services.claims),
    // Contacts belong to their organisations: checked at submission and approval, as they are while typing.
    contactTenants: services.tenants,
    optOutWindow: config.optOutWindow.spec,
    infoDeadlineBusinessDays: config.infoDeadlineBusinessDays,
    log,
  });
  const consent = composeConsent(config, {
    ...services,
    lifecycle: claimLifecycle,
    database: storage.database,
    logger,
  });
  lifecycle.onStop('close mailer', () => consent.close());

  const adapter = createAdapter(config.bot, { logger, telemetry });
  const notifications = composeNotifications(config, {
    ...services,
    lifecycle: claimLifecycle,
    consent,
    database: storage.database,
    adapter,
    kick: outboxKick,
    delivered: new CosmosDeliveryLedger(services.idempotencyRecords),
    log,
  });
  // Runs after the HTTP server stopped (turns drained) and before the storage closes.
  lifecycle.onStop('stop scheduler', () => notifications.stop());
  // PoE checks run after the turn that received the file, then update its card through a proactive turn.
  const poeChecks = new PoeChecks({ updater: new ProactiveCardUpdater(adapter, config.bot.appId), log });
  // Runs after the HTTP server stopped: checks already started finish and record their result.
  lifecycle.onStop('finish PoE checks', () => poeChecks.idle());
  const bot = composeBot(services, {
    poeChecks,
    timeZone: config.calendar.timeZone,
    logger,
    lifecycle: claimLifecycle,
    evidenceMaxBytes: config.blob.poeMaxBytes,
    log,
    cardActions: notifications.cardActions,
    roleNotices: notifications.roleNotices,
  });
  // The read-ahead, then the de-duplication of redelivered activities (see turnMiddleware).
  adapter.use(...turnMiddleware(bot, { records: services.idempotencyRecords, logger }));
  const app = createServer({
    publicUrl: config.publicUrl,
    logger,
    adapter,
    bot,
    health: storage.probes,
    routes: allRoutes(
      consent.routes,
      legalRoutes,
      templateDownloadRoutes({
        tokens: services.templateTokens,
        claims: services.claims,
        documents: services.documents,
        log: logger,
      }),
    ),
  });
  // Without an app id nobody is authenticated: then only this machine may talk to the bot.
  const host = config.bot.appId ? undefined : '127.0.0.1';
  const address = await app.listen(config.port, host);
  lifecycle.onStop('stop HTTP server', async () => {
    const { unfinishedTurns } = await app.close(TURN_GRACE_MS);
    if (unfinishedTurns) logger.warn({ unfinishedTurns }, 'turns still running when the grace period ended');
  });

  notifications.start();

  const url = `http://${host ?? 'localhost'}:${address.port}`;
  logger.info({ url: `${url}/api/messages`, health: `${url}/healthz`, publicUrl: config.publicUrl }, 'bot listening');
  if (config.mode === 'local') logger.info({ dataDir: config.dataDir }, 'local mode: chat with `npm run playground`');
  return { config, logger, url, storage, services, lifecycle, claimLifecycle, consent, notifications };
}

if (require.main === module) {
  startApp().then(
    (app) => app.lifecycle.installProcessHandlers(),
    (e: unknown) => {
      // One line, no stack: what went wrong and which setting to change.
      const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
      process.stderr.write(`start-up failed: ${message}\n`);
      process.exit(1);
    },
  );
}

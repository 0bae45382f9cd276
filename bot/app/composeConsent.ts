/**
 * The customer's side of an approval: signed consent links, the mailer that carries
 * them (SMTP in Azure, .eml files under DATA_DIR/outbox locally) and the consent page.
 */
import path from 'node:path';
import type { Database } from '@azure/cosmos';
import type { ClaimLifecycle } from '../../claims/lifecycle';
import { ConsentTokens } from '../../claims/consentToken';
import type { ClaimRepository, Mailer, PartnerDirectory } from '../../claims/ports';
import { CosmosConsentNonceStore } from '../../storage/consentNonceStore';
import { containerSpec } from '../../storage/cosmosSchema';
import { OutboxFolderMailer } from '../../storage/mail/outboxFolderMailer';
import { SmtpMailer } from '../../storage/mail/smtpMailer';
import type { Config } from './config';
import { ConsentMailNotifier } from '../consent/consentMailNotifier';
import { createConsentRoutes } from '../consent/consentRoutes';
import { engineLog, type Logger } from './logger';
import { CosmosConsentGrantStore } from '../../storage/consentGrantStore';
import type { ConsentGrantStore } from '../../claims/ports';

export interface ConsentParts {
  tokens: ConsentTokens;
  grants: ConsentGrantStore;
  mailer: Mailer;
  /** Delivers the outbox's customerConsentRequest by email. */
  mail: ConsentMailNotifier;
  routes: ReturnType<typeof createConsentRoutes>;
  close(): void;
}

export interface ConsentDeps {
  claims: ClaimRepository;
  partners: PartnerDirectory;
  lifecycle: ClaimLifecycle;
  database: Database;
  logger: Logger;
}

export function composeConsent(config: Config, deps: ConsentDeps): ConsentParts {
  const tokens = new ConsentTokens(config.consentSigningKey);
  // Links name an opaque grant id; the grant (claim, contact, window) stays here.
  const grants = new CosmosConsentGrantStore(deps.database.container(containerSpec('consentNonces').id));
  const smtp = config.mail.smtpUrl
    ? new SmtpMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from })
    : undefined;
  const mailer =
    smtp ??
    new OutboxFolderMailer({
      directory: path.join(config.dataDir, 'outbox'),
      from: config.mail.from,
      log: deps.logger,
      logLinks: config.mode === 'local',
    });
  const mail = new ConsentMailNotifier({
    mailer,
    tokens,
    grants,
    partners: deps.partners,
    publicUrl: config.publicUrl,
    timeZone: config.calendar.timeZone,
    log: engineLog(deps.logger),
  });
  const routes = createConsentRoutes({
    tokens,
    grants,
    claims: deps.claims,
    lifecycle: deps.lifecycle,
    partners: deps.partners,
    nonces: new CosmosConsentNonceStore(deps.database.container(containerSpec('consentNonces').id)),
    log: deps.logger,
    publicUrl: config.publicUrl,
    timeZone: config.calendar.timeZone,
    // App Service's front end sets X-Forwarded-For; locally nobody does.
    trustForwardedFor: config.mode === 'azure',
  });
  return { tokens, grants, mailer, mail, routes, close: () => smtp?.close() };
}

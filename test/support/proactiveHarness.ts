/**
 * Proactive sending as the app wires it, on the stand-ins: the real CloudAdapter (no app
 * id, as locally), conversation references in Cosmos pointing at a recording connector on
 * loopback, the ProactiveSender and the Teams notifiers over the engine of
 * test/claims/engineHarness.ts (its settable clock and lifecycle).
 */
import { randomUUID } from 'node:crypto';
import type { Claim } from '../../claims/model';
import type { Mailer, MailMessage, StoredConversationReference } from '../../claims/ports';
import { createAdapter, type BotAdapter } from '../../bot/http/adapter';
import { createLogger } from '../../bot/app/logger';
import { ProactiveSender } from '../../bot/notifications/proactiveSender';
import { TeamsNotifier } from '../../bot/notifications/teamsNotifier';
import { noTelemetry } from '../../bot/app/telemetry';
import type { Locale } from '../../locales/i18n';
import { CosmosConversationReferenceStore } from '../../storage/conversationReferenceStore';
import type { Engine } from '../claims/engineHarness';
import { personalReference, type RecordingConnector } from './recordingConnector';

export const TIME_ZONE = 'America/Los_Angeles';

export interface Proactive {
  adapter: BotAdapter;
  references: CosmosConversationReferenceStore;
  sender: ProactiveSender;
  teams: TeamsNotifier;
  /** Stores a reference for a Teams user, reaching `connector`; returns it with its conversation id. */
  reachable(user: {
    tenantId: string;
    aadObjectId: string;
    email?: string;
    locale?: Locale;
  }): Promise<StoredConversationReference & { conversationId: string }>;
}

export function proactiveOn(
  engine: Engine,
  connector: RecordingConnector,
  options: { allowHttpServiceUrl?: boolean } = {},
): Proactive {
  const adapter = createAdapter(
    { appId: '', appType: 'SingleTenant', tenantId: '' },
    { logger: createLogger('silent'), telemetry: noTelemetry },
  );
  const references = new CosmosConversationReferenceStore(engine.db.container('conversationReferences'));
  const sender = new ProactiveSender({
    adapter,
    botAppId: '',
    references,
    allowHttpServiceUrl: options.allowHttpServiceUrl ?? true,
    log: engine.log,
  });
  const teams = new TeamsNotifier({ sender, references, timeZone: TIME_ZONE, log: engine.log });
  return {
    adapter,
    references,
    sender,
    teams,
    reachable: async ({ tenantId, aadObjectId, email, locale = 'en-US' }) => {
      const reference = personalReference(connector.url, { id: `29:${randomUUID()}`, aadObjectId }, tenantId, locale);
      const stored: StoredConversationReference = {
        tenantId,
        aadObjectId,
        email,
        locale,
        reference,
        updatedAt: engine.clock.now().toISOString(),
        dead: false,
      };
      await references.save(stored);
      return { ...stored, conversationId: String((reference.conversation as { id: string }).id) };
    },
  };
}

/** The text of every TextRun and TextBlock of a card activity, joined by newlines. */
export function cardText(activity: Record<string, unknown> | undefined): string {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if ((record.type === 'TextRun' || record.type === 'TextBlock') && typeof record.text === 'string')
        texts.push(record.text);
      Object.values(record).forEach(visit);
    }
  };
  visit((activity?.attachments as unknown[] | undefined)?.map((a) => (a as { content?: unknown }).content));
  return texts.join('\n');
}

/** The outbox message ids of a claim's partner notifications, as the connector saw them. */
export const messageIdOf = (activity: Record<string, unknown>): unknown =>
  (activity.channelData as Record<string, unknown> | undefined)?.cporMessageId;

export const claimKey = (claim: Claim): string => `${claim.partnerId}/${claim.id}`;

/** The mailer port, recording what it was given: the one fake the consent email needs here. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
}

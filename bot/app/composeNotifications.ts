/**
 * Who hears about a claim, and when: the notifiers behind the outbox, the dispatcher
 * that delivers it, the scheduler that closes windows and missed deadlines and sweeps
 * the outbox, and the Teams consent card's actions. Built by the composition root.
 *
 * Routing (CompositeNotifier): the customer's consent request goes by email and, when
 * the contact uses Teams with the bot, as a card there too; every partner kind goes to
 * Teams. Delivery starts right after each transition (OutboxKick) and again at every
 * sweep for what is still due.
 */
import type { Database } from '@azure/cosmos';
import type { ConsentTokens } from '../../claims/consentToken';
import type { ClaimLifecycle } from '../../claims/lifecycle';
import type { Claim, OutboxMessage } from '../../claims/model';
import {
  RECIPIENT_OF,
  errorName,
  isNotificationKind,
  silentLog,
  type DeliveryOutcome,
  type EngineLog,
  type Notifier,
} from '../../claims/notifications';
import { OutboxDispatcher, type DeliveryLedger, type RetryPolicy } from '../../claims/outboxDispatcher';
import type {
  AssociationStore,
  ClaimRepository,
  Clock,
  ConversationReferenceStore,
  PartnerDirectory,
} from '../../claims/ports';
import { Scheduler, type LegacyHoldExpiry, type SchedulerTimer, type UnrecordedEvidence } from '../../claims/scheduler';
import { CosmosConsentNonceStore } from '../../storage/consentNonceStore';
import { containerSpec } from '../../storage/cosmosSchema';
import type { CardActionHandler } from '../../dialogs/cardActions';
import type { Config } from './config';
import { consentCardActions } from '../consent/consentCardActions';
import type { OutboxKick } from '../notifications/outboxKick';
import { ProactiveSender, type ProactiveAdapter } from '../notifications/proactiveSender';
import { TeamsConsentCardNotifier } from '../consent/teamsConsentCard';
import { TeamsNotifier } from '../notifications/teamsNotifier';
import type { ConsentGrantStore } from '../../claims/ports';
import { RoleNotifier } from '../notifications/roleNotifier';

export interface NotificationRoutes {
  /** The consent request by email (ConsentMailNotifier). */
  consentMail: Notifier;
  /** The consent card in Teams, when the contact is reachable there. */
  consentCard: Notifier;
  /** Every partner kind (TeamsNotifier). */
  partner: Notifier;
}

export class CompositeNotifier implements Notifier {
  private readonly log: EngineLog;

  constructor(
    private readonly routes: NotificationRoutes,
    log?: EngineLog,
  ) {
    this.log = log ?? silentLog;
  }

  async deliver(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    if (message.kind === 'customerConsentRequest') return this.consentRequest(claim, message);
    if (isNotificationKind(message.kind) && RECIPIENT_OF[message.kind] === 'partner')
      return this.routes.partner.deliver(claim, message);
    this.log('warn', 'notify.unknownKind', { claimId: claim.id, messageId: message.id, kind: message.kind });
    return 'dead';
  }

  /**
   * Email first: it always reaches the customer, so it decides the outcome. The card
   * goes once the email has (so a retried email does not send the card twice), or
   * instead of an email that can never go; a card that fails is not worth re-sending
   * an email that went.
   */
  private async consentRequest(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    const mailed = await this.routes.consentMail.deliver(claim, message);
    if (mailed === 'retry') return 'retry';
    let carded: DeliveryOutcome;
    try {
      carded = await this.routes.consentCard.deliver(claim, message);
    } catch (e) {
      this.log('warn', 'consentCard.failed', { claimId: claim.id, messageId: message.id, error: errorName(e) });
      carded = 'retry';
    }
    if (mailed === 'sent' || carded === 'sent') return 'sent';
    return carded === 'retry' ? 'retry' : 'dead';
  }
}

/** The settings this part reads. */
export type NotificationSettings = Pick<
  Config,
  'mode' | 'bot' | 'calendar' | 'schedulerIntervalSeconds' | 'optOutWindow'
>;

/** Sweeps at most this far apart when the window is a plain duration (demos, tests): "two minutes" should mean two minutes. */
const DURATION_WINDOW_MAX_INTERVAL_SECONDS = 5;

/** How often the scheduler sweeps, in ms. */
export function sweepIntervalMs(
  settings: Pick<NotificationSettings, 'schedulerIntervalSeconds' | 'optOutWindow'>,
): number {
  const seconds =
    settings.optOutWindow.kind === 'duration'
      ? Math.min(settings.schedulerIntervalSeconds, DURATION_WINDOW_MAX_INTERVAL_SECONDS)
      : settings.schedulerIntervalSeconds;
  return seconds * 1000;
}

export interface NotificationDeps {
  /** The plain repository (not the kick's watching one: the dispatcher's own writes must not kick). */
  claims: ClaimRepository;
  associations: AssociationStore & LegacyHoldExpiry;
  partners: PartnerDirectory;
  conversationReferences: ConversationReferenceStore;
  /** The configured lifecycle (customer answers from Teams, windows closed by the scheduler). */
  lifecycle: ClaimLifecycle;
  consent: { tokens: ConsentTokens; mail: Notifier; grants?: ConsentGrantStore };
  /** Where the consent links' nonces live (the consentNonces container). */
  database: Database;
  adapter: ProactiveAdapter;
  kick: OutboxKick;
  /** Remembers sent messages so a dispatcher that died between send and settle does not send twice. */
  delivered?: DeliveryLedger;
  log?: EngineLog;
  clock?: Clock;
  /** Tests drive the scheduler's loop by hand. */
  timer?: SchedulerTimer;
  retry?: Partial<RetryPolicy>;
  random?: () => number;
  /** PoE files the scheduler removes when no claim records them after the grace period; none by default. */
  evidence?: UnrecordedEvidence;
}

export interface NotificationParts {
  notifier: CompositeNotifier;
  /** Access requests told to owners and answers to requesters, in Teams. */
  roleNotices: RoleNotifier;
  dispatcher: OutboxDispatcher;
  scheduler: Scheduler;
  /** The consent card's Action.Execute handlers, for the bot's CardActionRouter. */
  cardActions: [verb: string, handler: CardActionHandler][];
  intervalMs: number;
  /** Starts the scheduler's loop. */
  start(): void;
  /** Stops the loop and the kicks, waiting for the work in flight; before storage closes. */
  stop(): Promise<void>;
}

export function composeNotifications(settings: NotificationSettings, deps: NotificationDeps): NotificationParts {
  const log = deps.log ?? silentLog;
  const timeZone = settings.calendar.timeZone;
  const sender = new ProactiveSender({
    adapter: deps.adapter,
    botAppId: settings.bot.appId,
    references: deps.conversationReferences,
    allowHttpServiceUrl: settings.mode === 'local',
    log,
  });
  const references = deps.conversationReferences;
  const notifier = new CompositeNotifier(
    {
      consentMail: deps.consent.mail,
      consentCard: new TeamsConsentCardNotifier({
        sender,
        references,
        tokens: deps.consent.tokens,
        grants: deps.consent.grants,
        partners: deps.partners,
        timeZone,
        clock: deps.clock,
        log,
      }),
      partner: new TeamsNotifier({ sender, references, timeZone, log }),
    },
    log,
  );
  const dispatcher = new OutboxDispatcher({
    claims: deps.claims,
    notifier,
    associations: deps.associations,
    delivered: deps.delivered,
    clock: deps.clock,
    retry: deps.retry,
    random: deps.random,
    log,
  });
  deps.kick.attach(dispatcher);
  const scheduler = new Scheduler({
    claims: deps.claims,
    associations: deps.associations,
    lifecycle: deps.lifecycle,
    dispatcher,
    clock: deps.clock,
    // Pending holds younger than this belong to an approval still running: the repair pass leaves them.
    repairGraceMs: 10 * 60_000,
    timer: deps.timer,
    log,
    ...(deps.evidence ? { evidence: deps.evidence } : {}),
  });
  const cardActions = consentCardActions({
    tokens: deps.consent.tokens,
    grants: deps.consent.grants,
    claims: deps.claims,
    lifecycle: deps.lifecycle,
    nonces: new CosmosConsentNonceStore(deps.database.container(containerSpec('consentNonces').id), {
      clock: deps.clock,
    }),
    partners: deps.partners,
    references,
    timeZone,
    log,
  });
  const intervalMs = sweepIntervalMs(settings);
  return {
    notifier,
    roleNotices: new RoleNotifier({ sender, references, timeZone, log }),
    dispatcher,
    scheduler,
    cardActions,
    intervalMs,
    start: () => scheduler.start(intervalMs),
    stop: async () => {
      await scheduler.stop();
      await deps.kick.close();
    },
  };
}

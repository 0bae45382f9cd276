/**
 * The services the bot is built from, and the dialogs' share of them (ClaimServices):
 * the storage adapters the composition root connects, plus where users are reached
 * proactively and where dialog state lives.
 */
import { randomUUID } from 'node:crypto';
import type { Storage } from 'botbuilder';
import { systemClock, type Clock, type ConversationReferenceStore, type RoleNotices } from '../../claims/ports';
import { RoleAdmin } from '../../claims/roleAdmin';
import { ClaimLifecycle } from '../../claims/lifecycle';
import { silentLog, type EngineLog } from '../../claims/notifications';
import type { ClaimServices } from '../../dialogs/services';
import { PoeChecks } from '../../dialogs/poeChecks';
import type { WelcomeRecords } from '../teams/welcomeOnce';

export type BotServices = Omit<
  ClaimServices,
  'clock' | 'timeZone' | 'newId' | 'lifecycle' | 'evidenceMaxBytes' | 'log' | 'roles' | 'roleNotices'
> & {
  conversationReferences: ConversationReferenceStore;
  /** User state (language choices). */
  botStorage: Storage;
  /** Conversation state (the dialog stack), written with the eTag each turn read (storage/conversationStateStorage.ts). */
  conversationStorage: Storage;
  /** Work that must happen once (Cosmos DB `idempotencyRecords`): here, a conversation's welcome. */
  idempotencyRecords: WelcomeRecords;
};

export interface ClaimServicesOptions {
  /** The zone dates are shown in when Teams does not say the user's own (the calendar's). */
  timeZone: string;
  clock?: Clock;
  /** The configured lifecycle; tests may leave it to the defaults (5 business days, 14 to answer). */
  lifecycle?: ClaimLifecycle;
  /** Default: the PoE store's own limit. */
  evidenceMaxBytes?: number;
  log?: EngineLog;
  /** Access requests told in Teams (the proactive sender); absent in tests that do not look. */
  roleNotices?: RoleNotices;
  /** Where PoE checks run after their turn; default: one of its own, which records results without updating cards. */
  poeChecks?: PoeChecks;
}

const DEFAULT_POE_MAX_BYTES = 25 * 1024 * 1024;

export function composeClaimServices(services: BotServices, options: ClaimServicesOptions): ClaimServices {
  const {
    conversationReferences: _references,
    botStorage: _storage,
    conversationStorage: _conversations,
    idempotencyRecords: _records,
    ...ports
  } = services;
  const clock = options.clock ?? systemClock;
  const lifecycle = options.lifecycle ?? new ClaimLifecycle({ ...ports, clock });
  const evidenceMaxBytes = options.evidenceMaxBytes ?? DEFAULT_POE_MAX_BYTES;
  const roles = new RoleAdmin({ organisations: ports.partners, clock, newId: randomUUID });
  return {
    ...ports,
    clock,
    lifecycle,
    roles,
    roleNotices: options.roleNotices,
    poeChecks: options.poeChecks ?? ports.poeChecks ?? new PoeChecks({ log: options.log ?? silentLog }),
    evidenceMaxBytes,
    log: options.log ?? silentLog,
    timeZone: options.timeZone,
    newId: randomUUID,
  };
}

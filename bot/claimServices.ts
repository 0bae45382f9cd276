/**
 * The services the bot is built from, and the dialogs' share of them (ClaimServices):
 * the storage adapters the composition root connects, plus where users are reached
 * proactively and where dialog state lives.
 */
import { randomUUID } from 'node:crypto';
import type { Storage } from 'botbuilder';
import { systemClock, type Clock, type ConversationReferenceStore } from '../claims/ports';
import type { ClaimServices } from '../dialogs/services';

export type BotServices = Omit<ClaimServices, 'clock' | 'timeZone' | 'newId'> & {
  conversationReferences: ConversationReferenceStore;
  botStorage: Storage;
};

export interface ClaimServicesOptions {
  /** The zone dates are shown in when Teams does not say the user's own (the calendar's). */
  timeZone: string;
  clock?: Clock;
}

export function composeClaimServices(services: BotServices, options: ClaimServicesOptions): ClaimServices {
  const { conversationReferences: _references, botStorage: _storage, ...ports } = services;
  return { ...ports, clock: options.clock ?? systemClock, timeZone: options.timeZone, newId: randomUUID };
}

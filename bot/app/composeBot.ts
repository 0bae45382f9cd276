/**
 * Assembles the Teams bot from the storage adapters: the dialogs' ClaimServices, the
 * main dialog with the new-claim flow, and the activity handler. Called by the
 * composition root (index.ts), which owns configuration and connections; kept apart
 * from it so tests can build the very same bot on the stand-ins without loading the
 * process-wide configuration.
 */
import { ConversationState, type Middleware } from 'botbuilder';
import type { FocusedClaim } from '../../dialogs/claimFocus';
import { MainDialog } from '../../dialogs/mainDialog';
import { NewClaimDialog } from '../../dialogs/newClaim/newClaimDialog';
import { CardActionRouter, type CardActionHandler } from '../../dialogs/cardActions';
import { CallerResolver, type EmailLookup } from '../teams/callerResolver';
import { composeClaimServices, type BotServices, type ClaimServicesOptions } from './claimServices';
import { ClaimsBot } from '../teams/claimsBot';
import { DeduplicateActivities, type DeduplicateActivitiesOptions } from '../teams/deduplicateActivities';
import { reviewCardActions } from '../../dialogs/reviewer/commentActions';
import { roleCardActions } from '../../dialogs/roles/roleActions';
import { LanguageCommand } from '../teams/languageCommand';
import { LanguagePreferences } from '../teams/languagePreference';
import type { Logger } from './logger';
import { teamsEmailLookup } from '../teams/teamsProfile';
import { newTurnReads } from '../../storage/turnReads';

export interface ComposeBotOptions extends ClaimServicesOptions {
  logger: Logger;
  /** Default: the user's Teams profile. */
  emailOf?: EmailLookup;
  /** `Action.Execute` handlers by verb. */
  cardActions?: Iterable<readonly [verb: string, handler: CardActionHandler]>;
}

/** The conversation-state property of the claim a conversation is about (dialogs/claimFocus.ts). */
const CLAIM_IN_FOCUS = 'claimInFocus';

export function composeBot(services: BotServices, options: ComposeBotOptions): ClaimsBot {
  const claimServices = composeClaimServices(services, options);
  const languages = new LanguagePreferences(services.botStorage, options.clock);
  const conversationState = new ConversationState(services.conversationStorage);
  const focus = conversationState.createProperty<FocusedClaim>(CLAIM_IN_FOCUS);
  return new ClaimsBot({
    callers: new CallerResolver({
      partners: services.partners,
      emailOf: options.emailOf ?? teamsEmailLookup(),
      languages,
      clock: options.clock,
    }),
    language: new LanguageCommand(languages),
    conversationReferences: services.conversationReferences,
    storage: services.conversationStorage,
    conversationState,
    welcomeRecords: services.idempotencyRecords,
    mainDialog: new MainDialog(claimServices, { newClaim: new NewClaimDialog(claimServices), focus }),
    cardActions: new CardActionRouter([
      ...reviewCardActions(claimServices),
      ...roleCardActions(claimServices),
      ...(options.cardActions ?? []),
    ]),
    logger: options.logger,
    clock: options.clock,
    turnReads: newTurnReads,
  });
}

/**
 * The adapter's middleware for the bot's turns, in this order. First the read-ahead: it
 * opens a message turn's shared reads and starts the caller's directory read, which then
 * runs while the de-duplication reads the conversation state (bot/teams/readAhead.ts).
 * Then the de-duplication: a channel redelivers an activity whose answer was late, and
 * each runs once, told by the bot's own conversation state (see deduplicateActivities.ts).
 */
export function turnMiddleware(
  bot: ClaimsBot,
  options: Pick<DeduplicateActivitiesOptions, 'records' | 'logger'>,
): Middleware[] {
  return [bot.readAhead, new DeduplicateActivities({ ...options, completion: bot.processed })];
}

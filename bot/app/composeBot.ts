/**
 * Assembles the Teams bot from the storage adapters: the dialogs' ClaimServices, the
 * main dialog with the new-claim flow, and the activity handler. Called by the
 * composition root (index.ts), which owns configuration and connections; kept apart
 * from it so tests can build the very same bot on the stand-ins without loading the
 * process-wide configuration.
 */
import { ConversationState } from 'botbuilder';
import type { FocusedClaim } from '../../dialogs/claimFocus';
import { MainDialog } from '../../dialogs/mainDialog';
import { NewClaimDialog } from '../../dialogs/newClaim/newClaimDialog';
import { CardActionRouter, type CardActionHandler } from '../../dialogs/cardActions';
import { CallerResolver, type EmailLookup } from '../teams/callerResolver';
import { composeClaimServices, type BotServices, type ClaimServicesOptions } from './claimServices';
import { ClaimsBot } from '../teams/claimsBot';
import { reviewCardActions } from '../../dialogs/reviewer/commentActions';
import { roleCardActions } from '../../dialogs/roles/roleActions';
import { LanguageCommand } from '../teams/languageCommand';
import { LanguagePreferences } from '../teams/languagePreference';
import type { Logger } from './logger';
import { teamsEmailLookup } from '../teams/teamsProfile';
import { withTurnReads } from '../../storage/turnReads';

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
    withTurnReads,
  });
}

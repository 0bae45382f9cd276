/**
 * The Teams activity handler. Every turn it resolves who is speaking (organisation and
 * roles, fresh from the partner directory) and hands messages to the dialog stack,
 * whose state (in Cosmos DB through `storage`) is saved at the end of the turn — and
 * only then, so a turn that fails leaves the conversation where it was and a retry
 * works. It also welcomes the user on install, remembers where each user can be
 * reached proactively, and answers Adaptive Card `Action.Execute` invokes by verb.
 *
 * Conversation references are taken from activities the adapter has authenticated
 * (the bot runs only after that check), so their serviceUrl can be trusted later.
 */
import {
  ConversationState,
  TeamsActivityHandler,
  TurnContext,
  type InvokeResponse,
  type StatePropertyAccessor,
  type Storage,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type Dialog, type DialogState } from 'botbuilder-dialogs';
import { systemClock, type Clock, type ConversationReferenceStore } from '../../claims/ports';
import { plainTextMessage, renderWelcomeCard } from '../../cards/render';
import { runWithAfterTurn } from '../../dialogs/poeChecks';
import { callerOf, setCaller, type Caller } from '../../dialogs/caller';
import { cardMessage } from '../../dialogs/cardPrompt';
import { t } from '../../locales/i18n';
import { isWriteConflict } from '../../claims/ports';
import { ADAPTIVE_CARD_ACTION, CardActionRouter } from '../../dialogs/cardActions';
import type { CallerResolver } from './callerResolver';
import { needsSaving, referenceFingerprint, type SavedReferenceMark } from './referenceRefresh';
import type { LanguageTurns } from './languageCommand';
import { turnLogger, type Logger } from '../http/turnLog';
import { ProcessedActivities } from './processedActivities';
import { ReadAhead, type TurnReads } from './readAhead';
import { WelcomeOnce, type WelcomeRecords } from './welcomeOnce';

export interface ClaimsBotOptions {
  callers: CallerResolver;
  conversationReferences: ConversationReferenceStore;
  /** Where conversation state (the dialog stack) lives: Cosmos DB, or memory in tests. */
  storage: Storage;
  /**
   * The conversation state over `storage`, when dialogs keep properties of their own in it
   * (the main dialog's claim in focus): one state object per turn, read once and saved once
   * with the dialog stack. Default: made here.
   */
  conversationState?: ConversationState;
  /** Where the welcome is claimed, so two install activities at once welcome once (Cosmos DB). */
  welcomeRecords: WelcomeRecords;
  /** The root dialog, begun for a message when no dialog is running. */
  mainDialog: Dialog;
  /** The language command and card, answered before the dialogs; none by default. */
  language?: LanguageTurns;
  /** `Action.Execute` handlers by verb (reviewer and customer cards); none by default. */
  cardActions?: CardActionRouter;
  logger: Logger;
  clock?: Clock;
  /**
   * Opens one turn's shared reads, so that reads it repeats are made once (the caller's
   * organisation, read fresh when the turn starts, then shared by the rest of it); by
   * default every read is made.
   */
  turnReads?: () => TurnReads;
}

export class ClaimsBot extends TeamsActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly dialogs: DialogSet;
  private readonly welcomed: StatePropertyAccessor<boolean>;
  private readonly referenceSaved: StatePropertyAccessor<SavedReferenceMark | undefined>;
  private readonly cardActions: CardActionRouter;
  private readonly clock: Clock;
  private readonly welcomes: WelcomeOnce;
  /** Processed activities in the conversation state, for the de-duplication middleware. */
  readonly processed: ProcessedActivities;
  /** The middleware before the de-duplication: a message turn's caller is read while it reads the state (readAhead.ts). */
  readonly readAhead: ReadAhead;

  constructor(private readonly options: ClaimsBotOptions) {
    super();
    this.conversationState = options.conversationState ?? new ConversationState(options.storage);
    this.processed = new ProcessedActivities(this.conversationState, options.storage);
    this.readAhead = new ReadAhead({ open: options.turnReads, start: (context) => options.callers.readAhead(context) });
    this.welcomed = this.conversationState.createProperty<boolean>('welcomed');
    this.referenceSaved = this.conversationState.createProperty<SavedReferenceMark | undefined>('referenceSaved');
    this.dialogs = new DialogSet(this.conversationState.createProperty<DialogState>('dialogState'));
    this.dialogs.add(options.mainDialog);
    this.cardActions = options.cardActions ?? new CardActionRouter();
    this.clock = options.clock ?? systemClock;
    this.welcomes = new WelcomeOnce(options.welcomeRecords, options.logger);

    this.onMessage(async (context, next) => {
      const aboutLanguage = await this.options.language?.handle(context, () => this.inFlow(context));
      const caller = callerOf(context);
      await this.rememberConversation(context, caller);
      // A language turn is answered already; a flow in progress keeps waiting for its card.
      if (!aboutLanguage) {
        if (caller.org) await this.runDialogs(context);
        else await this.sendOnboarding(context, caller);
      }
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((member) => member.id === botId)) await this.welcome(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      const { tenantId, aadObjectId } = callerOf(context);
      if (tenantId && aadObjectId) await this.options.conversationReferences.markDead(tenantId, aadObjectId);
      // A later install starts afresh: welcomed again, no dialog left waiting.
      await this.welcomes.release(context);
      await this.conversationState.clear(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    // The caller's organisation and claims are read afresh in this turn and shared with the
    // rest of it (storage/turnReads); for a message, in the reads the middleware opened, where
    // the caller's organisation is being read already (readAhead.ts).
    // Work the turn left for afterwards (a PoE check) starts once its replies and state are
    // out, and outside the turn's shared reads: it records its result seconds later, on fresh reads.
    await runWithAfterTurn(context, () =>
      this.readAhead.run(context, async () => {
        setCaller(context, await this.options.callers.resolve(context));
        await super.run(context);
        await this.saveState(context);
      }),
    );
  }

  /** The `Action.Execute` verbs this bot answers, as registered in the composition root. */
  get cardActionVerbs(): string[] {
    return this.cardActions.verbs;
  }

  /** The hook for `adaptiveCard/action`: routed by verb, unknown verbs get a typed 400. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === ADAPTIVE_CARD_ACTION) return this.cardActions.handle(context);
    return super.onInvokeActivity(context);
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.options.mainDialog.id);
  }

  private async inFlow(context: TurnContext): Promise<boolean> {
    return (await this.dialogs.createContext(context)).activeDialog !== undefined;
  }

  /**
   * Once per installation: Teams announces a new personal chat both as a member added and
   * as an install. The state flag answers later turns; two turns at once both find it
   * unset, and the welcome record decides between them (see welcomeOnce.ts).
   */
  private async welcome(context: TurnContext): Promise<void> {
    if (await this.welcomed.get(context, false)) return;
    await this.welcomed.set(context, true);
    if (!(await this.welcomes.claim(context))) return;
    const caller = callerOf(context);
    try {
      await this.rememberConversation(context, caller);
      const canCreate = caller.org !== undefined && caller.isIncentivesAdmin;
      await context.sendActivity(cardMessage(renderWelcomeCard({ userName: caller.name, canCreate }, caller.locale)));
      if (!caller.org) await this.sendOnboarding(context, caller);
    } catch (e) {
      await this.welcomes.release(context);
      throw e;
    }
    await this.welcomes.sent(context);
  }

  private async sendOnboarding(context: TurnContext, caller: Caller): Promise<void> {
    await context.sendActivity(
      plainTextMessage(t(caller.locale, 'access.unknownOrganisation', { tenantId: caller.tenantId || '—' })),
    );
  }

  /**
   * Keeps the user's personal-chat reference fresh (the serviceUrl is regional and can
   * change), which also revives one marked dead; saved only when it changed or its last
   * save is getting old (see referenceRefresh.ts). Not worth failing the user's turn over.
   */
  private async rememberConversation(context: TurnContext, caller: Caller): Promise<void> {
    const conversationType = context.activity.conversation?.conversationType;
    if (!caller.tenantId || !caller.aadObjectId || (conversationType && conversationType !== 'personal')) return;
    const reference = JSON.parse(JSON.stringify(TurnContext.getConversationReference(context.activity))) as Record<
      string,
      unknown
    >;
    const facts = {
      tenantId: caller.tenantId,
      aadObjectId: caller.aadObjectId,
      email: caller.email,
      locale: caller.locale,
      reference,
    };
    const now = this.clock.now();
    const fingerprint = referenceFingerprint(facts);
    if (!needsSaving(await this.referenceSaved.get(context), fingerprint, now)) return;
    try {
      await this.options.conversationReferences.save({ ...facts, updatedAt: now.toISOString(), dead: false });
      await this.referenceSaved.set(context, { fingerprint, at: now.toISOString() });
    } catch (e) {
      turnLogger(context, this.options.logger).warn({ err: e }, 'could not store the conversation reference');
    }
  }

  /**
   * Two turns of one conversation racing (a double-clicked button, two instances) both
   * read the same state; the storage refuses the second write (it carries the eTag the
   * turn read) so it cannot undo the first. The first turn's state is the one to keep;
   * whatever the second did to claims went through their own eTag'd writes (and a draft
   * is created once per card), so the partner is told the message was handled already.
   */
  private async saveState(context: TurnContext): Promise<void> {
    try {
      // A lease the de-duplication is writing (a slow turn) is out before the state's own write.
      await this.processed.settle(context);
      await this.conversationState.saveChanges(context, false);
      this.processed.saved(context);
    } catch (e) {
      if (!isWriteConflict(e)) throw e;
      turnLogger(context, this.options.logger).warn(
        'another turn of this conversation saved its state first; this turn keeps the earlier state',
      );
      if (context.activity.type === 'message')
        await context.sendActivity(t(callerOf(context).locale, 'conversation.alreadyHandled'));
    }
  }
}

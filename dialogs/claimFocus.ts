/**
 * The claim this conversation is about: the one just filed (its receipt), shown (its
 * status or history card) or acted on (withdrawn, disputed, answered). "status" and
 * "history" with no claim named mean that one, so a partner is not asked "Which claim?"
 * about the claim in front of them.
 *
 * Kept in the conversation state, and kept small: the claim's id and when it came into
 * focus, never the claim itself. Whoever reads it looks the claim up again through the
 * caller's organisation, so a claim since deleted, or one the caller may no longer see
 * (another organisation's, a role taken away), is not found and the focus is ignored.
 */
import type { TurnContext } from 'botbuilder';
import type { Clock } from '../claims/ports';
import { callerOf } from './caller';
import type { NewClaimOutcome, NewClaimResult } from './newClaim/newClaimDialog';

export interface FocusedClaim {
  claimId: string;
  /** When the claim came into focus (ISO 8601). */
  at: string;
  /**
   * Whose focus it is (the Entra object id): in a chat of several people, one person's
   * "status" neither uses nor drops another's claim. Older states have none: anyone's.
   */
  by?: string;
}

/** Where the focus is kept: a conversation-state property (botbuilder's StatePropertyAccessor fits). */
export interface FocusStore {
  get(context: TurnContext): Promise<FocusedClaim | undefined>;
  set(context: TurnContext, value: FocusedClaim): Promise<void>;
  delete(context: TurnContext): Promise<void>;
}

/**
 * How long a claim stays in focus: about a sitting. The claim looked at this morning is
 * still "the claim" after lunch; yesterday's is not, and "status" asks again.
 */
export const FOCUS_KEPT_MS = 4 * 60 * 60 * 1000;

/**
 * Which ends of the new-claim flow leave its claim in focus: those after which the claim
 * is there to follow. A discarded draft needs no forgetting: looked up, it is not found.
 */
const FLOW_END_FOCUSES: Readonly<Record<NewClaimOutcome, boolean>> = {
  submitted: true,
  resubmitted: true,
  saved: true,
  kept: true,
  notEditable: true,
  discarded: false,
  stopped: false,
  notAllowed: false,
  notFound: false,
  noLocations: false,
};

const isNewClaimResult = (value: unknown): value is NewClaimResult =>
  typeof value === 'object' &&
  value !== null &&
  Object.hasOwn(FLOW_END_FOCUSES, (value as { outcome?: unknown }).outcome as string);

export class ClaimFocus {
  /** Without a store (tests of other things) nothing is remembered, and nothing is recalled. */
  constructor(
    private readonly store: FocusStore | undefined,
    private readonly clock: Clock,
  ) {}

  async remember(context: TurnContext, claimId: string): Promise<void> {
    const by = callerOf(context).aadObjectId;
    await this.store?.set(context, { claimId, at: this.clock.now().toISOString(), ...(by ? { by } : {}) });
  }

  /** The claim in focus, if one came into focus recently enough; only an id, to be looked up again. */
  async recall(context: TurnContext): Promise<string | undefined> {
    const focus = await this.store?.get(context);
    if (!focus || !this.isTheCallers(context, focus)) return undefined;
    const age = this.clock.now().getTime() - Date.parse(focus.at);
    return age >= 0 && age <= FOCUS_KEPT_MS ? focus.claimId : undefined;
  }

  /** The focus pointed at a claim the caller can no longer find: nothing to keep. */
  async forget(context: TurnContext): Promise<void> {
    const focus = await this.store?.get(context);
    if (focus && this.isTheCallers(context, focus)) await this.store?.delete(context);
  }

  private isTheCallers(context: TurnContext, focus: FocusedClaim): boolean {
    return focus.by === undefined || focus.by === callerOf(context).aadObjectId;
  }

  /** After the new-claim flow ended: its claim, when the partner has one to follow now. */
  async rememberFlowEnd(context: TurnContext, result: unknown): Promise<void> {
    if (isNewClaimResult(result) && FLOW_END_FOCUSES[result.outcome] && result.claimId)
      await this.remember(context, result.claimId);
  }
}

/**
 * PoE checks run after the turn that received the file, in this process (the reader's
 * child process bounds their time and memory as before): the receiving turn only
 * downloads, stores, acknowledges and ends. When a check is done its result goes onto
 * the claim's PoE metadata, and the PoE card still on screen is updated in place
 * through a proactive turn.
 *
 * Crash-safe because the file is the source of truth: a file recorded without a check
 * and with no check running here (the process restarted) is checked again when the PoE
 * card or the summary shows it.
 */
import { TurnContext, type Activity, type ConversationReference, type Middleware } from 'botbuilder';
import { ConcurrencyConflict } from '../claims/errors';
import type { Claim, PoeFile, PoeFileCheck } from '../claims/model';
import { errorName, silentLog, type EngineLog } from '../claims/notifications';
import { withPoeCheck } from '../claims/poeCheck';
import { updatable } from './cardPrompt';
import { checkPoe } from './poeReading';
import type { ClaimServices } from './services';

/** Changes a message the bot sent, outside any turn (a proactive turn on the conversation's reference). */
export interface CardUpdater {
  update(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<void>;
}

/** The PoE card on screen in one conversation: its message, and how to draw it for the claim as it now stands. */
export interface PoeCardOnScreen {
  claimId: string;
  activityId: string;
  reference: Partial<ConversationReference>;
  render(claim: Claim): Partial<Activity>;
}

const WRITE_ATTEMPTS = 3;
/** Results kept for files no claim records yet (a dispute's, until it is filed); the oldest go first. */
const KEPT_RESULTS = 500;
const AFTER_TURN = Symbol('cpor.afterTurn');

/**
 * Runs `task` once the current turn is over (its replies sent, its state saved), when
 * the bot runs `afterTurnMiddleware`; at once otherwise. Never awaited by the turn.
 */
export function afterTurn(context: TurnContext, task: () => void): void {
  const queue = context.turnState.get(AFTER_TURN) as (() => void)[] | undefined;
  if (queue) queue.push(task);
  else task();
}

/** Runs what `afterTurn` queued when the turn's logic returned (or threw). */
export async function runWithAfterTurn(context: TurnContext, turn: () => Promise<void>): Promise<void> {
  const queue: (() => void)[] = [];
  context.turnState.set(AFTER_TURN, queue);
  try {
    await turn();
  } finally {
    context.turnState.delete(AFTER_TURN);
    for (const task of queue) task();
  }
}

export const afterTurnMiddleware: Middleware = { onTurn: (context, next) => runWithAfterTurn(context, next) };

export const conversationKeyOf = (context: TurnContext): string =>
  `${context.activity.channelId}|${context.activity.conversation?.id ?? ''}`;

/** The reference a proactive turn needs, as plain JSON (the activity's own objects stay the turn's). */
export const referenceOf = (context: TurnContext): Partial<ConversationReference> =>
  JSON.parse(JSON.stringify(TurnContext.getConversationReference(context.activity))) as Partial<ConversationReference>;

/**
 * Where this turn's PoE checks run after it: only where the card can be updated later; a
 * client collecting the turn's replies (`expectReplies`) gets the file read in the turn.
 */
export const checksAfterTurn = (context: TurnContext, services: ClaimServices): PoeChecks | undefined =>
  updatable(context) ? services.poeChecks : undefined;

export class PoeChecks {
  private readonly running = new Map<string, Promise<void>>();
  private readonly cards = new Map<string, PoeCardOnScreen>();
  private readonly results = new Map<string, PoeFileCheck>();
  private readonly log: EngineLog;

  constructor(private readonly options: { updater?: CardUpdater; log?: EngineLog } = {}) {
    this.log = options.log ?? silentLog;
  }

  /** Whether this file's check is running in this process now. */
  isRunning(poeId: string): boolean {
    return this.running.has(poeId);
  }

  /** The result of a file no claim recorded when its check ended (a dispute's), while it is kept. */
  resultOf(poeId: string): PoeFileCheck | undefined {
    return this.results.get(poeId);
  }

  /**
   * The card this turn shows for `claimId` is the one a check finishing later updates:
   * the message it replaces, or the one this turn sends carrying `nonce`.
   */
  rememberCard(
    context: TurnContext,
    card: { claimId: string; nonce: string; replaces?: string; render(claim: Claim): Partial<Activity> },
  ): void {
    const key = conversationKeyOf(context);
    const reference = referenceOf(context);
    const onScreen = (activityId: string) =>
      this.showing(key, { claimId: card.claimId, activityId, reference, render: card.render });
    if (card.replaces) {
      onScreen(card.replaces);
      return;
    }
    context.onSendActivities(async (_context, activities, next) => {
      const responses = await next();
      const index = activities.findIndex((a) => JSON.stringify(a.attachments ?? []).includes(card.nonce));
      const id = index >= 0 ? responses[index]?.id : undefined;
      if (id) onScreen(id);
      return responses;
    });
  }

  /** The PoE card of a conversation was (re)drawn: a check finishing later updates this one. */
  showing(conversationKey: string, card: PoeCardOnScreen): void {
    this.cards.set(conversationKey, card);
  }

  /** The PoE card was answered or the flow ended: a late check only records its result. */
  closed(conversationKey: string): void {
    this.cards.delete(conversationKey);
  }

  /**
   * Starts checking a recorded file after the turn; a second start of the same file is a no-op.
   * `locale` is the user's: a photo or scan is read by OCR in their language and English.
   */
  startAfterTurn(context: TurnContext, services: ClaimServices, claim: Claim, file: PoeFile, locale?: string): void {
    if (!services.evidenceText || file.check || this.running.has(file.id)) return;
    const conversationKey = conversationKeyOf(context);
    // Marked running now, so the card drawn in this turn says "checking" and no second start slips in.
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (release = resolve));
    const run = started
      .then(() => this.checkAndRecord(services, claim, file, conversationKey, locale))
      .catch((e: unknown) =>
        this.log('warn', 'poeCheckFailed', { claimId: claim.id, poeId: file.id, error: errorName(e) }),
      )
      .finally(() => this.running.delete(file.id));
    this.running.set(file.id, run);
    afterTurn(context, release);
  }

  /**
   * The claim with every file checked that is neither checked nor being checked here
   * (a restart lost its check): read now, in this turn. Files still being checked are
   * returned as such, for the card to say so.
   */
  async recover(services: ClaimServices, claim: Claim, locale?: string): Promise<{ claim: Claim; checking: string[] }> {
    if (!services.evidenceText) return { claim, checking: [] };
    let current = claim;
    const checking: string[] = [];
    for (const file of claim.poe) {
      if (file.check) continue;
      if (this.running.has(file.id)) {
        checking.push(file.id);
        continue;
      }
      const check = await checkPoe(services, current, file, locale);
      if (check) current = (await this.record(services, current, file.id, check)) ?? current;
    }
    return { claim: current, checking };
  }

  /** Resolves when no check is running (tests; a graceful stop). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private async checkAndRecord(
    services: ClaimServices,
    claim: Claim,
    file: PoeFile,
    conversationKey: string,
    locale: string | undefined,
  ): Promise<void> {
    const check = this.results.get(file.id) ?? (await checkPoe(services, claim, file, locale));
    if (!check) return;
    const recorded = await this.record(services, claim, file.id, check);
    if (!recorded?.poe.some((f) => f.id === file.id)) this.keep(file.id, check);
    else this.results.delete(file.id);
    const card = this.cards.get(conversationKey);
    if (!recorded || !card || card.claimId !== claim.id || !this.options.updater) return;
    try {
      await this.options.updater.update(card.reference, { ...card.render(recorded), id: card.activityId });
    } catch (e) {
      // The card keeps saying "checking"; the summary shows the result, which is stored.
      this.log('warn', 'poeCardNotUpdated', { claimId: claim.id, poeId: file.id, error: errorName(e) });
    }
  }

  private keep(poeId: string, check: PoeFileCheck): void {
    this.results.set(poeId, check);
    for (const oldest of this.results.keys()) {
      if (this.results.size <= KEPT_RESULTS) break;
      this.results.delete(oldest);
    }
  }

  /** Writes the check onto the stored claim (eTag'd, re-read on a lost race); the claim as written, if it was. */
  private async record(
    services: ClaimServices,
    claim: Claim,
    poeId: string,
    check: PoeFileCheck,
  ): Promise<Claim | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await services.claims.get(claim.partnerId, claim.id);
      if (!current) return undefined;
      const changed = withPoeCheck(current.value, poeId, check);
      if (!changed) return current.value;
      try {
        return (await services.claims.replace(changed, current.etag)).value;
      } catch (e) {
        if (!(e instanceof ConcurrencyConflict) || attempt >= WRITE_ATTEMPTS) throw e;
      }
    }
  }
}

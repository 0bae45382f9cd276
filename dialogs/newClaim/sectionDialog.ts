/**
 * One part of the new-claim conversation (partner location, customer, …) as a small
 * state machine over cards: `ask` builds the card of the current stage, `answer`
 * judges what came back and says what happens next (ask again with problems, go to
 * another stage, done, stop). This base turns that into a two-step waterfall with a
 * CardPrompt (fresh nonce each time), skips the part when it is complete (unless the
 * partner chose to edit it), and keeps what was typed when anything goes wrong:
 * problems and storage failures alike re-show the card with the submitted values.
 *
 * Every card carries the claim's name and the partner's progress in its header. Once a
 * card is answered it is replaced in place (`updateActivity` on the message that
 * carried it) by one read-only line saying what the step now holds, or that the step
 * continues in the card below: no card above the newest offers inputs any more.
 */
import { randomUUID } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import {
  plainTextMessage,
  recapOf,
  renderAnsweredCard,
  type CardAttachment,
  type CardProblems,
  type StepContext,
} from '../../cards/render';
import type { CardVerb, SummarySection } from '../../cards/verbs';
import type { Problem } from '../../claims/errors';
import type { Claim } from '../../claims/model';
import type { ClaimPatch } from '../../claims/statusMachine';
import { t, type Locale, type MessageKey } from '../../locales/i18n';
import { callerOf } from '../caller';
import {
  CardPrompt,
  cardMessage,
  updatable,
  type CardPromptExpectation,
  type CardPromptOptions,
  type CardSubmission,
} from '../cardPrompt';
import { ClaimDraft, writerOf, type ClaimWork, type Writer, type WriteStop } from './claimDraft';
import { progressOf, type ProgressStep } from './progress';
import type { ClaimServices } from '../services';
import { apologise } from '../apology';

/** How a new-claim flow can end; MainDialog gets it as the flow's result. */
export type NewClaimOutcome =
  | 'submitted'
  | 'resubmitted'
  | 'saved'
  | 'kept'
  | 'discarded'
  | 'stopped'
  | 'notAllowed'
  | 'notFound'
  | 'notEditable'
  | 'noLocations';

export interface NewClaimResult {
  outcome: NewClaimOutcome;
  claimId?: string;
}

export interface SectionOptions {
  work: ClaimWork;
  /** Which of the section's cards to show; undefined for its first. */
  stage?: string;
  /** Shown on the card: validators' problems, or sentences already localized. */
  problems?: CardProblems;
  /** What the partner submitted last, shown again so nothing typed is lost. */
  form?: Record<string, string>;
  /** What the section remembers between its own cards (a choice, an id chosen before a write). */
  memo?: Record<string, string>;
  /** Set when the section asks again: it is then never skipped as complete. */
  again?: boolean;
  /** The message of the card to replace with the new one, instead of posting it below (the PoE card). */
  replaceCard?: string;
}

export type SectionResult =
  | { kind: 'done'; work: ClaimWork }
  | { kind: 'edit'; section: SummarySection; work: ClaimWork }
  /** Start the flow over from the stored claim: the first part that is not complete asks. */
  | { kind: 'restart'; work: ClaimWork }
  | { kind: 'stop'; result: NewClaimResult };

export type Next = SectionResult | { kind: 'ask'; options: SectionOptions };

export interface CardAsk {
  card: (step: StepContext) => CardAttachment;
  verbs: CardVerb[];
  acceptFiles?: boolean;
  /** What to say to typed text; default: answer with the card. */
  typedNotice?: MessageKey;
}

/** How a section presents itself in the flow: its place in the progress and its name on a collapsed card. */
export interface SectionLook {
  step: ProgressStep;
  title: MessageKey;
}

/** Everything a section needs in one turn. */
export interface Turn {
  context: TurnContext;
  locale: Locale;
  writer: Writer;
  services: ClaimServices;
  draft: ClaimDraft;
  work: ClaimWork;
  /** The claim as it stands: the stored document, or a sketch of the fields gathered before it exists. */
  claim: Claim;
  /** Whether the partner chose to edit this section from the summary. */
  editing: boolean;
}

const PROMPT = 'card';
const STEPS = 'steps';

/** Only plain strings come back into a card; anything else a client sent is dropped. */
export function formOf(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (typeof value === 'string') form[key] = value;
  return form;
}

/** A programming error is not a storage failure: let it surface instead of apologising forever. */
const isFailure = (e: unknown): boolean =>
  e instanceof Error && !(e instanceof ReferenceError || e instanceof SyntaxError);

export const STOP_MESSAGES: Readonly<Record<WriteStop, MessageKey>> = {
  notFound: 'errors.notFound',
  notEditable: 'errors.notEditable',
  notAllowed: 'access.notAllowed',
};

export abstract class SectionDialog extends ComponentDialog {
  protected readonly draft: ClaimDraft;

  constructor(
    id: string,
    protected readonly services: ClaimServices,
    /** The summary's sections whose Edit button lands here. */
    private readonly sections: readonly SummarySection[],
    private readonly look: SectionLook,
  ) {
    super(id);
    this.draft = new ClaimDraft(services);
    this.addDialog(new CardPrompt(PROMPT, (context, expectation) => this.redrawCard(context, expectation)));
    this.addDialog(new WaterfallDialog(STEPS, [(step) => this.askStep(step), (step) => this.answerStep(step)]));
    this.initialDialogId = STEPS;
  }

  /** True when the part is filled and valid: the flow moves on without asking. */
  protected abstract isComplete(turn: Turn): boolean | Promise<boolean>;

  /** The card for the current stage, or what to do instead of asking. */
  protected abstract ask(
    turn: Turn,
    options: SectionOptions,
    stage: string | undefined,
  ): CardAsk | Next | Promise<CardAsk | Next>;

  /** Judges a submitted card. */
  protected abstract answer(
    turn: Turn,
    options: SectionOptions,
    stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next>;

  /** One line of what the section holds once answered (user text: shown as plain text). */
  protected recap(turn: Turn, claim: Claim, _stage: string | undefined): string {
    const location = turn.writer.org.locations.find((l) => l.mpnId === claim.mpnId);
    return recapOf(claim, this.sections, turn.locale, location?.name);
  }

  /**
   * Values read out of text typed while the card waits (a domain, a GUID, an email),
   * as the card's form fields; undefined when the text says nothing the card asks.
   */
  protected readTyped(
    _turn: Turn,
    _text: string,
    _stage: string | undefined,
    _form: Record<string, string> | undefined,
  ): Record<string, string> | undefined {
    return undefined;
  }

  /** The stage to start at when none is given (a section may resume at its second card). */
  protected initialStage(_turn: Turn): string | undefined {
    return undefined;
  }

  // ---------------------------------------------------------------- helpers for sections

  protected say(turn: Turn, key: MessageKey, params?: Record<string, string | number>): Promise<unknown> {
    return turn.context.sendActivity(t(turn.locale, key, params));
  }

  /** For sentences carrying user text: Teams would render markdown in them. */
  protected sayPlain(turn: Turn, text: string): Promise<unknown> {
    return turn.context.sendActivity(plainTextMessage(text));
  }

  protected done(turn: Turn, work: ClaimWork = turn.work): Next {
    // An edit is one section's; the parts after it skip as usual.
    return { kind: 'done', work: turn.editing ? { ...work, edit: undefined } : work };
  }

  protected askAgain(
    options: SectionOptions,
    submission: CardSubmission | undefined,
    problems: CardProblems,
    changes: Partial<SectionOptions> = {},
  ): Next {
    return {
      kind: 'ask',
      options: { ...options, problems, form: submission ? formOf(submission.values) : options.form, ...changes },
    };
  }

  protected async stop(turn: Turn, stop: WriteStop): Promise<Next> {
    await this.say(turn, STOP_MESSAGES[stop]);
    return {
      kind: 'stop',
      result: turn.work.claimId ? { outcome: stop, claimId: turn.work.claimId } : { outcome: stop },
    };
  }

  /** Saves the patch; done when it is stored, the card again with the problems otherwise. */
  /** `also` changes the edited claim further in the same write (marks that are not the partner's to edit). */
  protected async saveAndFinish(
    turn: Turn,
    options: SectionOptions,
    submission: CardSubmission | undefined,
    patch: ClaimPatch,
    also?: (claim: Claim) => Claim,
  ): Promise<Next> {
    const saved = await this.draft.save(turn.context, turn.writer, turn.work, patch, also);
    if (saved.ok) return this.done(turn, saved.work);
    if ('stop' in saved) return this.stop(turn, saved.stop);
    return this.askAgain(options, submission, saved.problems);
  }

  /** Problems of one field path prefix, for sections that validate a part of the claim. */
  protected static problemsOf(problems: readonly Problem[], ...fields: string[]): Problem[] {
    return problems.filter((p) => fields.some((f) => p.field === f || p.field.startsWith(`${f}.`)));
  }

  // ---------------------------------------------------------------- the waterfall

  private async turnOf(context: TurnContext, work: ClaimWork): Promise<Turn | SectionResult> {
    const caller = callerOf(context);
    const writer = writerOf(caller);
    if (!writer) {
      await context.sendActivity(t(caller.locale, STOP_MESSAGES.notAllowed));
      return { kind: 'stop', result: { outcome: 'notAllowed' } };
    }
    const claim = await this.draft.view(context, writer, work);
    if (!claim) {
      await context.sendActivity(t(caller.locale, STOP_MESSAGES.notFound));
      return { kind: 'stop', result: { outcome: 'notFound' } };
    }
    const editing = work.edit !== undefined && this.sections.includes(work.edit);
    return { context, locale: caller.locale, writer, services: this.services, draft: this.draft, work, claim, editing };
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as SectionOptions;
    const turn = await this.turnOf(step.context, options.work);
    if ('kind' in turn) return step.endDialog(turn);
    if (!options.again && options.stage === undefined && !turn.editing && (await this.isComplete(turn))) {
      return step.endDialog({ kind: 'done', work: turn.work } satisfies SectionResult);
    }
    const stage = options.stage ?? this.initialStage(turn);
    const asked = await this.ask(turn, options, stage);
    if ('kind' in asked) return this.follow(step, { ...options, stage }, asked);
    (step.values as Record<string, unknown>).stage = stage;
    (step.values as Record<string, unknown>).typedNotice = asked.typedNotice ?? 'conversation.expectedCard';
    const nonce = randomUUID();
    const canUpdate = updatable(step.context);
    const drawn = this.drawn(turn, asked, nonce);
    const prompt: CardPromptOptions = {
      prompt: drawn.prompt,
      validations: {
        verbs: asked.verbs,
        nonce,
        claimId: turn.work.claimId ?? '',
        acceptFiles: asked.acceptFiles === true,
        acceptTyped: true,
        staleNotice: t(turn.locale, 'conversation.staleCard'),
        typedNotice: t(turn.locale, asked.typedNotice ?? 'conversation.expectedCard'),
        ...(drawn.supersededCard ? { supersededCard: drawn.supersededCard } : {}),
        ...(canUpdate && options.replaceCard ? { replaceActivityId: options.replaceCard } : {}),
        // What draws this card again (redrawCard); the card itself is not kept.
        redrawWith: { ...options, stage } satisfies SectionOptions,
      },
    };
    return step.prompt(PROMPT, prompt);
  }

  /** The card a stage shows (header, claim id, nonce) and what it becomes when shown again below. */
  private drawn(
    turn: Turn,
    asked: CardAsk,
    nonce: string,
  ): { prompt: Partial<Activity>; supersededCard?: Partial<Activity> } {
    const progress = progressOf(this.look.step, turn.claim);
    const header = {
      claimName: turn.claim.name.trim() || t(turn.locale, 'progress.newClaim'),
      progress: t(turn.locale, 'progress.step', progress),
    };
    return {
      prompt: cardMessage(asked.card({ claimId: turn.work.claimId ?? '', nonce, header })),
      ...(updatable(turn.context)
        ? { supersededCard: cardMessage(this.answeredCard(turn, '', 'conversation.answeredBelow')) }
        : {}),
    };
  }

  /**
   * The waiting card drawn again, with its nonce, when it has to come again (a stale
   * click, help, a word in between): from the claim as it is now and the options the
   * card was asked with. Nothing, when the claim can no longer be drawn (the next answer
   * finds out why); the prompt keeps no copy (see cardPrompt.ts).
   */
  private async redrawCard(
    context: TurnContext,
    expectation: CardPromptExpectation,
  ): Promise<{ prompt: Partial<Activity>; supersededCard?: Partial<Activity> } | undefined> {
    const options = expectation.redrawWith as SectionOptions | undefined;
    if (!options?.work) return undefined;
    const turn = await this.turnOf(context, options.work);
    if ('kind' in turn) return undefined;
    const asked = await this.ask(turn, options, options.stage ?? this.initialStage(turn));
    return 'kind' in asked ? undefined : this.drawn(turn, asked, expectation.nonce);
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as SectionOptions;
    const stage = (step.values as Record<string, unknown>).stage as string | undefined;
    const submission = step.result as CardSubmission;
    const turn = await this.turnOf(step.context, options.work);
    if ('kind' in turn) return step.endDialog(turn);
    let next: Next;
    try {
      const typedNotice = (step.values as Record<string, unknown>).typedNotice as MessageKey | undefined;
      next =
        submission.verb === 'typed'
          ? await this.typed(turn, { ...options, stage }, stage, submission.text ?? '', typedNotice)
          : await this.answer(turn, options, stage, submission);
    } catch (e) {
      if (!isFailure(e)) throw e;
      // Nothing of this answer was stored, or it was stored whole (one write): the
      // partner sends the same card again and it goes through.
      await apologise(step.context, t(turn.locale, 'errors.storage'));
      next = this.askAgain({ ...options, stage }, submission, options.problems ?? []);
    }
    await this.collapse(turn, stage, submission, next);
    return this.follow(step, { ...options, stage }, next);
  }

  /** Typed text while a card waits: what it holds goes into the card below, else a word about the card. */
  private async typed(
    turn: Turn,
    options: SectionOptions,
    stage: string | undefined,
    text: string,
    notice: MessageKey = 'conversation.expectedCard',
  ): Promise<Next> {
    const read = this.readTyped(turn, text, stage, options.form);
    if (read === undefined) {
      await this.say(turn, notice);
      return { kind: 'ask', options: { ...options } };
    }
    await this.say(turn, 'conversation.typedIntoCard');
    return { kind: 'ask', options: { ...options, form: { ...options.form, ...read } } };
  }

  /** The one read-only line an answered card becomes. */
  private answeredCard(turn: Turn, value: string, note?: MessageKey): CardAttachment {
    return renderAnsweredCard(
      {
        section: t(turn.locale, this.look.title),
        value,
        ...(note ? { note: t(turn.locale, note), superseded: true } : {}),
      },
      turn.locale,
    );
  }

  /**
   * Replaces the answered card in place: with what the step now holds, or with "continued
   * below" when the step asks again. Best effort: a chat that cannot update (an old
   * message, a client without the API) keeps the card, and the partner goes on anyway.
   */
  private async collapse(turn: Turn, stage: string | undefined, submission: CardSubmission, next: Next): Promise<void> {
    const id = submission.cardActivityId;
    if (!id || !updatable(turn.context)) return;
    if (next.kind === 'ask' && next.options.replaceCard === id) return;
    let card: CardAttachment;
    if (next.kind === 'ask' && next.options.stage === stage)
      card = this.answeredCard(turn, '', 'conversation.answeredBelow');
    else {
      const work = next.kind === 'ask' ? next.options.work : next.kind === 'stop' ? turn.work : next.work;
      const claim = (await this.draft.view(turn.context, turn.writer, work).catch(() => undefined)) ?? turn.claim;
      card = this.answeredCard(turn, this.recap(turn, claim, stage));
    }
    try {
      await turn.context.updateActivity({ id, type: 'message', attachments: [card] });
    } catch (e) {
      if (!(e instanceof Error)) throw e;
    }
  }

  private follow(step: WaterfallStepContext, options: SectionOptions, next: Next): Promise<DialogTurnResult> {
    if (next.kind === 'ask') return step.replaceDialog(STEPS, { ...next.options, again: true });
    return step.endDialog(next);
  }
}

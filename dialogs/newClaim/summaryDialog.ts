/**
 * The end of the conversation: the summary card with every section, one Edit menu, the
 * optional comment and Submit. It is the only confirmation: it says once that submission
 * is final (docs/RULES.md, rule 2), and Submit goes through the claim lifecycle service,
 * which checks role and organisation again and validates the whole claim. A receipt card
 * follows. Conversations saved while they waited on the retired comments card or confirm
 * card still resume: their answers are taken, and the summary is shown again.
 */
import {
  readComment,
  readEditSection,
  renderReceiptCard,
  renderSummaryCard,
  type CardProblems,
} from '../../cards/render';
import type { SummarySection } from '../../cards/verbs';
import type { Problem } from '../../claims/errors';
import type { ClaimLifecycle } from '../../claims/lifecycle';
import { addComment, editableFields, type ClaimPatch } from '../../claims/statusMachine';
import { validateClaimForSubmission, validateComment } from '../../claims/validation';
import { formatWindowLength, problemMessage, statusLabel, t } from '../../locales/i18n';
import type { Claim } from '../../claims/model';
import type { CardSubmission } from '../cardPrompt';
import type { ClaimWork } from './claimDraft';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const SUMMARY_DIALOG = 'newClaim.review';

// Stage names and the dialog id are stored in saved conversations: they keep their old values.
const SUMMARY = 'review';
/** Retired stages: the comments card and the confirm card, answered only by conversations saved while they waited. */
const COMMENT = 'comment';
const CONFIRM = 'confirm';

/** The claim field each section changes, to tell which Edit buttons a partly locked claim still allows. */
const SECTION_FIELD: Readonly<Record<SummarySection, keyof ClaimPatch | undefined>> = {
  location: 'mpnId',
  customer: 'customerDomain',
  solution: 'solutionArea',
  revenue: 'revenue',
  claimName: 'name',
  products: 'productIds',
  subscriptions: 'subscriptions',
  contacts: 'customerContact',
  poe: 'addPoe',
  // A comment is added in the summary's comment box, never edited.
  comments: undefined,
};

/** One sentence per problem, each once (the lifecycle may report what validation already shows). */
const uniqueSentences = (turn: Turn, problems: CardProblems): string[] => [
  ...new Set(problems.map((p) => (typeof p === 'string' ? p : problemMessage(turn.locale, p)))),
];

export class SummaryDialog extends SectionDialog {
  private readonly lifecycle: ClaimLifecycle;

  constructor(services: ClaimServices) {
    super(SUMMARY_DIALOG, services, ['comments'], { step: 'summary', title: 'summary.title' });
    this.lifecycle = services.lifecycle;
  }

  /** The summary is where the conversation ends: it is always shown. */
  protected isComplete(): boolean {
    return false;
  }

  /** The collapsed summary: the claim's name and where it stands (submitted, draft saved). */
  protected override recap(turn: Turn, claim: Claim): string {
    const name = claim.name.trim() || t(turn.locale, 'drafts.untitled');
    return t(turn.locale, 'receipt.collapsed', { name, status: statusLabel(turn.locale, claim.status) });
  }

  /** Every stage, the retired ones included, asks with the summary card. */
  protected async ask(turn: Turn, options: SectionOptions): Promise<CardAsk | Next> {
    if (turn.work.claimId === undefined) return { kind: 'restart', work: turn.work };
    const problems = options.problems ?? [];
    // A PoE result still missing is shown as "being checked", or read now when no check runs (after a restart).
    const poe = turn.services.poeChecks
      ? await turn.services.poeChecks.recover(turn.services, turn.claim, turn.locale)
      : undefined;
    if (poe) turn.claim = poe.claim;
    const location = turn.writer.org.locations.find((l) => l.mpnId === turn.claim.mpnId);
    const blocking = validateClaimForSubmission(turn.claim, turn.writer.org);
    const all = uniqueSentences(turn, [...problems, ...blocking]);
    return {
      verbs: ['editSection', 'saveDraft', 'submitClaim'],
      card: (step) =>
        renderSummaryCard(
          {
            ...step,
            claim: turn.claim,
            problems: all,
            optOutWindow: this.lifecycle.optOutWindow,
            submittable: blocking.length === 0,
            comment: options.form?.comment ?? turn.work.comment ?? '',
            ...(location ? { locationName: location.name } : {}),
            ...(turn.services.poeMaxAgeMonths ? { poeMaxAgeMonths: turn.services.poeMaxAgeMonths } : {}),
            ...(poe && poe.checking.length > 0 ? { checkingPoeIds: poe.checking } : {}),
          },
          turn.locale,
        ),
    };
  }

  protected async answer(
    turn: Turn,
    options: SectionOptions,
    stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    // An old comments card: its comment is added (or skipped), then the summary.
    if (stage === COMMENT) {
      if (submission.verb === 'commentSkipped') return this.summary(options, turn.work);
      const added = await this.addTypedComment(turn, options, submission);
      return added ?? this.summary(options, turn.work);
    }
    // An old confirm card was itself the confirmation.
    if (stage === CONFIRM)
      return submission.verb === 'confirmSubmit' ? this.submit(turn, options) : this.summary(options, turn.work);
    if (submission.verb === 'saveDraft') {
      const added = await this.addTypedComment(turn, options, submission);
      if (added) return added;
      await this.say(turn, turn.claim.status === 'draft' ? 'drafts.saved' : 'cancel.changesKept');
      return { kind: 'stop', result: { outcome: 'saved', claimId: turn.claim.id } };
    }
    if (submission.verb === 'submitClaim') {
      const { comment } = readComment(submission.values);
      const invalid = comment.trim() ? validateComment(comment) : undefined;
      if (invalid) return this.askAgain({ ...options, stage: SUMMARY }, submission, [invalid]);
      if (validateClaimForSubmission(turn.claim, turn.writer.org).length > 0) {
        await this.say(turn, 'submit.blocked');
        return this.askAgain({ ...options, stage: SUMMARY }, submission, []);
      }
      const added = await this.addTypedComment(turn, options, submission);
      return added ?? this.submit(turn, options);
    }
    // Edit: what was typed in the comment box waits for the partner's return to the summary.
    const { comment } = readComment(submission.values);
    return this.edit(turn, options, readEditSection(submission.values), comment.trim() ? comment : undefined);
  }

  private summary(options: SectionOptions, work: ClaimWork, problems: CardProblems = []): Next {
    return { kind: 'ask', options: { ...options, work, stage: SUMMARY, problems, form: undefined } };
  }

  /**
   * Adds the comment typed in the card, if any: undefined when there was none or it is
   * stored, else what to do instead (the summary again with the problem and the text kept).
   */
  private async addTypedComment(
    turn: Turn,
    options: SectionOptions,
    submission: CardSubmission,
  ): Promise<Next | undefined> {
    const { comment } = readComment(submission.values);
    if (!comment.trim()) return undefined;
    const again = { ...options, stage: SUMMARY, work: turn.work };
    const invalid = validateComment(comment);
    if (invalid) return this.askAgain(again, submission, [invalid]);
    const { actor } = turn.writer;
    const saved = await this.draft.change(turn.context, turn.writer, turn.work, (claim, now) =>
      addComment(claim, comment, actor, now, turn.services.newId()),
    );
    if (!saved.ok)
      return 'stop' in saved ? this.stop(turn, saved.stop) : this.askAgain(again, submission, saved.problems);
    turn.work = { ...turn.work, comment: undefined };
    await this.say(turn, 'comments.added');
    return undefined;
  }

  private edit(turn: Turn, options: SectionOptions, chosen: SummarySection | undefined, comment?: string): Next {
    const work: ClaimWork = { ...turn.work, comment };
    if (!chosen || chosen === 'comments') return this.summary(options, work);
    // Revenue details belong to the solution part when the activity has none.
    const section = chosen === 'revenue' && turn.claim.activity !== 'revenueAssociation' ? 'solution' : chosen;
    const field = SECTION_FIELD[section];
    if (field && !editableFields(turn.claim.status).includes(field)) {
      const locked: Problem = { code: 'claimLocked', field, params: { status: turn.claim.status } };
      return this.summary(options, work, [locked]);
    }
    return { kind: 'edit', section, work: { ...work, edit: section } };
  }

  private async submit(turn: Turn, options: SectionOptions): Promise<Next> {
    const ref = { partnerId: turn.claim.partnerId, claimId: turn.claim.id };
    const by = { actor: turn.writer.actor, tenantId: turn.writer.caller.tenantId };
    const resubmitting = turn.claim.status === 'partnerActionRequired';
    const result = resubmitting ? await this.lifecycle.resubmit(ref, by) : await this.lifecycle.submit(ref, by);
    turn.draft.forget(turn.context, turn.claim.id);
    if (result.ok) {
      const window = formatWindowLength(turn.locale, this.lifecycle.optOutWindow);
      const receipt = renderReceiptCard({ claim: result.value.value, resubmitted: resubmitting, window }, turn.locale);
      await turn.context.sendActivity({ type: 'message', attachments: [receipt] });
      return { kind: 'stop', result: { outcome: resubmitting ? 'resubmitted' : 'submitted', claimId: turn.claim.id } };
    }
    const codes = new Set(result.error.map((p) => p.code));
    if (codes.has('notFound')) return this.stop(turn, 'notFound');
    if (codes.has('roleNotAllowed')) return this.stop(turn, 'notAllowed');
    if (codes.has('transitionNotAllowed')) return this.stop(turn, 'notEditable');
    await this.say(turn, codes.has('concurrencyConflict') ? 'errors.concurrency' : 'submit.blocked');
    return this.summary(
      options,
      turn.work,
      result.error.filter((p) => p.code !== 'concurrencyConflict'),
    );
  }
}

/**
 * The end of the conversation: an optional comment, then the summary card with every
 * section (Edit on each), Save draft and Submit. Submitting asks once more, because
 * it is final (docs/RULES.md, rule 2), and goes through the claim lifecycle service, which
 * checks role and organisation again and validates the whole claim.
 */
import {
  readComment,
  readEditSection,
  renderCommentsCard,
  renderSummaryCard,
  renderSubmitConfirmCard,
  type CardProblems,
} from '../../cards/render';
import type { SummarySection } from '../../cards/verbs';
import type { Problem } from '../../claims/errors';
import type { ClaimLifecycle } from '../../claims/lifecycle';
import { addComment, editableFields, type ClaimPatch } from '../../claims/statusMachine';
import { validateClaimForSubmission, validateComment } from '../../claims/validation';
import { formatWindowLength, problemMessage } from '../../locales/i18n';
import type { CardSubmission } from '../cardPrompt';
import type { ClaimWork } from './claimDraft';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const SUMMARY_DIALOG = 'newClaim.review';

const COMMENT = 'comment';
// Stage names and the dialog id are stored in saved conversations: they keep their old values.
const SUMMARY = 'review';
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
  // A comment is added, never edited: allowed whenever the claim can be worked on.
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

  protected override initialStage(turn: Turn): string {
    return turn.editing || !turn.work.commentAsked ? COMMENT : SUMMARY;
  }

  protected async ask(turn: Turn, options: SectionOptions, stage: string | undefined): Promise<CardAsk | Next> {
    if (turn.work.claimId === undefined) return { kind: 'restart', work: turn.work };
    const problems = options.problems ?? [];
    if (stage === COMMENT) {
      return {
        verbs: ['commentEntered', 'commentSkipped'],
        card: (step) => renderCommentsCard({ ...step, comment: options.form?.comment ?? '', problems }, turn.locale),
      };
    }
    if (stage === CONFIRM)
      return {
        verbs: ['confirmSubmit', 'backToReview'],
        card: (step) => renderSubmitConfirmCard(step, turn.locale, this.lifecycle.optOutWindow),
      };
    // A PoE result still missing is shown as "being checked", or read now when no check runs (after a restart).
    const poe = turn.services.poeChecks
      ? await turn.services.poeChecks.recover(turn.services, turn.claim, turn.locale)
      : undefined;
    if (poe) turn.claim = poe.claim;
    const location = turn.writer.org.locations.find((l) => l.mpnId === turn.claim.mpnId);
    const all = uniqueSentences(turn, [...problems, ...validateClaimForSubmission(turn.claim, turn.writer.org)]);
    return {
      verbs: ['editSection', 'saveDraft', 'submitClaim'],
      card: (step) =>
        renderSummaryCard(
          {
            ...step,
            claim: turn.claim,
            problems: all,
            optOutWindow: this.lifecycle.optOutWindow,
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
    if (stage === COMMENT) return this.commented(turn, options, submission);
    if (stage === CONFIRM)
      return submission.verb === 'confirmSubmit' ? this.submit(turn, options) : this.summary(options, turn.work);
    if (submission.verb === 'saveDraft') {
      await this.say(turn, turn.claim.status === 'draft' ? 'drafts.saved' : 'cancel.changesKept');
      return { kind: 'stop', result: { outcome: 'saved', claimId: turn.claim.id } };
    }
    if (submission.verb === 'submitClaim') {
      const problems = validateClaimForSubmission(turn.claim, turn.writer.org);
      if (problems.length === 0) return { kind: 'ask', options: { ...options, stage: CONFIRM, problems: [] } };
      await this.say(turn, 'submit.blocked');
      return this.summary(options, turn.work);
    }
    return this.edit(turn, options, readEditSection(submission.values));
  }

  private summary(options: SectionOptions, work: ClaimWork, problems: CardProblems = []): Next {
    return { kind: 'ask', options: { ...options, work, stage: SUMMARY, problems, form: undefined } };
  }

  private async commented(turn: Turn, options: SectionOptions, submission: CardSubmission): Promise<Next> {
    const work: ClaimWork = { ...turn.work, commentAsked: true, edit: undefined };
    if (submission.verb === 'commentSkipped') return this.summary(options, work);
    const { comment } = readComment(submission.values);
    const invalid = validateComment(comment);
    if (invalid) return this.askAgain(options, submission, [invalid]);
    const { actor } = turn.writer;
    const saved = await this.draft.change(turn.context, turn.writer, turn.work, (claim, now) =>
      addComment(claim, comment, actor, now, turn.services.newId()),
    );
    if (!saved.ok)
      return 'stop' in saved ? this.stop(turn, saved.stop) : this.askAgain(options, submission, saved.problems);
    await this.say(turn, 'comments.added');
    return this.summary(options, work);
  }

  private edit(turn: Turn, options: SectionOptions, chosen: SummarySection | undefined): Next {
    if (!chosen) return this.summary(options, turn.work);
    // Revenue details belong to the solution part when the activity has none.
    const section = chosen === 'revenue' && turn.claim.activity !== 'revenueAssociation' ? 'solution' : chosen;
    const field = SECTION_FIELD[section];
    if (field && !editableFields(turn.claim.status).includes(field)) {
      const locked: Problem = { code: 'claimLocked', field, params: { status: turn.claim.status } };
      return this.summary(options, turn.work, [locked]);
    }
    return { kind: 'edit', section, work: { ...turn.work, edit: section } };
  }

  private async submit(turn: Turn, options: SectionOptions): Promise<Next> {
    const ref = { partnerId: turn.claim.partnerId, claimId: turn.claim.id };
    const by = { actor: turn.writer.actor, tenantId: turn.writer.caller.tenantId };
    const resubmitting = turn.claim.status === 'partnerActionRequired';
    const result = resubmitting ? await this.lifecycle.resubmit(ref, by) : await this.lifecycle.submit(ref, by);
    turn.draft.forget(turn.context, turn.claim.id);
    if (result.ok) {
      if (resubmitting) await this.say(turn, 'status.resubmitted');
      else {
        await this.say(turn, 'submit.submitted');
        await this.say(turn, 'submit.nextSteps', {
          window: formatWindowLength(turn.locale, this.lifecycle.optOutWindow),
        });
      }
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

/**
 * Solution area and activity, in one choice. Revenue association (Business
 * Applications) asks its own three fields on a second card; any other activity drops
 * revenue details a partner entered before changing their mind.
 */
import {
  areaActivityValue,
  readAreaActivity,
  readRevenue,
  renderRevenueDetailsCard,
  renderSolutionCard,
} from '../../cards/render';
import { validateSection, validateRevenue } from '../../claims/validation';
import { t } from '../../locales/i18n';
import type { CardSubmission } from '../cardPrompt';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const SOLUTION_DIALOG = 'newClaim.solution';

const REVENUE = 'revenue';

const areaChosen = (turn: Turn): boolean => validateSection(turn.claim, 'areaActivity').length === 0;

export class SolutionDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(SOLUTION_DIALOG, services, ['solution', 'revenue'], { step: 'solution', title: 'solution.title' });
  }

  protected isComplete(turn: Turn): boolean {
    if (!areaChosen(turn)) return false;
    return turn.claim.activity !== 'revenueAssociation' || validateRevenue(turn.claim.revenue).length === 0;
  }

  /** Straight to the revenue card when only its fields are missing, or when they are what the partner edits. */
  protected override initialStage(turn: Turn): string | undefined {
    if (!areaChosen(turn) || turn.claim.activity !== 'revenueAssociation') return undefined;
    const onlyRevenue = !turn.editing || turn.work.edit === 'revenue';
    return onlyRevenue ? REVENUE : undefined;
  }

  protected ask(turn: Turn, options: SectionOptions, stage: string | undefined): CardAsk {
    if (stage === REVENUE) {
      const form = options.form;
      return {
        verbs: ['revenueEntered'],
        card: (step) =>
          renderRevenueDetailsCard(
            { ...step, revenue: form ? readRevenue(form) : turn.claim.revenue, problems: options.problems ?? [] },
            turn.locale,
          ),
      };
    }
    const { solutionArea, activity } = turn.claim;
    const selected =
      readAreaActivity(options.form ?? {}) ?? (solutionArea && activity ? { solutionArea, activity } : undefined);
    return {
      verbs: ['solutionChosen'],
      card: (step) =>
        renderSolutionCard(
          { ...step, ...(selected ? { selected } : {}), problems: options.problems ?? [] },
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
    if (stage === REVENUE) {
      const revenue = readRevenue(submission.values);
      const problems = validateRevenue(revenue);
      if (problems.length > 0) return this.askAgain(options, submission, problems);
      // The area and activity chosen on the first card, or the claim's when only the details are edited.
      const chosen = readAreaActivity(options.memo ?? {}) ?? {
        solutionArea: turn.claim.solutionArea,
        activity: turn.claim.activity,
      };
      return this.saveAndFinish(turn, options, submission, { ...chosen, revenue });
    }
    const chosen = readAreaActivity(submission.values);
    if (!chosen) return this.askAgain(options, submission, [t(turn.locale, 'solution.error')]);
    if (chosen.activity === 'revenueAssociation') {
      const memo = { areaActivity: areaActivityValue(chosen.solutionArea, chosen.activity) };
      return { kind: 'ask', options: { ...options, stage: REVENUE, problems: [], form: undefined, memo } };
    }
    return this.saveAndFinish(turn, options, submission, { ...chosen, revenue: undefined });
  }
}

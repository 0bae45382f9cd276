/**
 * The claim's name; giving it creates the claim as a Draft document.
 * From here on every part is saved to that document as it completes.
 */
import { readClaimName, renderClaimNameCard } from '../../cards/render';
import { validateClaimName } from '../../claims/validation';
import { problemMessages } from '../../locales/i18n';
import type { CardSubmission } from '../cardPrompt';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';
import { draftIdForCard } from './claimDraft';

export const CLAIM_NAME_DIALOG = 'newClaim.claimName';

export class ClaimNameDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(CLAIM_NAME_DIALOG, services, ['claimName'], { step: 'claimName', title: 'claimName.title' });
  }

  protected isComplete(turn: Turn): boolean {
    return turn.work.claimId !== undefined && validateClaimName(turn.claim.name) === undefined;
  }

  protected ask(turn: Turn, options: SectionOptions): CardAsk {
    return {
      verbs: ['nameEntered'],
      card: (step) =>
        renderClaimNameCard(
          { ...step, name: options.form?.name ?? turn.claim.name, problems: options.problems ?? [] },
          turn.locale,
        ),
    };
  }

  protected async answer(
    turn: Turn,
    options: SectionOptions,
    _stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    const { name } = readClaimName(submission.values);
    const invalid = validateClaimName(name);
    if (invalid) return this.askAgain(options, submission, [invalid]);
    if (turn.work.claimId !== undefined) return this.saveAndFinish(turn, options, submission, { name });

    // One id per card: every submit of the same card (a double click, two at once on two
    // instances) creates the same claim, and a retry after a lost answer (kept in the
    // step's options) finds the claim the first attempt created instead of a second one.
    // A claim started from its SOW has its id already: the file is stored under it.
    options.memo = {
      ...options.memo,
      claimId:
        options.memo?.claimId ??
        turn.work.reservedClaimId ??
        (submission.nonce ? draftIdForCard(turn.writer.org.id, submission.nonce) : turn.services.newId()),
    };
    const claimId = options.memo.claimId ?? '';
    const created = await this.draft.create(turn.context, turn.writer, turn.work, name, claimId);
    if (created.ok) {
      await this.say(turn, 'claimName.created');
      return this.done(turn, { ...turn.work, claimId, fields: {} });
    }
    const aboutName = created.error.filter((p) => p.field === 'name');
    if (aboutName.length === created.error.length) return this.askAgain(options, submission, aboutName);
    if (created.error.some((p) => p.code === 'roleNotAllowed')) return this.stop(turn, 'notAllowed');
    // An earlier answer no longer holds (a location removed meanwhile): say what, and
    // let the flow ask again from the first part that is not complete.
    for (const line of problemMessages(turn.locale, created.error)) await this.sayPlain(turn, line);
    return { kind: 'restart', work: turn.work };
  }
}

/**
 * Which partner location (MPN ID) makes the claim. With one location on record there
 * is nothing to choose: it is taken and the partner is told which; with none, no
 * claim can be made and the partner is told how to fix that.
 */
import { renderMpnChoiceCard, readMpnChoice } from '../../cards/render';
import type { Problem } from '../../claims/errors';
import { normalizeMpnId, validateMpnId } from '../../claims/validation';
import { readTypedValues } from '../../claims/typedValues';
import { t } from '../../locales/i18n';
import type { CardSubmission } from '../cardPrompt';
import { acceptsSow, askAgainAfterSow } from './sowPrefill';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const PARTNER_LOCATION_DIALOG = 'newClaim.location';

export class PartnerLocationDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(PARTNER_LOCATION_DIALOG, services, ['location'], { step: 'location', title: 'mpn.title' });
  }

  protected isComplete(turn: Turn): boolean {
    return this.problemOf(turn, turn.claim.mpnId) === undefined;
  }

  protected async ask(turn: Turn, options: SectionOptions): Promise<CardAsk | Next> {
    const { locations } = turn.writer.org;
    if (locations.length === 0) {
      await this.say(turn, 'mpn.noLocations');
      return { kind: 'stop', result: { outcome: 'noLocations' } };
    }
    const [only] = locations;
    if (locations.length === 1 && only && !turn.editing && !options.again) {
      const saved = await this.draft.save(turn.context, turn.writer, turn.work, { mpnId: only.mpnId });
      if (saved.ok) {
        // The location's name comes from the directory, not from us: plain text.
        await this.sayPlain(turn, t(turn.locale, 'mpn.autoPicked', { mpnId: only.mpnId, location: only.name }));
        return this.done(turn, saved.work);
      }
    }
    return {
      verbs: ['mpnChosen'],
      card: (step) =>
        renderMpnChoiceCard(
          { ...step, locations, selected: options.form?.mpnId ?? turn.claim.mpnId, problems: options.problems ?? [] },
          turn.locale,
        ),
      // A signed SOW attached here starts the claim from the document.
      acceptFiles: acceptsSow(turn),
    };
  }

  /** An MPN ID typed in the chat selects that location on the card. */
  protected override readTyped(turn: Turn, text: string): Record<string, string> | undefined {
    const { mpnId } = readTypedValues(text);
    return mpnId && turn.writer.org.locations.some((l) => l.mpnId === mpnId) ? { mpnId } : undefined;
  }

  protected async answer(
    turn: Turn,
    options: SectionOptions,
    _stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    if (submission.files.length > 0) return askAgainAfterSow(turn, options, submission.files);
    const { mpnId } = readMpnChoice(submission.values);
    const problem = this.problemOf(turn, mpnId);
    if (problem) return this.askAgain(options, submission, [problem]);
    return this.saveAndFinish(turn, options, submission, { mpnId: normalizeMpnId(mpnId) });
  }

  /** Well-formed and one of this organisation's locations. */
  private problemOf(turn: Turn, mpnId: string): Problem | undefined {
    const invalid = validateMpnId(mpnId);
    if (invalid) return invalid;
    const known = turn.writer.org.locations.some((l) => l.mpnId === normalizeMpnId(mpnId));
    return known ? undefined : { code: 'mpnIdUnknown', field: 'mpnId' };
  }
}

/**
 * The status card's actions on a submitted claim: respond to a request for more
 * information (or only add PoE) through the new-claim flow, withdraw, dispute a
 * rejection (its optional new PoE in DisputeDialog), and end an official association.
 *
 * Each press is checked afresh, whatever the card showed: the caller must be an
 * incentives admin of the organisation now (writerOf), the claim must be in the caller's
 * partition (another organisation's id is simply not found), and the status machine
 * must allow the step now; ClaimLifecycle checks all of it once more as it writes, and
 * records the history entry (who, when, why) in the same write.
 */
import type { TurnContext } from 'botbuilder';
import { DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { plainTextMessage } from '../../cards/render';
import type { LifecycleResult } from '../../claims/lifecycle';
import type { Claim, PartnerOrganisation } from '../../claims/model';
import { allowedEvents, applyEvent } from '../../claims/statusMachine';
import { t, type MessageKey } from '../../locales/i18n';
import type { Caller } from '../caller';
import type { ClaimFocus } from '../claimFocus';
import { writerOf, type Writer } from '../newClaim/claimDraft';
import { DISPUTE_DIALOG, type DisputeOptions } from './disputeDialog';
import { claimInOrganisation, lifecycleCallerOf, sayDone, sayProblems } from './manageReplies';
import type { ClaimAction } from './manageRequests';
import { NEW_CLAIM_DIALOG, type NewClaimOptions } from '../newClaim/newClaimDialog';
import type { ClaimServices } from '../services';

const DONE: DialogTurnResult = { status: DialogTurnStatus.complete };

export class ClaimActions {
  constructor(
    private readonly services: ClaimServices,
    /** A claim acted on is the one the conversation is about from then on. */
    private readonly focus: ClaimFocus,
  ) {}

  async handle(
    dc: DialogContext,
    request: { action: ClaimAction; claimId: string; text: string },
    caller: Caller,
    org: PartnerOrganisation,
  ): Promise<DialogTurnResult> {
    const context = dc.context;
    const claim = await claimInOrganisation(this.services, org, request.claimId);
    if (!claim) {
      await context.sendActivity(plainTextMessage(t(caller.locale, 'errors.notFound')));
      return DONE;
    }
    await this.focus.remember(context, claim.id);
    const writer = writerOf(caller);
    if (!writer) {
      await context.sendActivity(plainTextMessage(t(caller.locale, 'manage.notAllowed')));
      return DONE;
    }
    const ref = { partnerId: org.id, claimId: claim.id };
    const by = lifecycleCallerOf(writer);
    switch (request.action) {
      case 'respond':
      case 'addPoe':
        return this.respond(dc, caller, claim, request.action);
      case 'dispute':
        return this.startDispute(dc, caller, writer, claim, request.text);
      case 'withdraw':
        return this.report(context, caller, await this.services.lifecycle.withdraw(ref, by), 'manage.withdrawn');
      case 'disassociate':
        return this.report(
          context,
          caller,
          await this.services.lifecycle.disassociate(ref, by, request.text),
          'status.disassociated',
        );
    }
  }

  /** Partner action required: the new-claim flow, for the edits that status still allows, then resubmit. */
  private async respond(
    dc: DialogContext,
    caller: Caller,
    claim: Claim,
    action: 'respond' | 'addPoe',
  ): Promise<DialogTurnResult> {
    if (!allowedEvents(claim, 'partnerAdmin', this.services.clock.now()).includes('resubmit')) {
      await dc.context.sendActivity(plainTextMessage(t(caller.locale, 'errors.notEditable')));
      return DONE;
    }
    const options: NewClaimOptions = action === 'addPoe' ? { claimId: claim.id, edit: 'poe' } : { claimId: claim.id };
    return dc.beginDialog(NEW_CLAIM_DIALOG, options);
  }

  /**
   * Judges the dispute as it stands (once, within 30 days, a justification) before asking
   * for new PoE, so nobody uploads files for a dispute that cannot be filed.
   */
  private async startDispute(
    dc: DialogContext,
    caller: Caller,
    writer: Writer,
    claim: Claim,
    justification: string,
  ): Promise<DialogTurnResult> {
    const judged = applyEvent(claim, { type: 'dispute', justification }, writer.actor, this.services.clock.now());
    if (!judged.ok) {
      await sayProblems(dc.context, caller, judged.error);
      return DONE;
    }
    return dc.beginDialog(DISPUTE_DIALOG, {
      claimId: claim.id,
      justification: justification.trim(),
      files: [],
    } satisfies DisputeOptions);
  }

  private async report(
    context: TurnContext,
    caller: Caller,
    result: LifecycleResult,
    done: MessageKey,
  ): Promise<DialogTurnResult> {
    if (result.ok) await sayDone(context, caller, this.services, done, result.value.value);
    else await sayProblems(context, caller, result.error);
    return DONE;
  }
}

/**
 * The top of the conversation: routes a command (typed in English, Korean or Japanese,
 * or a card button) to the new-claim flow or answers it at once — drafts to continue,
 * the claims list, a claim's status or history, help. It starts only when no flow is
 * running; while one runs, the flow itself handles help and cancel.
 *
 * Every read goes through the caller's organisation (the claims' partition), so the id
 * of another organisation's claim is simply not found, with nothing said about it.
 *
 * "status" and "history" with no claim named answer about the claim in focus (just
 * filed, shown or acted on: dialogs/claimFocus.ts), else the organisation's only claim,
 * and ask "Which claim?" only when that leaves a choice.
 */
import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogTurnStatus,
  type Dialog,
  type DialogContext,
  type DialogTurnResult,
} from 'botbuilder-dialogs';
import type { Claim, PartnerOrganisation } from '../claims/model';
import { plainTextMessage, renderDraftsListCard, renderHelpCard } from '../cards/render';
import { formatDateTime, t, type MessageKey } from '../locales/i18n';
import { callerOf, partnerActor, partnerOrgOf, type Caller } from './caller';
import { ClaimFocus, type FocusStore } from './claimFocus';
import { ClaimActions } from './manage/claimActions';
import { ClaimsListing } from './manage/claimsListing';
import { cardMessage } from './cardPrompt';
import { claimsListCardOf, historyCardOf, statusCardOf, viewContextOf, type ViewContext } from './manage/claimViews';
import { DisputeDialog } from './manage/disputeDialog';
import { mainRequestOf, type MainRequest } from './mainRequests';
import { NEW_CLAIM_DIALOG, type NewClaimOptions } from './newClaim/newClaimDialog';
import { sendReviewQueue } from './reviewer/reviewViews';
import { sendAccessOffer, sendMembers, sendOrganisations } from './roles/roleActions';
import type { ClaimServices } from './services';

export const MAIN_DIALOG_ID = 'main';

export interface MainDialogOptions {
  /** The new-claim flow (NewClaimDialog, or a stand-in in tests); started by its id. */
  newClaim?: Dialog;
  /** Claims per page of "my claims"; default 10. */
  pageSize?: number;
  /** Where the conversation keeps its claim in focus (a conversation-state property); absent, none is kept. */
  focus?: FocusStore;
}

const DRAFTS_SHOWN = 20;
/** "status <words>" looks for a claim name among this many recent claims. */
const NAME_SEARCH_DEPTH = 50;
/** What can be a claim id: anything else is not looked up at all. */
const CLAIM_ID = /^[A-Za-z0-9_-]{1,128}$/;

const DONE: DialogTurnResult = { status: DialogTurnStatus.complete };

export class MainDialog extends ComponentDialog {
  private readonly pageSize: number;
  private readonly listing: ClaimsListing;
  private readonly actions: ClaimActions;
  private readonly focus: ClaimFocus;

  constructor(
    private readonly services: ClaimServices,
    options: MainDialogOptions = {},
  ) {
    super(MAIN_DIALOG_ID);
    if (options.newClaim) {
      if (options.newClaim.id !== NEW_CLAIM_DIALOG)
        throw new Error(`the new-claim flow must have the id "${NEW_CLAIM_DIALOG}"`);
      this.addDialog(options.newClaim);
    }
    this.pageSize = options.pageSize ?? 10;
    this.addDialog(new DisputeDialog(services));
    this.listing = new ClaimsListing(services, this.pageSize);
    this.focus = new ClaimFocus(options.focus, services.clock);
    this.actions = new ClaimActions(services, this.focus);
  }

  /** A flow begun from here (the new claim) has ended: its claim, filed or kept, is the one in focus now. */
  protected override async endComponent(outerDc: DialogContext, result: unknown): Promise<DialogTurnResult> {
    await this.focus.rememberFlowEnd(outerDc.context, result);
    return super.endComponent(outerDc, result);
  }

  protected override async onBeginDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const caller = callerOf(innerDc.context);
    const request = mainRequestOf(innerDc.context.activity);
    if (!caller.org) {
      await this.say(innerDc.context, caller, 'access.unknownOrganisation', { tenantId: caller.tenantId || '—' });
      return DONE;
    }
    if (await this.answerAnyone(innerDc.context, request, caller)) return DONE;
    if (caller.org.type === 'operator') {
      // The operator's people have no claims of their own.
      await this.say(innerDc.context, caller, 'access.operatorHasNoClaims');
      return DONE;
    }
    if (caller.org.suspended === true) {
      await this.say(innerDc.context, caller, 'access.organisationSuspended');
      return DONE;
    }
    const org = partnerOrgOf(caller);
    if (!org) {
      await sendAccessOffer(innerDc.context, caller, caller.org);
      return DONE;
    }
    return this.answer(innerDc, request, caller, org);
  }

  /**
   * What every onboarded organisation's users may ask, partner or operator, with or without
   * a role (each answer checks the role itself); false for the partner-side requests.
   */
  private async answerAnyone(context: TurnContext, request: MainRequest, caller: Caller): Promise<boolean> {
    // Help and "not understood" are for people with somewhere to go; the rest get the access offer or the suspension.
    const hasPlace = caller.org?.type === 'operator' || partnerOrgOf(caller) !== undefined;
    switch (request.kind) {
      case 'reviewQueue':
        await sendReviewQueue(context, this.services, caller);
        return true;
      case 'members':
        await sendMembers(context, this.services, caller);
        return true;
      case 'organisations':
        await sendOrganisations(context, this.services, caller);
        return true;
      case 'help':
        if (!hasPlace) return false;
        await context.sendActivity(
          cardMessage(
            renderHelpCard(
              {
                canCreate: caller.isIncentivesAdmin,
                isReviewer: caller.isReviewer,
                isOperatorAdmin: caller.roles.includes('operatorAdmin'),
                optOutWindow: this.services.lifecycle.optOutWindow,
              },
              caller.locale,
            ),
          ),
        );
        return true;
      case 'cancel':
        await this.say(context, caller, 'cancel.nothingToCancel');
        return true;
      case 'notUnderstood':
        if (!hasPlace) return false;
        await this.say(context, caller, 'conversation.notUnderstood');
        return true;
      case 'newClaim':
      case 'continueDraft':
      case 'resumeDraft':
      case 'myClaims':
      case 'export':
      case 'claimAction':
      case 'status':
      case 'history':
      case 'staleCard':
        return false;
    }
  }

  /** A partner user's request about their organisation's claims. */
  private async answer(
    innerDc: DialogContext,
    request: MainRequest,
    caller: Caller,
    org: PartnerOrganisation,
  ): Promise<DialogTurnResult> {
    const context = innerDc.context;
    switch (request.kind) {
      case 'newClaim':
        return this.startNewClaim(innerDc, caller, {});
      case 'continueDraft':
        return this.offerDrafts(context, caller, org);
      case 'resumeDraft':
        return this.resumeDraft(innerDc, caller, org, request.claimId);
      case 'myClaims':
        await this.listing.showPage(context, caller, org, request);
        return DONE;
      case 'export':
        await this.listing.export(context, caller, org, request.filter);
        return DONE;
      case 'claimAction':
        return this.actions.handle(innerDc, request, caller, org);
      case 'status':
      case 'history':
        await this.showClaim(context, caller, org, request);
        return DONE;
      case 'staleCard':
        await this.explainStaleCard(context, caller, org, request.cardClaimId);
        return DONE;
      case 'reviewQueue':
      case 'members':
      case 'organisations':
      case 'help':
      case 'cancel':
      case 'notUnderstood':
        // Answered by answerAnyone before this is reached.
        return DONE;
    }
  }

  private async startNewClaim(
    innerDc: DialogContext,
    caller: Caller,
    begin: NewClaimOptions,
  ): Promise<DialogTurnResult> {
    if (!caller.isIncentivesAdmin) {
      await this.say(innerDc.context, caller, 'access.notAllowed');
      return DONE;
    }
    if (!this.findDialog(NEW_CLAIM_DIALOG))
      throw new Error('the new-claim flow is not registered with the main dialog');
    return innerDc.beginDialog(NEW_CLAIM_DIALOG, begin);
  }

  private async offerDrafts(context: TurnContext, caller: Caller, org: PartnerOrganisation): Promise<DialogTurnResult> {
    if (!caller.isIncentivesAdmin) {
      await this.say(context, caller, 'access.notAllowed');
      return DONE;
    }
    const drafts = await this.services.claims.listByPartner(
      org.id,
      { statuses: ['draft'], createdBy: caller.aadObjectId },
      DRAFTS_SHOWN,
    );
    if (drafts.items.length === 0) await this.say(context, caller, 'drafts.none');
    else
      await context.sendActivity(
        cardMessage(
          renderDraftsListCard(
            { drafts: drafts.items, timeZone: this.viewOf(context, caller).timeZone },
            caller.locale,
          ),
        ),
      );
    return DONE;
  }

  private async resumeDraft(
    innerDc: DialogContext,
    caller: Caller,
    org: PartnerOrganisation,
    claimId: string,
  ): Promise<DialogTurnResult> {
    if (!caller.isIncentivesAdmin) {
      await this.say(innerDc.context, caller, 'access.notAllowed');
      return DONE;
    }
    const claim = await this.claimOf(org, claimId);
    if (!claim) {
      await this.say(innerDc.context, caller, 'errors.notFound');
      return DONE;
    }
    if (claim.status !== 'draft') {
      await this.say(innerDc.context, caller, 'errors.notEditable');
      return DONE;
    }
    return this.startNewClaim(innerDc, caller, { claimId: claim.id });
  }

  private async showClaim(
    context: TurnContext,
    caller: Caller,
    org: PartnerOrganisation,
    request: { kind: 'status' | 'history'; claimId?: string; query?: string },
  ): Promise<void> {
    const view = this.viewOf(context, caller);
    const role = partnerActor(caller).role;
    const show = async (claim: Claim): Promise<void> => {
      await context.sendActivity(
        cardMessage(request.kind === 'status' ? statusCardOf(claim, view, role) : historyCardOf(claim, view)),
      );
      await this.focus.remember(context, claim.id);
    };
    if (request.claimId !== undefined) {
      const claim = await this.claimOf(org, request.claimId);
      if (claim) await show(claim);
      else await this.say(context, caller, 'errors.notFound');
      return;
    }
    if (request.query === undefined) {
      const meant = (await this.claimInFocus(context, org)) ?? (await this.onlyClaim(org));
      if (meant) return show(meant);
      await this.say(context, caller, 'conversation.whichClaim');
      await this.listing.showPage(context, caller, org, { page: 1 });
      return;
    }
    const matches = await this.findClaims(org, request.query);
    if (matches.length === 1) await show(matches[0]);
    else if (matches.length === 0) await this.say(context, caller, 'conversation.noMatch');
    else {
      await this.say(context, caller, 'conversation.whichClaim');
      await context.sendActivity(cardMessage(claimsListCardOf({ items: matches }, 1, view)));
    }
  }

  /**
   * Says why a card of an ended flow does nothing: its claim was submitted (when, and
   * how to follow it), or is a draft to continue; a claim of another organisation is
   * not found, so it gets the same words as a card without a claim.
   */
  private async explainStaleCard(
    context: TurnContext,
    caller: Caller,
    org: PartnerOrganisation,
    claimId: string | undefined,
  ): Promise<void> {
    const claim = claimId === undefined ? undefined : await this.claimOf(org, claimId);
    if (!claim) return this.say(context, caller, 'conversation.staleEnded');
    // The words say "type status": that claim is the one it will show.
    await this.focus.remember(context, claim.id);
    const name = claim.name.trim() || t(caller.locale, 'drafts.untitled');
    if (claim.status === 'draft') return this.say(context, caller, 'conversation.staleDraft', { name });
    const when = formatDateTime(
      caller.locale,
      claim.submittedAt ?? claim.updatedAt,
      this.viewOf(context, caller).timeZone,
    );
    return this.say(context, caller, 'conversation.staleSubmitted', { name, when });
  }

  /** The claim in focus, found again in the caller's organisation; a focus that finds nothing is dropped. */
  private async claimInFocus(context: TurnContext, org: PartnerOrganisation): Promise<Claim | undefined> {
    const claimId = await this.focus.recall(context);
    if (claimId === undefined) return undefined;
    const claim = await this.claimOf(org, claimId);
    if (!claim) await this.focus.forget(context);
    return claim;
  }

  /** The organisation's claim when it has exactly one: there is nothing to choose. */
  private async onlyClaim(org: PartnerOrganisation): Promise<Claim | undefined> {
    const page = await this.services.claims.listByPartner(org.id, {}, 2);
    return page.items.length === 1 && page.continuationToken === undefined ? page.items[0] : undefined;
  }

  /** The claim with this id in the caller's organisation; another organisation's id finds nothing. */
  private async claimOf(org: PartnerOrganisation, claimId: string): Promise<Claim | undefined> {
    if (!CLAIM_ID.test(claimId)) return undefined;
    return (await this.services.claims.get(org.id, claimId))?.value;
  }

  /** A claim id, else claims whose customer domain or tenant starts with the words, else whose name contains them. */
  private async findClaims(org: PartnerOrganisation, query: string): Promise<Claim[]> {
    const byId = await this.claimOf(org, query);
    if (byId) return [byId];
    const byCustomer = await this.services.claims.listByPartner(org.id, { customer: query }, this.pageSize);
    if (byCustomer.items.length > 0) return byCustomer.items;
    const wanted = query.normalize('NFKC').toLowerCase();
    const recent = await this.services.claims.listByPartner(org.id, {}, NAME_SEARCH_DEPTH);
    return recent.items
      .filter((claim) => claim.name.normalize('NFKC').toLowerCase().includes(wanted))
      .slice(0, this.pageSize);
  }

  private viewOf(context: TurnContext, caller: Caller): ViewContext {
    return viewContextOf(context, caller, this.services);
  }

  private async say(
    context: TurnContext,
    caller: Caller,
    key: MessageKey,
    params?: Record<string, string>,
  ): Promise<void> {
    await context.sendActivity(plainTextMessage(t(caller.locale, key, params)));
  }
}

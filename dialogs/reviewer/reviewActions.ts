/**
 * The reviewer's buttons (Action.Execute, answered outside any dialog): page the queue,
 * open a claim, start the review, request more information, approve, reject. Every
 * click asks the partner directory again whether the clicker is a reviewer; the card's
 * data only names the claim and the status it showed. Changes go through the lifecycle
 * (ETag-guarded, role re-checked there too). The answer is the refreshed review card,
 * with what happened on top; a click on a card the claim has moved past changes nothing
 * and gets the current card with a notice.
 */
import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { ClaimLifecycle, ClaimRef, Caller as LifecycleCaller, LifecycleResult } from '../../claims/lifecycle';
import { REJECTION_REASONS, type Claim, type RejectionReason } from '../../claims/model';
import type { CardNotice } from '../../cards/commentsThreadCard';
import type { ExecuteVerb } from '../../cards/verbs';
import { callerOf, reviewerActor, type Caller } from '../caller';
import { viewContextOf, type ViewContext } from '../manage/claimViews';
import { isReviewerNow, reviewDetailCard, reviewQueueCard } from './reviewViews';
import type { ClaimServices } from '../services';
import { formatDateTime, problemMessages, statusLabel, t, type Locale, type MessageKey } from '../../locales/i18n';
import type { CardActionData, CardActionHandler } from '../cardActions';
import { cardResponse, idField, listField, noticeResponse, textField } from '../invokeData';

type Act = (
  lifecycle: ClaimLifecycle,
  ref: ClaimRef,
  by: LifecycleCaller,
  data: CardActionData,
) => Promise<LifecycleResult>;

/** Problems that mean "someone else got there first", not "this input is wrong". */
const MOVED_ON = new Set(['transitionNotAllowed', 'concurrencyConflict']);

const isRejectionReason = (value: string | undefined): value is RejectionReason =>
  (REJECTION_REASONS as readonly string[]).includes(value ?? '');

export const claimRefOf = (data: CardActionData): ClaimRef | undefined => {
  const claimId = idField(data, 'claimId');
  const partnerId = idField(data, 'partnerId');
  return claimId && partnerId ? { claimId, partnerId } : undefined;
};

/** What the transition did, said from the status it led to. */
function doneLine(claim: Claim, locale: Locale, timeZone: string): string {
  switch (claim.status) {
    case 'underReview':
      return t(locale, 'reviewer.started');
    case 'partnerActionRequired':
      return t(locale, 'reviewer.infoRequested', {
        date: formatDateTime(locale, claim.infoRequest?.deadlineAt ?? claim.updatedAt, timeZone),
      });
    case 'approvedCustomerNotified':
      return t(locale, 'reviewer.approved', {
        date: formatDateTime(locale, claim.windowClosesAt ?? claim.updatedAt, timeZone),
      });
    case 'rejectedFinal':
      return t(locale, 'reviewer.rejectedFinal');
    case 'rejected':
      return t(locale, 'reviewer.rejected');
    // No reviewer verb leads to these statuses; they keep the line they always had.
    case 'draft':
    case 'submitted':
    case 'associated':
    case 'dispute':
      return t(locale, 'reviewer.rejected');
  }
}

export const staleNotice = (claim: Claim, locale: Locale): CardNotice => ({
  tone: 'warning',
  lines: [t(locale, 'reviewer.stale', { status: statusLabel(locale, claim.status) })],
});

export class ReviewActions {
  constructor(private readonly services: ClaimServices) {}

  /** The handlers by verb, for the CardActionRouter. */
  handlers(): [ExecuteVerb, CardActionHandler][] {
    return [
      ['reviewQueue', (context, data) => this.asReviewer(context, (_caller, view) => this.queue(view, data))],
      ['reviewOpen', (context, data) => this.asReviewer(context, (_caller, view) => this.open(view, data))],
      ['reviewStart', this.transition((lifecycle, ref, by) => lifecycle.startReview(ref, by))],
      [
        'reviewRequestInfo',
        this.transition((lifecycle, ref, by, data) =>
          lifecycle.requestInfo(ref, by, listField(data, 'infoReasons'), textField(data, 'infoNote')),
        ),
      ],
      [
        'reviewApprove',
        this.transition((lifecycle, ref, by, data) => lifecycle.approve(ref, by, textField(data, 'approveNote'))),
      ],
      [
        'reviewReject',
        this.transition((lifecycle, ref, by, data) => {
          const reason = textField(data, 'rejectReason');
          return lifecycle.reject(
            ref,
            by,
            isRejectionReason(reason) ? reason : undefined,
            textField(data, 'rejectNote'),
          );
        }),
      ],
      // An address the directory could not verify, confirmed by hand before the consent request may go to it.
      [
        'reviewConfirmContact',
        this.transition(
          (lifecycle, ref, by) => lifecycle.confirmContact(ref, by, 'customerContact'),
          'reviewer.contactConfirmedDone',
        ),
      ],
    ];
  }

  /** Runs `answer` only for someone the partner directory lists as a reviewer now; anyone else gets a refusal and nothing changes. */
  async asReviewer(
    context: TurnContext,
    answer: (caller: Caller, view: ViewContext) => Promise<AdaptiveCardInvokeResponse>,
  ): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    if (!(await isReviewerNow(this.services, caller)))
      return noticeResponse(caller.locale, 'attention', [t(caller.locale, 'access.notReviewer')]);
    return answer(caller, viewContextOf(context, caller, this.services));
  }

  /** The claim the data names, as stored now, or a "not found" answer. */
  async current(
    data: CardActionData,
    view: ViewContext,
  ): Promise<{ ref: ClaimRef; claim: Claim } | AdaptiveCardInvokeResponse> {
    const ref = claimRefOf(data);
    const stored = ref && (await this.services.claims.get(ref.partnerId, ref.claimId));
    if (!ref || !stored) return noticeResponse(view.locale, 'warning', [t(view.locale, 'errors.notFound')]);
    return { ref, claim: stored.value };
  }

  async detail(claim: Claim, view: ViewContext, notice?: CardNotice): Promise<AdaptiveCardInvokeResponse> {
    return cardResponse(await reviewDetailCard(this.services, claim, view, notice));
  }

  private async queue(view: ViewContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const page = Number(data.page);
    const token = textField(data, 'continuationToken');
    return cardResponse(
      await reviewQueueCard(this.services, view, Number.isInteger(page) && page > 0 ? page : 1, token),
    );
  }

  private async open(view: ViewContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const found = await this.current(data, view);
    return 'claim' in found ? this.detail(found.claim, view) : found;
  }

  /** `done`: what to say on success when the status does not change (else the new status's line). */
  private transition(act: Act, done?: MessageKey): CardActionHandler {
    return (context, data) =>
      this.asReviewer(context, async (caller, view) => {
        const found = await this.current(data, view);
        if (!('claim' in found)) return found;
        const { ref, claim } = found;
        if (textField(data, 'seenStatus') !== claim.status)
          return this.detail(claim, view, staleNotice(claim, view.locale));
        const result = await act(
          this.services.lifecycle,
          ref,
          { actor: reviewerActor(caller), tenantId: caller.tenantId },
          data,
        );
        if (result.ok)
          return this.detail(result.value.value, view, {
            tone: 'good',
            lines: [done ? t(view.locale, done) : doneLine(result.value.value, view.locale, view.timeZone)],
          });
        const latest = (await this.services.claims.get(ref.partnerId, ref.claimId))?.value ?? claim;
        if (result.error.some((p) => MOVED_ON.has(p.code)))
          return this.detail(latest, view, staleNotice(latest, view.locale));
        if (result.error.some((p) => p.code === 'roleNotAllowed'))
          return noticeResponse(view.locale, 'attention', [t(view.locale, 'access.notReviewer')]);
        return this.detail(latest, view, {
          tone: 'attention',
          lines: [t(view.locale, 'reviewer.refused'), ...problemMessages(view.locale, result.error)],
        });
      });
  }
}

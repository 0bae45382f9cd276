/**
 * The comments thread from both sides. Partners open it from their claim's status card
 * (`viewComments`) and add to it there; reviewers add from the review card. Both post
 * `addComment`; the card's `audience` only chooses which card comes back and in which
 * capacity the clicker asks: the partner directory and the lifecycle decide whether
 * they may (a partner only in their own organisation, and only as an incentives admin;
 * a reviewer only as one listed now). Comment text is user data, shown as plain text.
 */
import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { Problem } from '../../claims/errors';
import type { Claim } from '../../claims/model';
import type { CardNotice } from '../../cards/commentsThreadCard';
import type { ExecuteVerb } from '../../cards/verbs';
import { callerOf, partnerActor, partnerOrgOf, reviewerActor, type Caller } from '../caller';
import { commentsCardFor } from '../manage/commentsView';
import { viewContextOf } from '../manage/claimViews';
import type { ClaimServices } from '../services';
import { problemMessages, t, type Locale } from '../../locales/i18n';
import type { CardActionData, CardActionHandler } from '../cardActions';
import { cardResponse, idField, noticeResponse, textField } from '../invokeData';
import { ReviewActions } from './reviewActions';

const added = (locale: Locale): CardNotice => ({ tone: 'good', lines: [t(locale, 'comments.added')] });
const refused = (locale: Locale, problems: Problem[]): CardNotice => ({
  tone: 'attention',
  lines: problemMessages(locale, problems),
});

export class CommentActions {
  constructor(
    private readonly services: ClaimServices,
    private readonly reviews: ReviewActions,
  ) {}

  handlers(): [ExecuteVerb, CardActionHandler][] {
    return [
      ['viewComments', (context, data) => this.view(context, data)],
      [
        'addComment',
        (context, data) =>
          textField(data, 'audience') === 'reviewer'
            ? this.addAsReviewer(context, data)
            : this.addAsPartner(context, data),
      ],
    ];
  }

  /** The claim of the caller's own organisation that the data names; another organisation's id finds nothing. */
  private async ownClaim(caller: Caller, data: CardActionData): Promise<Claim | undefined> {
    const claimId = idField(data, 'claimId');
    const org = partnerOrgOf(caller);
    if (!org || !claimId) return undefined;
    return (await this.services.claims.get(org.id, claimId))?.value;
  }

  private async view(context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    const claim = await this.ownClaim(caller, data);
    if (!claim) return noticeResponse(caller.locale, 'warning', [t(caller.locale, 'errors.notFound')]);
    return cardResponse(
      commentsCardFor(claim, caller, { timeZone: viewContextOf(context, caller, this.services).timeZone }),
    );
  }

  private async addAsPartner(context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    const claim = await this.ownClaim(caller, data);
    if (!claim) return noticeResponse(caller.locale, 'warning', [t(caller.locale, 'errors.notFound')]);
    const ref = { partnerId: claim.partnerId, claimId: claim.id };
    const result = await this.services.lifecycle.comment(
      ref,
      { actor: partnerActor(caller), tenantId: caller.tenantId },
      textField(data, 'comment') ?? '',
      idField(data, 'commentId'),
    );
    const timeZone = viewContextOf(context, caller, this.services).timeZone;
    if (result.ok)
      return cardResponse(commentsCardFor(result.value.value, caller, { timeZone, notice: added(caller.locale) }));
    const notice = result.error.some((p) => p.code === 'roleNotAllowed')
      ? { tone: 'attention' as const, lines: [t(caller.locale, 'comments.viewOnly')] }
      : refused(caller.locale, result.error);
    const latest = (await this.services.claims.get(ref.partnerId, ref.claimId))?.value ?? claim;
    return cardResponse(commentsCardFor(latest, caller, { timeZone, notice }));
  }

  private addAsReviewer(context: TurnContext, data: CardActionData): Promise<AdaptiveCardInvokeResponse> {
    return this.reviews.asReviewer(context, async (caller, view) => {
      const found = await this.reviews.current(data, view);
      if (!('claim' in found)) return found;
      const result = await this.services.lifecycle.comment(
        found.ref,
        { actor: reviewerActor(caller), tenantId: caller.tenantId },
        textField(data, 'comment') ?? '',
        idField(data, 'commentId'),
      );
      if (result.ok) return this.reviews.detail(result.value.value, view, added(view.locale));
      const latest = (await this.services.claims.get(found.ref.partnerId, found.ref.claimId))?.value ?? found.claim;
      return this.reviews.detail(latest, view, refused(view.locale, result.error));
    });
  }
}

/** Every Action.Execute handler of the reviewer's cards and the comments thread, for the composition root. */
export function reviewCardActions(services: ClaimServices): [ExecuteVerb, CardActionHandler][] {
  const reviews = new ReviewActions(services);
  return [...reviews.handlers(), ...new CommentActions(services, reviews).handlers()];
}

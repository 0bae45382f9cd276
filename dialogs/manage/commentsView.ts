/**
 * The comments thread as a partner opens it from the claim's status card ("Comments",
 * an Action.Execute with verb `viewComments` and the claim id). Only the caller's own
 * organisation's claims are shown; only its incentives admins may add a comment.
 */
import { randomUUID } from 'node:crypto';
import type { Claim } from '../../claims/model';
import { renderCommentsThreadCard, type CardNotice } from '../../cards/commentsThreadCard';
import type { CardAttachment } from '../../cards/render';
import type { Caller } from '../caller';

export interface CommentsCardOptions {
  timeZone?: string;
  notice?: CardNotice;
  /** The id the next comment gets (default random), so a double click adds it once. */
  commentId?: string;
}

/** Whether this caller may add to the thread of this claim (the lifecycle checks again on write). */
export const mayCommentAsPartner = (claim: Pick<Claim, 'partnerId'>, caller: Caller): boolean =>
  caller.isIncentivesAdmin && caller.org?.id === claim.partnerId;

export function commentsCardFor(claim: Claim, caller: Caller, options: CommentsCardOptions = {}): CardAttachment {
  return renderCommentsThreadCard(
    {
      claim,
      canComment: mayCommentAsPartner(claim, caller),
      commentId: options.commentId ?? randomUUID(),
      timeZone: options.timeZone,
      notice: options.notice,
    },
    caller.locale,
  );
}

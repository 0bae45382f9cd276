/**
 * A claim's comments thread as the partner sees it: every comment with its author's
 * role (and name) and time, and a box to add one for those allowed to. Reviewers see
 * the same comments in their review card's timeline. Comment text is user data: it
 * goes only into TextRuns.
 */
import type { Actor, Claim, ClaimComment } from '../claims/model';
import { COMMENT_MAX } from '../claims/validation';
import { actorLabel, formatDateTime, t, type Locale } from '../locales/i18n';
import { expandCard, labelsFor, type CardAttachment } from './cardKit';
import { nameOf } from './reviewQueueCard';

export type NoticeTone = 'good' | 'warning' | 'attention';

/** A message on top of a refreshed card: what the click did, or why it did not. */
export interface CardNotice {
  tone: NoticeTone;
  /** Already localized; may carry user text. */
  lines: readonly string[];
}

export const noticeData = (
  notice: CardNotice | undefined,
): { hasNotice: boolean; noticeStyle: NoticeTone; noticeLines: string[] } => ({
  hasNotice: notice !== undefined && notice.lines.length > 0,
  noticeStyle: notice?.tone ?? 'good',
  noticeLines: [...(notice?.lines ?? [])],
});

/** "Microsoft reviewer (Rae Reviewer)". */
export const authorOf = (locale: Locale, actor: Actor): string => {
  const role = actorLabel(locale, actor.role);
  return actor.name?.trim() ? `${role} (${actor.name.trim()})` : role;
};

export const commentAuthorLine = (locale: Locale, comment: ClaimComment, timeZone?: string): string =>
  t(locale, 'comments.author', {
    author: authorOf(locale, comment.author),
    date: formatDateTime(locale, comment.at, timeZone),
  });

export interface CommentsThreadCardModel {
  claim: Pick<Claim, 'id' | 'name' | 'comments'>;
  /** Partner incentives admins may add comments; other partner users only read. */
  canComment: boolean;
  /** A fresh id for the comment this card may add, so a double click adds it once. */
  commentId: string;
  timeZone?: string;
  notice?: CardNotice;
}

export function renderCommentsThreadCard(model: CommentsThreadCardModel, locale: Locale): CardAttachment {
  const { claim } = model;
  return expandCard('commentsThread', {
    labels: labelsFor(locale, {
      title: 'comments.title',
      intro: 'comments.threadIntro',
      empty: 'comments.empty',
      viewOnly: 'comments.viewOnly',
      label: 'comments.label',
      error: 'comments.error',
      add: 'comments.save',
      backToStatus: 'history.backToStatus',
    }),
    claimId: claim.id,
    claimName: nameOf(locale, claim),
    ...noticeData(model.notice),
    hasComments: claim.comments.length > 0,
    comments: claim.comments.map((comment) => ({
      author: commentAuthorLine(locale, comment, model.timeZone),
      text: comment.text,
    })),
    canComment: model.canComment,
    commentId: model.commentId,
    maxLength: COMMENT_MAX,
  });
}

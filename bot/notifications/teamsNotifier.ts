/**
 * Tells the partner, proactively in Teams, what happened to a claim: the outbox's
 * partner kinds (review started, more information requested, approved, the customer's
 * answer, the window closed, rejected, the dispute decided).
 *
 * Who hears it: the partner users who filed the claim (its creator and whoever
 * submitted it), and the claim's partner contact when that person uses the bot from
 * the same organisation (a stored reference with that email in the partner's tenant),
 * each once, each in the language of their own Teams client (the stored locale).
 *
 * Outcome for the dispatcher: 'sent' when at least one of them got it (the organisation
 * has heard); 'retry' when nobody did but someone may later (throttled, Teams down);
 * 'dead' when nobody can be reached (never chatted with the bot, uninstalled, blocked),
 * which is logged. A re-sent message carries the same `cporMessageId` in channelData,
 * so a connector or a reader of the logs can tell a repeat from a new message.
 */
import type { Activity } from 'botbuilder';
import {
  INFO_REQUEST_REASONS,
  REJECTION_REASONS,
  type Claim,
  type InfoRequestReason,
  type OutboxMessage,
  type RejectionReason,
} from '../../claims/model';
import {
  RECIPIENT_OF,
  isNotificationKind,
  silentLog,
  type DeliveryOutcome,
  type EngineLog,
  type Notifier,
} from '../../claims/notifications';
import type { ConversationReferenceStore, StoredConversationReference } from '../../claims/ports';
import type { CardAttachment } from '../../cards/cardKit';
import {
  partnerNotificationLines,
  renderPartnerNotificationCard,
  type PartnerNotificationKind,
  type PartnerNotificationModel,
} from '../../cards/partnerNotificationCard';
import { resolveLocale } from '../../locales/i18n';
import type { ProactiveSender, SendOutcome } from './proactiveSender';

export interface TeamsNotifierOptions {
  sender: Pick<ProactiveSender, 'send' | 'usable'>;
  references: Pick<ConversationReferenceStore, 'get' | 'findByEmail'>;
  /** The zone dates are shown in (the business calendar's). */
  timeZone: string;
  log?: EngineLog;
}

/** Identifies one outbox message across re-sends. */
export const cporMessageId = (claim: Pick<Claim, 'partnerId' | 'id'>, message: Pick<OutboxMessage, 'id'>): string =>
  `${claim.partnerId}/${claim.id}/${message.id}`;

/** The proactive activity for a card: the feed alert, and the id that stays the same across re-sends. */
export function proactiveCardActivity(
  card: CardAttachment,
  summary: string,
  locale: string,
  messageId: string,
): Partial<Activity> {
  return {
    type: 'message',
    locale,
    summary,
    attachments: [card],
    channelData: { notification: { alert: true }, cporMessageId: messageId },
  };
}

const isPartnerKind = (kind: string): kind is PartnerNotificationKind =>
  isNotificationKind(kind) && RECIPIENT_OF[kind] === 'partner';
const PARTNER_ROLES = new Set(['partnerAdmin', 'partnerUser']);
const FILING_EVENTS = new Set(['submit', 'resubmit']);

export class TeamsNotifier implements Notifier {
  private readonly log: EngineLog;

  constructor(private readonly options: TeamsNotifierOptions) {
    this.log = options.log ?? silentLog;
  }

  async deliver(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome> {
    const facts = { claimId: claim.id, partnerId: claim.partnerId, messageId: message.id, kind: message.kind };
    if (!isPartnerKind(message.kind)) {
      this.log('warn', 'teamsNotify.notAPartnerKind', facts);
      return 'dead';
    }
    const model = modelOf(claim, message, message.kind, this.options.timeZone);
    const recipients = await this.recipientsOf(claim);
    const outcomes: SendOutcome[] = [];
    for (const recipient of recipients) {
      const locale = resolveLocale(recipient.locale);
      const activity = proactiveCardActivity(
        renderPartnerNotificationCard(model, locale),
        partnerNotificationLines(model, locale)[0] ?? '',
        locale,
        cporMessageId(claim, message),
      );
      outcomes.push(
        await this.options.sender.send(recipient, activity, { ...facts, recipient: recipient.aadObjectId }),
      );
    }
    if (outcomes.includes('sent')) {
      this.log('info', 'teamsNotify.sent', {
        ...facts,
        recipients: recipients.length,
        reached: outcomes.filter((o) => o === 'sent').length,
      });
      return 'sent';
    }
    if (outcomes.includes('retry')) return 'retry';
    this.log('warn', 'teamsNotify.nobodyReachable', { ...facts, recipients: recipients.length });
    return 'dead';
  }

  /** The live references of the people to tell, each once. */
  private async recipientsOf(claim: Claim): Promise<StoredConversationReference[]> {
    const filers = new Set<string>();
    if (PARTNER_ROLES.has(claim.createdBy.role)) filers.add(claim.createdBy.id);
    for (const entry of claim.history)
      if (FILING_EVENTS.has(entry.event) && PARTNER_ROLES.has(entry.actor.role)) filers.add(entry.actor.id);
    const found: (StoredConversationReference | undefined)[] = [];
    for (const aadObjectId of filers) found.push(await this.options.references.get(claim.partnerId, aadObjectId));
    const contactEmail = claim.partnerContact?.email?.trim();
    // The partner contact is usually a filer (the contacts card prefills it from their Teams
    // profile): when a filer's usable reference has that address, it is the contact's, and
    // the query (two requests: the SDK asks for a query plan first) is not needed.
    const contactReached =
      contactEmail !== undefined &&
      found.some((ref) => ref !== undefined && this.options.sender.usable(ref) && sameAddress(ref.email, contactEmail));
    if (contactEmail && !contactReached) {
      // Only within the partner's own organisation: the same address elsewhere is someone else's chat.
      found.push(await this.options.references.findByEmail(contactEmail, claim.partnerId));
    }
    const unique = new Map<string, StoredConversationReference>();
    for (const ref of found)
      if (ref && this.options.sender.usable(ref)) unique.set(`${ref.tenantId}|${ref.aadObjectId}`, ref);
    return [...unique.values()];
  }
}

const sameAddress = (stored: string | undefined, typed: string): boolean =>
  stored !== undefined && stored.trim().toLowerCase() === typed.trim().toLowerCase();

/** The card's facts: codes and dates from the message, names and notes from the claim as it is now. */
function modelOf(
  claim: Claim,
  message: OutboxMessage,
  kind: PartnerNotificationKind,
  timeZone: string,
): PartnerNotificationModel {
  const payload = message.payload ?? {};
  const text = (key: string): string | undefined =>
    typeof payload[key] === 'string' && payload[key] !== '' ? (payload[key] as string) : undefined;
  const codes = Array.isArray(payload.reasonCodes) ? payload.reasonCodes : [];
  const reason = text('reason');
  const rejected = kind === 'rejected' || (kind === 'disputeOutcome' && text('outcome') !== 'approved');
  return {
    kind,
    claimId: claim.id,
    claimName: claim.name,
    customer: claim.customerDomain,
    windowClosesAt: text('windowClosesAt') ?? claim.windowClosesAt,
    deadlineAt: text('deadlineAt') ?? claim.infoRequest?.deadlineAt,
    reasonCodes: codes.filter((code): code is InfoRequestReason =>
      (INFO_REQUEST_REASONS as readonly string[]).includes(code),
    ),
    rejectionReason:
      reason && (REJECTION_REASONS as readonly string[]).includes(reason) ? (reason as RejectionReason) : undefined,
    disputeOutcome: kind === 'disputeOutcome' ? (rejected ? 'rejectedFinal' : 'approved') : undefined,
    note: kind === 'infoRequested' ? claim.infoRequest?.note : rejected ? claim.rejection?.note : undefined,
    timeZone,
  };
}

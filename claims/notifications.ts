/**
 * What a claim's transitions tell people, as outbox messages. They are derived from the
 * transition itself (`outboxFor`) and written in the same document write, so a crash
 * between the transition and the send neither loses a message nor invents one.
 *
 * Payloads carry only ids, codes and dates: the adapter that renders a message reads
 * names and addresses from the claim it is given at delivery time, so no copy of
 * personal data or free text lingers in the outbox.
 */
import type { Claim, OutboxMessage } from './model';

export const NOTIFICATION_KINDS = [
  'reviewStarted',
  'infoRequested',
  'approvedCustomerNotified',
  'customerConsentRequest',
  'customerApproved',
  'customerOptedOut',
  'associationOfficial',
  'rejected',
  'disputeOutcome',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Outbox work that is not a message to anyone: giving association keys back after the
 * claim stopped holding them. In the outbox so a crash right after the transition
 * cannot leave the keys held forever.
 */
export const RELEASE_HOLDS = 'releaseHolds';
export type OutboxKind = NotificationKind | typeof RELEASE_HOLDS;

export type Recipient = 'partner' | 'customer';

/** Everything goes to the partner organisation except the consent card, which goes to the customer contact. */
export const RECIPIENT_OF: Readonly<Record<NotificationKind, Recipient>> = {
  reviewStarted: 'partner',
  infoRequested: 'partner',
  approvedCustomerNotified: 'partner',
  customerConsentRequest: 'customer',
  customerApproved: 'partner',
  customerOptedOut: 'partner',
  associationOfficial: 'partner',
  rejected: 'partner',
  disputeOutcome: 'partner',
};

export function isNotificationKind(kind: string): kind is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

export type DeliveryOutcome = 'sent' | 'retry' | 'dead';

/**
 * Delivers one message (proactive Teams message, email, …). 'retry' for a passing
 * failure (throttled, offline), 'dead' when it can never succeed (no address, the
 * recipient removed the bot). It must give up well within the dispatcher's lease.
 */
export interface Notifier {
  deliver(claim: Claim, message: OutboxMessage): Promise<DeliveryOutcome>;
}

/** What the engine tells the operator: an event name and ids, codes and counts, never claim content. */
export type EngineLog = (
  level: 'info' | 'warn' | 'error',
  event: string,
  facts: Record<string, string | number | boolean | undefined>,
) => void;

export const silentLog: EngineLog = () => undefined;

/** A stable code or class name for logs; never a message, which could carry content. */
export function errorName(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const code: unknown = Reflect.get(e, 'code');
    if (typeof code === 'string' || typeof code === 'number') return String(code);
    const name: unknown = Reflect.get(e, 'name');
    if (typeof name === 'string') return name;
  }
  return 'unknown';
}

type Payload = NonNullable<OutboxMessage['payload']>;

/**
 * The messages a transition from `before` to `after` causes. Pure: ids are derived from
 * the history entry that records the transition, so the same transition always yields
 * the same ids, which lets an adapter recognise a re-sent message. Changes the partner
 * made itself (submit, withdraw, dispute, disassociate) notify nobody.
 */
export function outboxFor(before: Claim, after: Claim, now: Date): OutboxMessage[] {
  const entry = after.history.length > before.history.length ? after.history.at(-1) : undefined;
  const at = now.toISOString();
  const message = (kind: OutboxKind, payload: Payload = {}): OutboxMessage => ({
    id: `${after.history.length}.${kind}`,
    kind,
    createdAt: at,
    attempts: 0,
    nextAttemptAt: at,
    payload,
  });
  const messages: OutboxMessage[] = [];
  const windowClosesAt = after.windowClosesAt ?? '';
  switch (entry?.event) {
    case 'startReview':
      messages.push(message('reviewStarted'));
      break;
    case 'requestInfo':
      messages.push(
        message('infoRequested', {
          reasonCodes: [...(after.infoRequest?.reasonCodes ?? [])],
          deadlineAt: after.infoRequest?.deadlineAt ?? '',
        }),
      );
      break;
    case 'approve':
      messages.push(
        before.status === 'dispute'
          ? message('disputeOutcome', { outcome: 'approved', windowClosesAt })
          : message('approvedCustomerNotified', { windowClosesAt }),
        message('customerConsentRequest', { windowClosesAt }),
      );
      break;
    case 'customerApprove':
      messages.push(message('customerApproved', { associatedAt: at }));
      break;
    case 'customerOptOut':
      messages.push(message('customerOptedOut', { reason: 'customerDeclined' }));
      break;
    case 'windowClosed':
      messages.push(message('associationOfficial', { associatedAt: at }));
      break;
    case 'reject':
    case 'deadlineMissed': {
      const reason = after.rejection?.reason ?? 'other';
      messages.push(
        before.status === 'dispute'
          ? message('disputeOutcome', { outcome: 'rejectedFinal', reason })
          : message('rejected', { reason }),
      );
      break;
    }
    // No history entry, or an event nobody is told about (edits, comments, …).
    case undefined:
    default:
      break;
  }
  const released = releasedKeys(before, after);
  if (released.length > 0) messages.push(message(RELEASE_HOLDS, { keys: released }));
  return messages;
}

/** Keys the claim held before the transition and no longer holds after it. */
export function releasedKeys(before: Pick<Claim, 'heldKeys'>, after: Pick<Claim, 'heldKeys'>): string[] {
  const kept = new Set(after.heldKeys);
  return before.heldKeys.filter((key) => !kept.has(key));
}

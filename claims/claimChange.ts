/**
 * The one way a claim changes: a new object (the input is never mutated) with the
 * changes applied, the history entry appended, `updatedAt` set and `dueAt` derived
 * from the resulting status and outbox, so every transition and edit keeps them consistent.
 */
import type { Actor, Claim, HistoryEntry, OutboxMessage } from './model';
import { statusTimerOf } from './statusTraits';

/**
 * When a message may next be attempted: its scheduled attempt, or, while a dispatcher
 * holds its lease, the lease's end (so a dispatcher that died is taken over then).
 */
export function outboxMessageDueAt(message: Pick<OutboxMessage, 'nextAttemptAt' | 'leaseUntil'>): string {
  const { nextAttemptAt, leaseUntil } = message;
  return leaseUntil !== undefined && Date.parse(leaseUntil) > Date.parse(nextAttemptAt) ? leaseUntil : nextAttemptAt;
}

/**
 * The one indexed field the scheduler queries, meaning "look at this claim then": the
 * earliest of the status timer and every outbox message's next attempt.
 */
export function dueAtFor(
  claim: Pick<Claim, 'status' | 'windowClosesAt' | 'infoRequest'> & { outbox?: readonly OutboxMessage[] },
): string | undefined {
  const candidates = [statusTimerOf(claim), ...(claim.outbox ?? []).map(outboxMessageDueAt)];
  let earliest: string | undefined;
  for (const at of candidates) {
    if (at !== undefined && (earliest === undefined || Date.parse(at) < Date.parse(earliest))) earliest = at;
  }
  return earliest;
}

/** The actor as records keep it: who, without the language they happened to use. */
export function recordedActor(actor: Actor): Actor {
  const kept: Actor = { role: actor.role, id: actor.id };
  if (actor.name !== undefined) kept.name = actor.name;
  return kept;
}

/** A BCP 47 tag of reasonable shape ("ko-KR", "ja", "zh-Hant-TW"), else nothing: the channel's value is not trusted blindly. */
const LOCALE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/;

/** The claim's `filedLocale` after `actor` filed it: their locale if they had a sensible one, else what it was. */
export function filedLocaleBy(actor: Actor): Pick<Claim, 'filedLocale'> {
  return actor.locale !== undefined && LOCALE_TAG.test(actor.locale) ? { filedLocale: actor.locale } : {};
}

export type HistoryFacts = Omit<HistoryEntry, 'at' | 'actor'>;

/** Absent facts are left out rather than stored as undefined, so documents stay minimal. */
export function historyEntry(actor: Actor, at: Date, facts: HistoryFacts): HistoryEntry {
  const entry: HistoryEntry = {
    at: at.toISOString(),
    actor: recordedActor(actor),
    event: facts.event,
    from: facts.from,
    to: facts.to,
  };
  if (facts.reason !== undefined) entry.reason = facts.reason;
  if (facts.reasonCodes !== undefined) entry.reasonCodes = [...facts.reasonCodes];
  if (facts.note !== undefined) entry.note = facts.note;
  return entry;
}

/** Keys set to undefined in `changes` are removed from the result. */
export function changeClaim(claim: Claim, changes: Partial<Claim>, now: Date, entry?: HistoryEntry): Claim {
  const next: Claim = {
    ...claim,
    ...changes,
    history: entry ? [...claim.history, entry] : [...claim.history],
    updatedAt: now.toISOString(),
  };
  next.dueAt = dueAtFor(next);
  for (const key of Object.keys(next) as (keyof Claim)[]) {
    if (next[key] === undefined) delete next[key];
  }
  return next;
}

/**
 * The claim with a new outbox and the `dueAt` that follows from it. Outbox bookkeeping
 * (leases, retries, removals) is not a change of the claim, so `updatedAt` and the
 * history stay as they are.
 */
export function withOutbox(claim: Claim, outbox: OutboxMessage[]): Claim {
  const next: Claim = { ...claim, outbox };
  const dueAt = dueAtFor(next);
  if (dueAt === undefined) delete next.dueAt;
  else next.dueAt = dueAt;
  return next;
}

/**
 * The one way a claim changes: a new object (the input is never mutated) with the
 * changes applied, the history entry appended, `updatedAt` set and `dueAt` derived
 * from the resulting status, so every transition and edit keeps them consistent.
 */
import type { Actor, Claim, HistoryEntry } from './model';

/** When time itself next changes the claim: the opt-out window or the answer deadline. */
export function dueAtFor(claim: Pick<Claim, 'status' | 'windowClosesAt' | 'infoRequest'>): string | undefined {
  if (claim.status === 'approvedCustomerNotified') return claim.windowClosesAt;
  if (claim.status === 'partnerActionRequired') return claim.infoRequest?.deadlineAt;
  return undefined;
}

export type HistoryFacts = Omit<HistoryEntry, 'at' | 'actor'>;

/** Absent facts are left out rather than stored as undefined, so documents stay minimal. */
export function historyEntry(actor: Actor, at: Date, facts: HistoryFacts): HistoryEntry {
  const entry: HistoryEntry = { at: at.toISOString(), actor: { ...actor }, event: facts.event, from: facts.from, to: facts.to };
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

/**
 * Claim documents for the scheduler bench, shaped as the domain writes them: due
 * claims are approved with the customer notified and an opt-out window that closed
 * minutes ago; the others are drafts, claims in review, official associations, and
 * approvals or information requests whose deadline is days away.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, Claim, ClaimStatus, HistoryEntry } from '../claims/model';

/** Who filed every bench claim: each partner's admin, whom the partner notifications reach in Teams. */
export const BENCH_FILER: Actor = { role: 'partnerAdmin', id: 'bench-admin', name: 'Alex Wilber' };
export const PARTNER_CONTACT_EMAIL = 'alexw@fabrikam.example';
const ADMIN = BENCH_FILER;
const REVIEWER: Actor = { role: 'reviewer', id: 'bench-reviewer', name: 'Riley Reviewer' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const at = (ms: number): string => new Date(ms).toISOString();

function history(status: ClaimStatus, start: number): HistoryEntry[] {
  const entries: HistoryEntry[] = [{ at: at(start), actor: ADMIN, event: 'created', from: null, to: 'draft' }];
  if (status === 'draft') return entries;
  entries.push({ at: at(start + HOUR), actor: ADMIN, event: 'submit', from: 'draft', to: 'submitted' });
  if (status === 'submitted') return entries;
  entries.push({
    at: at(start + 2 * HOUR),
    actor: REVIEWER,
    event: 'startReview',
    from: 'submitted',
    to: 'underReview',
  });
  if (status === 'partnerActionRequired') {
    entries.push({
      at: at(start + 3 * HOUR),
      actor: REVIEWER,
      event: 'requestInfo',
      from: 'underReview',
      to: 'partnerActionRequired',
      reasonCodes: ['missingOrOldDates'],
    });
    return entries;
  }
  entries.push({
    at: at(start + 3 * HOUR),
    actor: REVIEWER,
    event: 'approve',
    from: 'underReview',
    to: 'approvedCustomerNotified',
  });
  if (status === 'associated')
    entries.push({
      at: at(start + 9 * DAY),
      actor: { role: 'system', id: 'scheduler' },
      event: 'windowClosed',
      from: 'approvedCustomerNotified',
      to: 'associated',
    });
  return entries;
}

function claimOf(partnerId: string, status: ClaimStatus, start: number, extra: Partial<Claim>): Claim {
  const id = randomUUID();
  const customerTenantId = randomUUID();
  const held = status === 'approvedCustomerNotified' || status === 'associated';
  return {
    id,
    partnerId,
    type: 'claim',
    name: 'Contoso Exchange rollout',
    mpnId: '1234567',
    customerDomain: 'contoso.onmicrosoft.com',
    customerTenantId,
    solutionArea: 'microsoft365',
    activity: 'usage',
    productIds: ['exchangeOnline', 'teams'],
    subscriptions: [],
    customerContact: { name: 'Dana Customer', title: 'IT director', email: 'dana@contoso.com' },
    partnerContact: { name: 'Alex Wilber', email: PARTNER_CONTACT_EMAIL },
    poe: [
      {
        id: randomUUID(),
        fileName: 'Signed SOW.pdf',
        kind: 'pdf',
        contentType: 'application/pdf',
        sizeBytes: 183_204,
        sha256: 'a'.repeat(64),
        blobName: `${partnerId}/${id}/poe-1`,
        uploadedAt: at(start + HOUR / 2),
        uploadedBy: ADMIN,
      },
    ],
    comments: [],
    status,
    history: history(status, start),
    createdBy: ADMIN,
    createdAt: at(start),
    updatedAt: at(start + 3 * HOUR),
    ...(status === 'draft' ? {} : { submittedAt: at(start + HOUR) }),
    disputed: false,
    heldKeys: held ? [`m365|${customerTenantId}|exchangeOnline`, `m365|${customerTenantId}|teams`] : [],
    outbox: [],
    ...extra,
  };
}

/** A claim whose opt-out window closed `minutesAgo` minutes before `now`. */
export function dueClaim(partnerId: string, now: number, minutesAgo: number): Claim {
  const windowClosesAt = at(now - minutesAgo * 60_000);
  return claimOf(partnerId, 'approvedCustomerNotified', now - 8 * DAY, { windowClosesAt, dueAt: windowClosesAt });
}

/** One of five kinds of claims that are not due, by `i`. */
export function notDueClaim(partnerId: string, now: number, i: number): Claim {
  const start = now - 30 * DAY;
  switch (i % 5) {
    case 0:
      return claimOf(partnerId, 'draft', start, {});
    case 1:
      return claimOf(partnerId, 'submitted', start, {});
    case 2:
      return claimOf(partnerId, 'associated', start, { windowClosesAt: at(start + 9 * DAY) });
    case 3: {
      const windowClosesAt = at(now + (1 + (i % 7)) * DAY);
      return claimOf(partnerId, 'approvedCustomerNotified', start, { windowClosesAt, dueAt: windowClosesAt });
    }
    default: {
      const deadlineAt = at(now + (2 + (i % 11)) * DAY);
      return claimOf(partnerId, 'partnerActionRequired', start, {
        infoRequest: { reasonCodes: ['missingOrOldDates'], deadlineAt },
        dueAt: deadlineAt,
      });
    }
  }
}

/** How many of the first `count` not-due claims are official associations already. */
export const associatedAmong = (count: number): number => Math.floor((count + 2) / 5);

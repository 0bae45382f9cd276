/**
 * What a consent token must pass before anything is shown or recorded, in one place for
 * the consent page (consentRoutes.ts) and the Teams consent card (consentCardActions.ts),
 * so the two cannot drift apart: the token verifies, the claim exists, and the claim still
 * asks the contact the token names for the window the token names (a changed contact or a
 * new window supersedes the link). Then, for both, what the customer already answered.
 * Reads only; each caller turns a refusal into its own page or card.
 */
import type { ConsentGrant, ConsentTokenRejection, ConsentTokens } from '../../claims/consentToken';
import type { ClaimLifecycle, CustomerDecision } from '../../claims/lifecycle';
import type { Claim } from '../../claims/model';
import type { ClaimRepository, PartnerDirectory } from '../../claims/ports';
import type { ConsentGrantStore, ConsentNonceStore } from '../../claims/ports';

/** What answering a consent link takes, on the page and on the Teams card alike. */
export interface ConsentAnswerDeps {
  tokens: ConsentTokens;
  claims: Pick<ClaimRepository, 'get'>;
  lifecycle: Pick<ClaimLifecycle, 'customerDecision'>;
  nonces: ConsentNonceStore;
  partners: Pick<PartnerDirectory, 'get'>;
  /** Where grant ids are looked up (v2 links); without it only v1 links verify. */
  grants?: Pick<ConsentGrantStore, 'get'>;
}

export type CheckedConsentLink =
  | { kind: 'valid'; grant: ConsentGrant; claim: Claim }
  | { kind: 'refused'; reason: Exclude<ConsentTokenRejection, 'tokenExpired'> }
  | { kind: 'refused'; reason: 'tokenExpired' | 'notFound' | 'superseded'; grant: ConsentGrant };

export interface RecordedAnswer {
  decision: CustomerDecision;
  at: string;
}

/** Grants carry the contact's email lowercased. */
export const sameContactEmail = (email: string | undefined, grantEmail: string): boolean =>
  email !== undefined && email.trim().toLowerCase() === grantEmail;

export async function checkConsentLink(
  deps: Pick<ConsentAnswerDeps, 'tokens' | 'claims' | 'grants'>,
  token: string,
): Promise<CheckedConsentLink> {
  const reference = deps.tokens.verifyReference(token);
  if (!reference.ok) return { kind: 'refused', ...reference.error };
  let grant: ConsentGrant;
  if (reference.value.kind === 'grant') grant = reference.value.grant;
  else {
    // Signed by us, so the id is ours; a grant no longer kept (long expired) is no link any more.
    const stored = deps.grants ? await deps.grants.get(reference.value.grantId) : undefined;
    if (!stored) return { kind: 'refused', reason: 'tokenMalformed' };
    const checked = deps.tokens.checkGrant(stored);
    if (!checked.ok) return { kind: 'refused', ...checked.error };
    grant = checked.value;
  }
  const stored = await deps.claims.get(grant.partnerId, grant.claimId);
  if (!stored) return { kind: 'refused', reason: 'notFound', grant };
  const claim = stored.value;
  const sameWindow =
    claim.windowClosesAt !== undefined && Date.parse(claim.windowClosesAt) === Date.parse(grant.expiresAt);
  if (!sameContactEmail(claim.customerContact?.email, grant.contactEmail) || !sameWindow)
    return { kind: 'refused', reason: 'superseded', grant };
  return { kind: 'valid', grant, claim };
}

/** The customer's latest answer in the claim's history. */
export function answerInHistory(claim: Claim): RecordedAnswer | undefined {
  const last = claim.history.filter((h) => h.event === 'customerApprove' || h.event === 'customerOptOut').at(-1);
  return last ? { decision: last.event === 'customerApprove' ? 'approve' : 'optOut', at: last.at } : undefined;
}

/** The answer given through this link: in the claim's history, else on the link's used nonce. */
export async function recordedAnswer(
  nonces: Pick<ConsentNonceStore, 'find'>,
  grant: ConsentGrant,
  claim: Claim,
): Promise<RecordedAnswer | undefined> {
  const answer = answerInHistory(claim);
  if (answer) return answer;
  const used = await nonces.find(grant.nonce);
  return used ? { decision: used.decision, at: used.usedAt } : undefined;
}

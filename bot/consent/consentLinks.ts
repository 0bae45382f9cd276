/**
 * The consent link for one outbox message. Email and Teams both derive the token from
 * the claim and the message id, so every channel (and every re-send of the message by
 * the at-least-once outbox) carries the same link with the same single-use nonce.
 */
import type { ConsentTokens } from '../../claims/consentToken';
import type { Claim, PartnerOrganisation } from '../../claims/model';

/** The token for the claim's current window, or undefined when there is nobody or nothing to ask. */
export function consentTokenFor(tokens: ConsentTokens, claim: Claim, messageId: string): string | undefined {
  const email = claim.customerContact?.email?.trim();
  if (!email || !claim.windowClosesAt) return undefined;
  return tokens.issue({
    claimId: claim.id,
    partnerId: claim.partnerId,
    contactEmail: email,
    expiresAt: claim.windowClosesAt,
    nonce: tokens.nonceFor(`${claim.partnerId}/${claim.id}/${messageId}`),
  });
}

export function consentLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/consent/${encodeURIComponent(token)}`;
}

/** The partner as the customer should see it: the directory's organisation name, else what the claim says. */
export function partnerDisplayName(org: Pick<PartnerOrganisation, 'name'> | undefined, claim: Claim): string {
  return org?.name.trim() || claim.partnerContact?.name.trim() || claim.mpnId;
}

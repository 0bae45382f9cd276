/**
 * The consent link for one outbox message. Email and Teams both derive the token from
 * the claim and the message id, so every channel (and every re-send of the message by
 * the at-least-once outbox) carries the same link with the same single-use nonce.
 */
import { CONSENT_PURPOSE, type ConsentTokens } from '../../claims/consentToken';
import type { ConsentGrantStore } from '../../claims/ports';
import type { Claim, PartnerOrganisation } from '../../claims/model';

/**
 * The token for the claim's current window, or undefined when there is nobody or nothing
 * to ask. With a grant store (the app) the link names only an opaque grant id, the grant
 * kept on the server; the id is the link's nonce, the same for every re-send.
 */
export async function issueConsentToken(
  tokens: ConsentTokens,
  claim: Claim,
  messageId: string,
  grants?: ConsentGrantStore,
): Promise<string | undefined> {
  const input = grantInputOf(tokens, claim, messageId);
  if (!input || !grants) return input && tokens.issue(input);
  await grants.save(input.nonce, {
    ...input,
    contactEmail: input.contactEmail.toLowerCase(),
    purpose: CONSENT_PURPOSE,
    expiresAt: new Date(input.expiresAt).toISOString(),
  });
  return tokens.grantToken(input.nonce);
}

/** A v1 token, the grant signed into the link: what links sent before grant ids carried (still accepted while open). */
export function consentTokenFor(tokens: ConsentTokens, claim: Claim, messageId: string): string | undefined {
  const input = grantInputOf(tokens, claim, messageId);
  return input && tokens.issue(input);
}

function grantInputOf(tokens: ConsentTokens, claim: Claim, messageId: string) {
  const email = claim.customerContact?.email?.trim();
  if (!email || !claim.windowClosesAt) return undefined;
  const nonce = tokens.nonceFor(`${claim.partnerId}/${claim.id}/${messageId}`);
  return { claimId: claim.id, partnerId: claim.partnerId, contactEmail: email, expiresAt: claim.windowClosesAt, nonce };
}

export function consentLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/consent/${encodeURIComponent(token)}`;
}

/** The partner as the customer should see it: the directory's organisation name, else what the claim says. */
export function partnerDisplayName(org: Pick<PartnerOrganisation, 'name'> | undefined, claim: Claim): string {
  return org?.name.trim() || claim.partnerContact?.name.trim() || claim.mpnId;
}

/**
 * Whether a consent request can still be answered: the claim awaits the customer and its window is open.
 * Email and Teams ask only then, so a late delivery of the outbox message sends nothing.
 */
export function stillAskingForConsent(claim: Claim, now: Date): claim is Claim & { windowClosesAt: string } {
  return (
    claim.status === 'approvedCustomerNotified' &&
    claim.windowClosesAt !== undefined &&
    Date.parse(claim.windowClosesAt) > now.getTime()
  );
}

/**
 * When a message turn stores the user's conversation reference again. Saving it on
 * every turn cost one Cosmos DB write per turn although it rarely changes; now a turn
 * saves it only when it differs from the one this conversation last saved (serviceUrl,
 * user, locale, email) or that save is older than REFERENCE_REFRESH_MS.
 *
 * The mark lives in the conversation state, which every turn reads and writes anyway,
 * so it costs no operation of its own and holds across bot instances. Uninstalling
 * clears the conversation state, so a reinstall always saves (and revives) the
 * reference; a reference marked dead after a failed proactive send is revived by the
 * first message after the refresh interval.
 */
import { createHash } from 'node:crypto';
import type { StoredConversationReference } from '../../claims/ports';

export const REFERENCE_REFRESH_MS = 10 * 60_000;

/** What the conversation state remembers of the last save. */
export interface SavedReferenceMark {
  fingerprint: string;
  at: string;
}

/** Everything that matters for reaching the user; the activity id changes every turn and does not. */
export function referenceFingerprint(
  ref: Pick<StoredConversationReference, 'tenantId' | 'aadObjectId' | 'email' | 'locale' | 'reference'>,
): string {
  const { activityId: _everyTurn, ...reference } = ref.reference;
  const facts = [ref.tenantId, ref.aadObjectId, ref.email ?? '', ref.locale ?? '', reference];
  return createHash('sha256').update(JSON.stringify(facts)).digest('base64url');
}

export function needsSaving(mark: SavedReferenceMark | undefined, fingerprint: string, now: Date): boolean {
  if (!mark || mark.fingerprint !== fingerprint) return true;
  const savedAt = Date.parse(mark.at);
  return !(now.getTime() - savedAt < REFERENCE_REFRESH_MS && savedAt <= now.getTime());
}

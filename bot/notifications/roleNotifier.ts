/**
 * Access requests in Teams: each owner of the organisation gets the request as a card
 * with Grant / Decline, and the requester hears the answer, each in the language of
 * their own Teams client (the stored locale). Sent right after the write that records
 * the request or the answer; a send that fails loses nothing, since the request waits
 * in the organisation's entry and every owner sees it on the members card.
 */
import type { AccessRequest, PartnerOrganisation } from '../../claims/model';
import { membersOf } from '../../claims/organisations';
import { errorName, silentLog, type EngineLog } from '../../claims/notifications';
import type { ConversationReferenceStore, RoleNotices, StoredConversationReference } from '../../claims/ports';
import { renderAccessRequestCard } from '../../cards/rolesCards';
import { plainTextMessage } from '../../cards/render';
import { resolveLocale, t } from '../../locales/i18n';
import type { ProactiveSender } from './proactiveSender';
import { proactiveCardActivity } from './teamsNotifier';

export interface RoleNotifierOptions {
  sender: Pick<ProactiveSender, 'send' | 'usable'>;
  references: Pick<ConversationReferenceStore, 'get' | 'findByEmail'>;
  timeZone: string;
  log?: EngineLog;
}

export class RoleNotifier implements RoleNotices {
  private readonly log: EngineLog;

  constructor(private readonly options: RoleNotifierOptions) {
    this.log = options.log ?? silentLog;
  }

  async accessRequested(org: PartnerOrganisation, request: AccessRequest): Promise<number> {
    let reached = 0;
    for (const owner of membersOf(org, 'owner')) {
      const stored = await this.referenceOf(org.id, owner);
      if (!stored) continue;
      const locale = resolveLocale(stored.locale);
      const card = renderAccessRequestCard({ mode: 'decide', org, request, timeZone: this.options.timeZone }, locale);
      const activity = proactiveCardActivity(
        card,
        t(locale, 'accessRequest.decideTitle'),
        locale,
        `access/${org.id}/${request.id}`,
      );
      if ((await this.options.sender.send(stored, activity, { partnerId: org.id, requestId: request.id })) === 'sent')
        reached += 1;
    }
    if (reached === 0) this.log('warn', 'access.noOwnerReached', { partnerId: org.id, requestId: request.id });
    return reached;
  }

  async accessDecided(org: PartnerOrganisation, request: AccessRequest, granted: boolean): Promise<void> {
    const stored = await this.referenceOf(org.id, request.aadObjectId);
    if (!stored) return;
    const locale = resolveLocale(stored.locale);
    const text = granted
      ? t(locale, 'accessRequest.grantedYou', { organisation: org.name, role: t(locale, `roles.${request.role}`) })
      : t(locale, 'accessRequest.declinedYou', { organisation: org.name });
    await this.options.sender.send(stored, plainTextMessage(text), { partnerId: org.id, requestId: request.id });
  }

  /** The member's live reference in the organisation's own tenant (by object id, or by email for one onboarded by email). */
  private async referenceOf(tenantId: string, member: string): Promise<StoredConversationReference | undefined> {
    try {
      const stored = member.includes('@')
        ? await this.options.references.findByEmail(member, tenantId)
        : await this.options.references.get(tenantId, member);
      return stored && stored.tenantId === tenantId && this.options.sender.usable(stored) ? stored : undefined;
    } catch (e) {
      this.log('warn', 'access.referenceUnreadable', { partnerId: tenantId, error: errorName(e) });
      return undefined;
    }
  }
}

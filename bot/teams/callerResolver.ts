/**
 * Who is speaking, resolved from the activity and the directory at the start of every
 * turn. Roles are read afresh each turn (one point read of the caller's organisation):
 * a role granted or taken on one instance holds on the next turn on every instance,
 * which a cache, however short, could not promise. Only the profile email, which
 * grants nothing by itself and changes rarely, is kept a while.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { ConcurrencyConflict } from '../../claims/errors';
import type { PartnerOrganisation } from '../../claims/model';
import { bindMember, rolesOf } from '../../claims/organisations';
import { systemClock, type Clock, type OrganisationStore } from '../../claims/ports';
import type { Caller } from '../../dialogs/caller';
import { resolveLocale } from '../../locales/i18n';
import type { PreferredLocaleSource } from './languagePreference';

/** The user's email from their Teams profile, when it can be had quickly; never throws. */
export type EmailLookup = (context: TurnContext) => Promise<string | undefined>;

export interface CallerResolverOptions {
  partners: Pick<OrganisationStore, 'getVersioned' | 'replace' | 'operatorTenantId'>;
  emailOf?: EmailLookup;
  /** The language the user chose (bot user state); without one, or without a choice, the activity's locale. */
  languages?: PreferredLocaleSource;
  clock?: Clock;
  /** How long a profile email is reused (it changes rarely, and asking Teams costs a call); default 10 min. */
  emailTtlMs?: number;
  /** Default 1000 users. */
  maxEntries?: number;
}

/** The Teams tenant of an activity: `conversation.tenantId`, or `channelData.tenant.id`. */
export function tenantOf(activity: Partial<Activity>): string {
  const fromConversation = activity.conversation?.tenantId;
  if (typeof fromConversation === 'string' && fromConversation) return fromConversation;
  const channelData: unknown = activity.channelData;
  const tenant: unknown =
    typeof channelData === 'object' && channelData !== null ? Reflect.get(channelData, 'tenant') : undefined;
  const id: unknown = typeof tenant === 'object' && tenant !== null ? Reflect.get(tenant, 'id') : undefined;
  return typeof id === 'string' ? id : '';
}

/** A small map whose entries expire, dropping the oldest beyond `maxEntries`. */
class ExpiringMap<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {}

  /** The cached value, or a fresh one from `load` (kept for the TTL). */
  async get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    const value = await load();
    if (this.ttlMs <= 0) return value;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    // A Map iterates oldest first: trim from the front.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}

export class CallerResolver {
  /**
   * The entry with the caller bound to any email key naming them (see bindMember). A lost
   * race leaves it unbound this turn; the email still matches and the next turn binds it.
   */
  private async bound(
    org: PartnerOrganisation,
    etag: string,
    who: { aadObjectId: string; email?: string },
  ): Promise<PartnerOrganisation> {
    const bound = bindMember(org, who);
    if (!bound) return org;
    try {
      return (await this.options.partners.replace(bound, etag)).value;
    } catch (e) {
      if (e instanceof ConcurrencyConflict) return org;
      throw e;
    }
  }

  private readonly emails: ExpiringMap<string | undefined>;

  constructor(private readonly options: CallerResolverOptions) {
    const clock = options.clock ?? systemClock;
    const maxEntries = options.maxEntries ?? 1000;
    this.emails = new ExpiringMap(options.emailTtlMs ?? 600_000, maxEntries, clock);
  }

  /**
   * Starts the read `resolve` waits for longest (the caller's organisation) without waiting
   * for it, for a turn that waits on something else first (readAhead.ts); within the turn's
   * shared reads `resolve` then gets this same read. Only the read: the member binding (a
   * write) and the profile lookup wait for `resolve`, so a redelivered copy the
   * de-duplication skips costs this read and nothing else.
   */
  readAhead(context: TurnContext): void {
    const tenantId = tenantOf(context.activity);
    // Its failure is reported by `resolve`, which shares the failed read or makes it again.
    if (tenantId) void this.options.partners.getVersioned(tenantId).catch(() => undefined);
  }

  async resolve(context: TurnContext): Promise<Caller> {
    const activity = context.activity;
    const tenantId = tenantOf(activity);
    const aadObjectId = activity.from?.aadObjectId ?? '';
    const key = `${tenantId}|${aadObjectId}`;
    const { partners, emailOf, languages } = this.options;
    const [stored, email, preferredLocale] = await Promise.all([
      tenantId ? partners.getVersioned(tenantId) : undefined,
      aadObjectId && emailOf ? this.emails.get(key, () => emailOf(context)) : undefined,
      languages?.preferredLocale(context),
    ]);
    // A directory entry under another tenant's id is not this caller's organisation.
    const org =
      stored?.value.id === tenantId ? await this.bound(stored.value, stored.etag, { aadObjectId, email }) : undefined;
    const roles = aadObjectId ? rolesOf(org, { aadObjectId, email }, partners.operatorTenantId) : [];
    return {
      tenantId,
      aadObjectId,
      name: activity.from?.name || undefined,
      email,
      locale: preferredLocale ?? resolveLocale(activity.locale),
      org,
      roles,
      isIncentivesAdmin: roles.includes('incentivesAdmin'),
      isReviewer: roles.includes('reviewer'),
    };
  }
}

/**
 * Who is speaking, resolved from the activity and the partner directory at the start
 * of every turn. Roles come from the directory, so a cache could keep a removed
 * admin's rights alive: entries live a few seconds only, enough to spare the
 * directory the bursts of a card flow without letting a change wait long.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { PartnerOrganisation } from '../../claims/model';
import { systemClock, type Clock, type PartnerDirectory } from '../../claims/ports';
import type { Caller } from '../../dialogs/caller';
import { resolveLocale } from '../../locales/i18n';
import type { PreferredLocaleSource } from './languagePreference';

/** The user's email from their Teams profile, when it can be had quickly; never throws. */
export type EmailLookup = (context: TurnContext) => Promise<string | undefined>;

export interface CallerResolverOptions {
  partners: PartnerDirectory;
  emailOf?: EmailLookup;
  /** The language the user chose (bot user state); without one, or without a choice, the activity's locale. */
  languages?: PreferredLocaleSource;
  clock?: Clock;
  /** How long a directory answer is reused; default 15 s. 0 turns the cache off. */
  ttlMs?: number;
  /** How long a profile email is reused (it changes rarely, and asking Teams costs a call); default 10 min. */
  emailTtlMs?: number;
  /** Default 1000 users. */
  maxEntries?: number;
}

interface Roles {
  org: PartnerOrganisation | undefined;
  isReviewer: boolean;
}

/** The Teams tenant of an activity: `conversation.tenantId`, or `channelData.tenant.id`. */
export function tenantOf(activity: Partial<Activity>): string {
  const fromConversation = activity.conversation?.tenantId;
  if (typeof fromConversation === 'string' && fromConversation) return fromConversation;
  const channelData: unknown = activity.channelData;
  const tenant: unknown = typeof channelData === 'object' && channelData !== null ? Reflect.get(channelData, 'tenant') : undefined;
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
  private readonly roles: ExpiringMap<Roles>;
  private readonly emails: ExpiringMap<string | undefined>;

  constructor(private readonly options: CallerResolverOptions) {
    const clock = options.clock ?? systemClock;
    const maxEntries = options.maxEntries ?? 1000;
    this.roles = new ExpiringMap(options.ttlMs ?? 15_000, maxEntries, clock);
    this.emails = new ExpiringMap(options.emailTtlMs ?? 600_000, maxEntries, clock);
  }

  async resolve(context: TurnContext): Promise<Caller> {
    const activity = context.activity;
    const tenantId = tenantOf(activity);
    const aadObjectId = activity.from?.aadObjectId ?? '';
    const key = `${tenantId}|${aadObjectId}`;
    const { partners, emailOf, languages } = this.options;
    const [roles, email, preferredLocale] = await Promise.all([
      this.roles.get(key, async () => ({
        org: tenantId ? await partners.get(tenantId) : undefined,
        isReviewer: tenantId !== '' && aadObjectId !== '' && (await partners.isReviewer(tenantId, aadObjectId)),
      })),
      aadObjectId && emailOf ? this.emails.get(key, () => emailOf(context)) : undefined,
      languages?.preferredLocale(context),
    ]);
    // A directory entry under another tenant's id is not this caller's organisation.
    const org = roles.org?.id === tenantId ? roles.org : undefined;
    return {
      tenantId,
      aadObjectId,
      name: activity.from?.name || undefined,
      email,
      locale: preferredLocale ?? resolveLocale(activity.locale),
      org,
      isIncentivesAdmin: org !== undefined && aadObjectId !== '' && org.incentivesAdmins.includes(aadObjectId),
      isReviewer: roles.isReviewer,
    };
  }
}

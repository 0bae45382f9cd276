/**
 * The language a user chose for the bot's answers, kept per user in the bot's user
 * state (Cosmos DB bot state, beside the dialog stack), so it outlives the
 * conversation and a restart. Without a choice the user's Teams locale decides.
 *
 * Why a choice at all: Teams sends the client's locale, but people do not always
 * run Teams in the language they want to file claims in, and the Microsoft 365
 * Agents Playground always says en-US.
 */
import { UserState, type StatePropertyAccessor, type Storage, type TurnContext } from 'botbuilder';
import { systemClock, type Clock } from '../../claims/ports';
import { isLocale, type Locale } from '../../locales/i18n';

/** A locale, or `teams`: follow the locale Teams sends (the default). */
export type LanguageChoice = Locale | 'teams';

export function isLanguageChoice(value: unknown): value is LanguageChoice {
  return value === 'teams' || isLocale(value);
}

/** What the caller resolution needs: the user's own choice, if any. */
export interface PreferredLocaleSource {
  preferredLocale(context: TurnContext): Promise<Locale | undefined>;
}

interface StoredPreference {
  locale: Locale;
  /** `chosen` on the language card, `typed` when inferred from a command typed in that language. */
  how: 'chosen' | 'typed';
  at: string;
}

const PROPERTY = 'languagePreference';

/**
 * How long a user's choice is reused without reading user state again. Every turn needs
 * it, and reading it cost a Cosmos DB read per turn; a change made here updates the copy
 * at once, one made on another instance is seen within this time.
 */
const CACHE_MS = 30_000;
const CACHE_MAX_USERS = 5_000;

export class LanguagePreferences implements PreferredLocaleSource {
  private readonly userState: UserState;
  private readonly preference: StatePropertyAccessor<StoredPreference | undefined>;
  private readonly known = new Map<string, { locale: Locale | undefined; until: number }>();

  constructor(
    storage: Storage,
    private readonly clock: Clock = systemClock,
  ) {
    this.userState = new UserState(storage);
    this.preference = this.userState.createProperty<StoredPreference | undefined>(PROPERTY);
  }

  async preferredLocale(context: TurnContext): Promise<Locale | undefined> {
    if (!hasUser(context)) return undefined;
    const key = userKey(context);
    const cached = this.known.get(key);
    if (cached && cached.until > this.clock.now().getTime()) return cached.locale;
    const stored: unknown = await this.preference.get(context);
    // Stored data is read back as it is: anything but a known locale means no choice.
    const locale: unknown = typeof stored === 'object' && stored !== null ? Reflect.get(stored, 'locale') : undefined;
    const preferred = isLocale(locale) ? locale : undefined;
    this.remember(key, preferred);
    return preferred;
  }

  private remember(key: string, locale: Locale | undefined): void {
    this.known.delete(key);
    this.known.set(key, { locale, until: this.clock.now().getTime() + CACHE_MS });
    // A Map iterates oldest first: trim from the front.
    for (const oldest of this.known.keys()) {
      if (this.known.size <= CACHE_MAX_USERS) break;
      this.known.delete(oldest);
    }
  }

  /**
   * Stores the choice and saves it at once, apart from the dialog state (which is
   * saved only when the whole turn succeeds): the choice was confirmed to the user
   * in this turn, so it must not depend on the rest of the turn.
   */
  async choose(context: TurnContext, choice: LanguageChoice, how: StoredPreference['how'] = 'chosen'): Promise<void> {
    if (!hasUser(context)) return;
    if (choice === 'teams') await this.preference.delete(context);
    else await this.preference.set(context, { locale: choice, how, at: this.clock.now().toISOString() });
    // Last writer wins (BotState writes with eTag '*'): for a preference that is right.
    await this.userState.saveChanges(context);
    this.remember(userKey(context), choice === 'teams' ? undefined : choice);
  }
}

/** The same identity user state keys on: the channel and its user id. */
const userKey = (context: TurnContext): string => `${context.activity.channelId}|${context.activity.from.id}`;

/** User state is keyed by the channel's user id; without one there is nobody to remember. */
function hasUser(context: TurnContext): boolean {
  return Boolean(context.activity.channelId && context.activity.from?.id);
}

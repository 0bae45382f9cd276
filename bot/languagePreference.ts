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
import { systemClock, type Clock } from '../claims/ports';
import { isLocale, type Locale } from '../locales/i18n';

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

export class LanguagePreferences implements PreferredLocaleSource {
  private readonly userState: UserState;
  private readonly preference: StatePropertyAccessor<StoredPreference | undefined>;

  constructor(
    storage: Storage,
    private readonly clock: Clock = systemClock,
  ) {
    this.userState = new UserState(storage);
    this.preference = this.userState.createProperty<StoredPreference | undefined>(PROPERTY);
  }

  async preferredLocale(context: TurnContext): Promise<Locale | undefined> {
    if (!hasUser(context)) return undefined;
    const stored: unknown = await this.preference.get(context);
    // Stored data is read back as it is: anything but a known locale means no choice.
    const locale: unknown = typeof stored === 'object' && stored !== null ? Reflect.get(stored, 'locale') : undefined;
    return isLocale(locale) ? locale : undefined;
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
  }
}

/** User state is keyed by the channel's user id; without one there is nobody to remember. */
function hasUser(context: TurnContext): boolean {
  return Boolean(context.activity.channelId && context.activity.from?.id);
}

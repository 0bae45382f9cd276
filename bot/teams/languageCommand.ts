/**
 * The "language" command and its card, handled before the dialogs so it works at
 * any moment, in a flow or not, for anyone (an organisation not yet onboarded too).
 *
 * A command typed in Korean or Japanese by someone who never chose a language also
 * sets that language (and says so, with how to change it): they wrote in it, and in
 * the Agents Playground, which always says en-US, it is the quickest way in. English
 * words switch nothing, since people with a Korean or Japanese Teams type "help" too.
 */
import type { TurnContext } from 'botbuilder';
import { LANGUAGE_NAMES, plainTextMessage, renderLanguageCard } from '../../cards/render';
import { callerOf, setCaller } from '../../dialogs/caller';
import { asRecord, cardMessage } from '../../dialogs/cardPrompt';
import {
  COMMANDS,
  LOCALES,
  normalizeCommandText,
  parseCommand,
  resolveLocale,
  t,
  type Locale,
} from '../../locales/i18n';
import { LANGUAGES } from '../../locales/languages';
import { messageList } from '../../locales/translator';
import { isLanguageChoice, type LanguagePreferences } from './languagePreference';

/** What the bot needs from this module: one call per message. */
export interface LanguageTurns {
  /**
   * Answers the turn when it is about the language (and returns true); otherwise may
   * switch the language for a command typed in Korean or Japanese and returns false.
   */
  handle(context: TurnContext, inFlow: () => Promise<boolean>): Promise<boolean>;
}

/** Languages a typed command may switch to (see the module comment). */
const SWITCHING_LOCALES: readonly Locale[] = LOCALES.filter((locale) => LANGUAGES[locale].typedCommandSwitches);

const languageWords = new Set(
  LOCALES.flatMap((locale) => messageList(locale, 'language.commands').map(normalizeCommandText)),
);

/** Which locales write each command word: a word of one locale only says which language was typed. */
const localesOfWord = new Map<string, Set<Locale>>();
for (const locale of LOCALES) {
  for (const command of COMMANDS) {
    for (const word of messageList(locale, `commands.${command}`)) {
      const key = normalizeCommandText(word);
      localesOfWord.set(key, (localesOfWord.get(key) ?? new Set<Locale>()).add(locale));
    }
  }
}

export function isLanguageCommand(text: string | undefined): boolean {
  return text !== undefined && languageWords.has(normalizeCommandText(text));
}

/** The language a typed command is written in, when its command word belongs to one language only. */
export function typedCommandLocale(text: string | undefined): Locale | undefined {
  const parsed = parseCommand(text);
  if (!parsed || text === undefined) return undefined;
  // The argument ("status 삼성") says nothing about the language of the command word.
  const normalized = text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  const head = parsed.argument ? normalized.slice(0, normalized.length - parsed.argument.length) : normalized;
  const locales = localesOfWord.get(normalizeCommandText(head));
  return locales?.size === 1 ? [...locales][0] : undefined;
}

export class LanguageCommand implements LanguageTurns {
  constructor(private readonly preferences: LanguagePreferences) {}

  async handle(context: TurnContext, inFlow: () => Promise<boolean>): Promise<boolean> {
    const activity = context.activity;
    if (activity.type !== 'message') return false;
    const value = asRecord(activity.value);
    if (value) {
      if (value.verb === 'chooseLanguage') await this.showCard(context);
      else if (value.verb === 'setLanguage') await this.choose(context, value.language, inFlow);
      else return false;
      return true;
    }
    if (isLanguageCommand(activity.text)) {
      await this.showCard(context);
      return true;
    }
    await this.followTypedLanguage(context);
    return false;
  }

  private async showCard(context: TurnContext): Promise<void> {
    const caller = callerOf(context);
    const chosen = await this.preferences.preferredLocale(context);
    const card = renderLanguageCard({ chosen, teamsLocale: resolveLocale(context.activity.locale) }, caller.locale);
    await context.sendActivity(cardMessage(card));
  }

  private async choose(context: TurnContext, choice: unknown, inFlow: () => Promise<boolean>): Promise<void> {
    const caller = callerOf(context);
    if (!isLanguageChoice(choice)) {
      // Not a value our card sends: show the real choices again.
      await context.sendActivity(t(caller.locale, 'conversation.staleCard'));
      await this.showCard(context);
      return;
    }
    await this.preferences.choose(context, choice);
    const locale = choice === 'teams' ? resolveLocale(context.activity.locale) : choice;
    // The rest of this turn (and the stored conversation reference) speaks the new language.
    setCaller(context, { ...caller, locale });
    const language = LANGUAGE_NAMES[locale];
    await context.sendActivity(
      t(locale, choice === 'teams' ? 'language.followingTeams' : 'language.chosen', { language }),
    );
    if (await inFlow()) await context.sendActivity(t(locale, 'language.flowNote'));
  }

  private async followTypedLanguage(context: TurnContext): Promise<void> {
    const typed = typedCommandLocale(context.activity.text);
    const caller = callerOf(context);
    if (!typed || typed === caller.locale || !SWITCHING_LOCALES.includes(typed)) return;
    if ((await this.preferences.preferredLocale(context)) !== undefined) return;
    await this.preferences.choose(context, typed, 'typed');
    setCaller(context, { ...caller, locale: typed });
    const command = messageList(typed, 'language.commands')[0];
    await context.sendActivity(plainTextMessage(t(typed, 'language.switchedByTyping', { command })));
  }
}

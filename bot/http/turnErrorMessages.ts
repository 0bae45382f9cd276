/**
 * The apology a user sees when a turn fails unexpectedly, from `locales/`
 * (`errors.generic`), with the correlation id's first block as the reference support
 * can find in the logs. If the catalog itself is what fails, a plain English line.
 */
import type { TurnContext } from 'botbuilder';
import { resolvedCallerOf } from '../../dialogs/caller';
import { resolveLocale, t } from '../../locales/i18n';

const LAST_RESORT = 'Sorry, something went wrong on my side. Please try again. (Reference: {reference})';

export function turnErrorMessage(locale: string | undefined, correlationId: string): string {
  const reference = correlationId.slice(0, 8);
  try {
    return t(resolveLocale(locale), 'errors.generic', { reference });
  } catch {
    return LAST_RESORT.replace('{reference}', reference);
  }
}

/**
 * The language the rest of the turn spoke: the caller's, once resolved (their own choice
 * when they made one, see languagePreference.ts), else the Teams locale of the activity.
 */
export function apologyLocale(context: TurnContext): string | undefined {
  return resolvedCallerOf(context)?.locale ?? context.activity.locale;
}

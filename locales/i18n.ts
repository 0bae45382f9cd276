/**
 * The one import for everything language-related: which locale a user gets, the
 * messages, command words, and locale-aware dates and sizes. Dialogs and cards
 * import from here, never from the JSON files directly.
 */
export {
  DEFAULT_LOCALE,
  LOCALES,
  isLocale,
  resolveLocale,
  type Command,
  type Locale,
  type MessageKey,
} from './catalogs';
export {
  configureTranslations,
  hasMessage,
  placeholdersOf,
  t,
  Translator,
  MissingMessageError,
  type MessageParams,
  type TranslatorOptions,
} from './translator';
export {
  formatCountdown,
  formatDate,
  formatDateTime,
  formatFileSize,
  formatList,
  formatWindowLength,
  type CountdownKind,
} from './formatting';
export { COMMANDS, commandFor, commandWords, normalizeCommandText, parseCommand, type ParsedCommand } from './commands';
export {
  activityHelp,
  activityLabel,
  actorLabel,
  associationItem,
  coopGuidance,
  coopProgramName,
  conflictNotice,
  fieldLabel,
  hasProblemMessage,
  historyEventLabel,
  infoRequestReasonText,
  problemMessage,
  problemMessages,
  productName,
  programName,
  rejectionReasonText,
  solutionAreaLabel,
  statusHelp,
  statusLabel,
} from './domainText';

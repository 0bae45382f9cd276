/**
 * Typed commands ("new claim", "새 클레임", "新しい申請"). Any of the three
 * languages works whatever the Teams locale, because people type in the language
 * they think in, not the one their client is set to.
 */
import { LOCALES, type Command } from './catalogs';
import { messageList } from './translator';

// A Record so adding a command to en-US.json without listing it here fails to compile.
const COMMAND_SET: Readonly<Record<Command, true>> = {
  newClaim: true,
  continueDraft: true,
  myClaims: true,
  status: true,
  history: true,
  help: true,
  cancel: true,
  export: true,
  reviewQueue: true,
  members: true,
  organisations: true,
};

export const COMMANDS = Object.keys(COMMAND_SET) as readonly Command[];

/** Trailing sentence punctuation people add ("help!", "ヘルプ。"); "?" alone is a command. */
const TRAILING_PUNCTUATION = /[.!。！]+$/u;

/**
 * NFKC folds full-width Latin and half-width katakana ("ＨＥＬＰ", "ﾍﾙﾌﾟ") and the
 * ideographic space; removing spaces makes "새클레임" equal "새 클레임".
 */
export function normalizeCommandText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(TRAILING_PUNCTUATION, '').replace(/\s+/gu, '');
}

/** Every command's words in every language, as written in the catalogs. */
export function commandWords(command: Command): string[] {
  return LOCALES.flatMap((locale) => messageList(locale, `commands.${command}`));
}

function buildIndex(): Map<string, Command> {
  const index = new Map<string, Command>();
  for (const command of COMMANDS) {
    for (const word of commandWords(command)) index.set(normalizeCommandText(word), command);
  }
  return index;
}

const index = buildIndex();

/** The command a whole message means, if it is exactly one of the command words. */
export function commandFor(text: string | undefined): Command | undefined {
  if (!text) return undefined;
  const key = normalizeCommandText(text);
  return key === '' ? undefined : index.get(key);
}

export interface ParsedCommand {
  command: Command;
  /** What follows the command word ("status contoso" → "contoso"), NFKC-normalised and trimmed. */
  argument: string;
}

interface Prefix {
  command: Command;
  words: string;
}

/** Longest words first so "claim status" wins over "claims"-like shorter prefixes. */
const prefixes: Prefix[] = COMMANDS.flatMap((command) =>
  commandWords(command).map((word) => ({
    command,
    words: word.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim(),
  })),
).sort((a, b) => b.words.length - a.words.length);

/** A command word followed by an argument, e.g. "status Contoso rollout" or "상태 Contoso". */
export function parseCommand(text: string | undefined): ParsedCommand | undefined {
  if (!text) return undefined;
  const exact = commandFor(text);
  if (exact) return { command: exact, argument: '' };
  const normalized = text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
  for (const { command, words } of prefixes) {
    const head = normalized.slice(0, words.length).toLowerCase();
    if (head === words && normalized[words.length] === ' ')
      return { command, argument: normalized.slice(words.length).trim() };
  }
  return undefined;
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLanguageCommand } from '../../bot/teams/languageCommand';
import { LOCALIZATION_FILES } from '../../manifest/buildPackage';
import { commandFor, type Locale } from '../../locales/i18n';
import { messageList } from '../../locales/translator';

/**
 * Teams sends the command title, in the user's language, as the message text when a
 * command is picked from the menu: a title the bot does not recognise is a dead button.
 */
const MANIFEST_DIR = join(__dirname, '..', '..', 'manifest');
const LOCALE_OF_FILE: Readonly<Record<(typeof LOCALIZATION_FILES)[number], Locale>> = {
  'ko.json': 'ko-KR',
  'ja.json': 'ja-JP',
};
const MAX_COMMANDS = 10;

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(join(MANIFEST_DIR, file), 'utf8'));
}

const template = readJson('manifest.template.json') as {
  bots: { commandLists: { commands: { title: string }[] }[] }[];
};
const englishTitles = template.bots[0]!.commandLists[0]!.commands.map((c) => c.title);

function localizedTitles(file: string): string[] {
  const localization = readJson(file) as Record<string, string>;
  return englishTitles.map((_, i) => localization[`bots[0].commandLists[0].commands[${i}].title`] ?? '');
}

/** "language" is answered before the dialogs (bot/teams/languageCommand.ts), so it is not one of commandFor's commands. */
function recognisedAs(title: string): string | undefined {
  return commandFor(title) ?? (isLanguageCommand(title) ? 'language' : undefined);
}

/** The words the bot lists for `meaning` in one locale's catalog. */
function wordsOf(locale: Locale, meaning: string): string[] {
  return messageList(locale, meaning === 'language' ? 'language.commands' : `commands.${meaning}`);
}

describe('manifest command titles', () => {
  it(`lists at most ${MAX_COMMANDS} commands, each title once`, () => {
    assert.ok(englishTitles.length <= MAX_COMMANDS, `${englishTitles.length} commands`);
    assert.equal(new Set(englishTitles).size, englishTitles.length);
  });

  it('offers the export, review queue and language commands', () => {
    const meanings = englishTitles.map(recognisedAs);
    for (const meaning of ['export', 'reviewQueue', 'language']) assert.ok(meanings.includes(meaning), meaning);
  });

  it('every English title is a command word of en-US, recognised by the bot', () => {
    for (const title of englishTitles) {
      const meaning = recognisedAs(title);
      assert.ok(meaning, `"${title}" is not a command the bot recognises`);
      assert.ok(wordsOf('en-US', meaning).includes(title), `"${title}" is not written exactly as in en-US ${meaning}`);
    }
  });

  for (const file of LOCALIZATION_FILES) {
    it(`every title in ${file} is a command word of ${LOCALE_OF_FILE[file]} meaning what the English title means`, () => {
      localizedTitles(file).forEach((title, i) => {
        const expected = recognisedAs(englishTitles[i]!);
        assert.equal(recognisedAs(title), expected, `${file} command ${i} "${title}" should mean ${expected}`);
        assert.ok(
          wordsOf(LOCALE_OF_FILE[file], expected!).includes(title),
          `${file} "${title}" is not written exactly as in ${LOCALE_OF_FILE[file]}`,
        );
      });
    });
  }

  it('recognition is real: a word that is no command is refused', () => {
    assert.equal(recognisedAs('make me a sandwich'), undefined);
    assert.equal(recognisedAs('언어 바꿔 줘'), undefined);
  });
});

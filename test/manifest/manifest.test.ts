import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import JSZip from 'jszip';
import {
  buildPackage,
  deriveTeamsAppId,
  fillTemplate,
  ICON_FILES,
  LOCALIZATION_FILES,
  PackageConfigError,
  packageSettingsFromEnv,
  type PackageSettings,
} from '../../manifest/buildPackage';
import { LANGUAGES, LOCALES } from '../../locales/languages';
import { t } from '../../locales/i18n';
import {
  LOCALIZATION_SCHEMA_URL,
  localizationSchemaErrors,
  MANIFEST_SCHEMA_URL,
  MANIFEST_VERSION,
  manifestSchemaErrors,
} from '../../manifest/schemas';

const MANIFEST_DIR = join(__dirname, '..', '..', 'manifest');
const BOT_ID = '0b5ec7f1-3c1d-4e5a-9f2b-7d8e6a4c2b10';
const TEAMS_APP_ID = '9a7c1e55-2b3d-4f60-8e1a-5c4b3a2d1e0f';
const TEST_ENV = { MicrosoftAppId: BOT_ID, PUBLIC_URL: 'https://cpor-test.azurewebsites.net', TEAMS_APP_ID };
const MAIN_COMMANDS = [
  'new claim',
  'continue draft',
  'my claims',
  'status',
  'history',
  'export',
  'review queue',
  'language',
  'help',
  'cancel',
];

interface Command {
  title: string;
  description?: string;
}
interface Manifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  version: string;
  validDomains: string[];
  developer: Record<string, string>;
  localizationInfo: { defaultLanguageTag: string; additionalLanguages: { languageTag: string; file: string }[] };
  bots: {
    botId: string;
    scopes: string[];
    supportsFiles: boolean;
    isNotificationOnly: boolean;
    commandLists: { scopes: string[]; commands: Command[] }[];
  }[];
}

function readManifestFile(file: string): unknown {
  return JSON.parse(readFileSync(join(MANIFEST_DIR, file), 'utf8'));
}

function settings(env: Record<string, string> = TEST_ENV): PackageSettings {
  return packageSettingsFromEnv(env, '1.4.2');
}

function expectConfigError(env: Record<string, string>, key: string, pattern: RegExp): void {
  assert.throws(
    () => settings(env),
    (error: unknown) =>
      error instanceof PackageConfigError &&
      error.key === key &&
      error.message.startsWith(key) &&
      pattern.test(error.message),
  );
}

describe('Teams app package', () => {
  let outDir: string;
  let zipBytes: Buffer;
  let manifest: Manifest;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'cpor-package-'));
    const built = await buildPackage(settings(), outDir);
    zipBytes = await readFile(built.zipPath);
    manifest = built.manifest as Manifest;
  });

  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  describe('the built manifest', () => {
    it('validates against the offline Teams schema of the version it declares', () => {
      assert.deepEqual(manifestSchemaErrors(manifest), []);
      assert.equal(manifest.manifestVersion, MANIFEST_VERSION);
      assert.equal(manifest.$schema, MANIFEST_SCHEMA_URL);
    });

    it('is checked by a live validator: a broken manifest is rejected', () => {
      const broken = { ...manifest, id: 'not-a-guid', accentColor: 'blue' };
      const errors = manifestSchemaErrors(broken);
      assert.ok(
        errors.some((e) => e.startsWith('/id')),
        errors.join('\n'),
      );
      assert.ok(
        errors.some((e) => e.startsWith('/accentColor')),
        errors.join('\n'),
      );
    });

    it('carries the configured ids, version and domain', () => {
      assert.equal(manifest.id, TEAMS_APP_ID);
      assert.equal(manifest.bots[0]?.botId, BOT_ID);
      assert.equal(manifest.version, '1.4.2');
      assert.deepEqual(manifest.validDomains, ['cpor-test.azurewebsites.net']);
      for (const url of Object.values(manifest.developer).filter((v) => v.includes('://'))) {
        assert.match(url, /^https:\/\/cpor-test\.azurewebsites\.net\//);
      }
    });

    it('is a conversational personal bot that accepts files, with the main commands', () => {
      const bot = manifest.bots[0]!;
      assert.deepEqual(bot.scopes, ['personal']);
      assert.equal(bot.supportsFiles, true, 'without supportsFiles Teams hides the attach button (PoE upload)');
      assert.equal(bot.isNotificationOnly, false);
      assert.deepEqual(
        bot.commandLists.map((l) => l.scopes),
        [['personal']],
      );
      const commands = bot.commandLists[0]!.commands;
      assert.deepEqual(
        commands.map((c) => c.title),
        MAIN_COMMANDS,
      );
      for (const command of commands) assert.ok(command.description, `"${command.title}" needs a description`);
    });

    it('names exactly the shipped localization files', () => {
      assert.equal(manifest.localizationInfo.defaultLanguageTag, 'en-us');
      assert.deepEqual(
        manifest.localizationInfo.additionalLanguages,
        LOCALIZATION_FILES.map((file) => ({ languageTag: file.replace('.json', ''), file })),
      );
    });
  });

  describe('the localization files', () => {
    const scripts: Record<string, RegExp> = {
      'ko.json': /\p{Script=Hangul}/u,
      'ja.json': /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u,
    };

    for (const file of LOCALIZATION_FILES) {
      describe(file, () => {
        const localization = readManifestFile(file) as Record<string, string>;

        it('validates against the Localization schema of the same version', () => {
          assert.deepEqual(localizationSchemaErrors(localization), []);
          assert.equal(localization.$schema, LOCALIZATION_SCHEMA_URL);
        });

        it('translates the name, descriptions and every command title and description', () => {
          const commands = manifest.bots[0]!.commandLists[0]!.commands;
          const expected = ['name.short', 'name.full', 'description.short', 'description.full'];
          commands.forEach((_, i) => {
            expected.push(
              `bots[0].commandLists[0].commands[${i}].title`,
              `bots[0].commandLists[0].commands[${i}].description`,
            );
          });
          assert.deepEqual(
            Object.keys(localization)
              .filter((k) => k !== '$schema')
              .sort(),
            expected.sort(),
          );
          for (const key of expected)
            assert.match(localization[key]!, scripts[file]!, `${file} ${key} is not translated`);
          const titles = commands.map((_, i) => localization[`bots[0].commandLists[0].commands[${i}].title`]);
          assert.equal(new Set(titles).size, titles.length, 'command titles must be distinct to be told apart');
        });

        it("names proof of execution with the bot's own term, as the cards and messages do", () => {
          const locale = LOCALES.find((l) => LANGUAGES[l].manifestFile === file);
          assert.ok(locale, `${file} belongs to no language`);
          const term = t(locale, 'fields.poe');
          const mentions = Object.values(localization).filter((text) => /poe/iu.test(text));
          assert.ok(mentions.length > 0, `${file} no longer mentions PoE: drop this test or the term`);
          for (const text of mentions) assert.ok(text.includes(term), `${file}: "${text}" should say ${term}`);
        });
      });
    }

    it('rejects a file with an unknown key (the schema is live)', () => {
      assert.notDeepEqual(
        localizationSchemaErrors({ 'name.short': 'x', 'description.short': 'y', 'description.full': 'z', color: 1 }),
        [],
      );
    });
  });

  describe('the zip', () => {
    it('holds exactly the manifest, icons and language files, flat at its root', async () => {
      const zip = await JSZip.loadAsync(zipBytes);
      const names = Object.keys(zip.files).sort();
      assert.deepEqual(names, ['manifest.json', ...ICON_FILES, ...LOCALIZATION_FILES].sort());
      for (const file of [...ICON_FILES, ...LOCALIZATION_FILES]) {
        const inZip = await zip.file(file)!.async('nodebuffer');
        assert.ok(inZip.equals(readFileSync(join(MANIFEST_DIR, file))), `${file} is copied unchanged`);
      }
    });

    it('holds the filled manifest, with no placeholder left', async () => {
      const text = await (await JSZip.loadAsync(zipBytes)).file('manifest.json')!.async('string');
      assert.doesNotMatch(text, /\$\{\{/);
      const zipped = JSON.parse(text) as Manifest;
      assert.equal(zipped.id, TEAMS_APP_ID);
      assert.equal(zipped.bots[0]?.botId, BOT_ID);
    });
  });

  describe('configuration', () => {
    it('names MicrosoftAppId when it is missing or not a GUID', () => {
      expectConfigError({ PUBLIC_URL: TEST_ENV.PUBLIC_URL }, 'MicrosoftAppId', /missing/);
      expectConfigError({ ...TEST_ENV, MicrosoftAppId: '  ' }, 'MicrosoftAppId', /missing/);
      expectConfigError({ ...TEST_ENV, MicrosoftAppId: 'my-bot' }, 'MicrosoftAppId', /GUID.*"my-bot"/);
    });

    it('names PUBLIC_URL when it is missing, not https, or more than an origin', () => {
      expectConfigError({ MicrosoftAppId: BOT_ID }, 'PUBLIC_URL', /missing/);
      expectConfigError({ ...TEST_ENV, PUBLIC_URL: 'http://cpor-test.azurewebsites.net' }, 'PUBLIC_URL', /https/);
      expectConfigError({ ...TEST_ENV, PUBLIC_URL: 'cpor-test.azurewebsites.net' }, 'PUBLIC_URL', /https URL/);
      expectConfigError(
        { ...TEST_ENV, PUBLIC_URL: 'https://cpor-test.azurewebsites.net/api/messages' },
        'PUBLIC_URL',
        /origin only/,
      );
    });

    it('names TEAMS_APP_ID, TEAMS_APP_VERSION and the publisher URLs when malformed', () => {
      expectConfigError({ ...TEST_ENV, TEAMS_APP_ID: '1234' }, 'TEAMS_APP_ID', /GUID/);
      expectConfigError({ ...TEST_ENV, TEAMS_APP_VERSION: '1.0' }, 'TEAMS_APP_VERSION', /MAJOR\.MINOR\.PATCH/);
      expectConfigError(
        { ...TEST_ENV, TEAMS_APP_PRIVACY_URL: 'http://example.com/privacy' },
        'TEAMS_APP_PRIVACY_URL',
        /https/,
      );
    });

    it('derives the Teams app id from the bot id when TEAMS_APP_ID is not set', () => {
      const { TEAMS_APP_ID: _unused, ...withoutAppId } = TEST_ENV;
      const derived = settings(withoutAppId).teamsAppId;
      assert.equal(derived, deriveTeamsAppId(BOT_ID));
      assert.notEqual(derived, BOT_ID);
    });

    it('derives a stable, distinct version-5 GUID for every bot id', () => {
      fc.assert(
        fc.property(fc.uuid(), fc.uuid(), (a, b) => {
          const id = deriveTeamsAppId(a);
          assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          assert.equal(deriveTeamsAppId(a.toUpperCase()), id, 'case of the bot id must not matter');
          if (a.toLowerCase() !== b.toLowerCase()) assert.notEqual(deriveTeamsAppId(b), id);
        }),
      );
    });
  });

  describe('template filling', () => {
    it('substitutes inside strings only, so quotes in a value cannot break the JSON', () => {
      const filled = fillTemplate(
        { name: '${{DEVELOPER_NAME}} Ltd', list: ['${{X}}'], n: 3 },
        { DEVELOPER_NAME: 'A "quoted" }', X: 'x' },
      );
      assert.deepEqual(filled, { name: 'A "quoted" } Ltd', list: ['x'], n: 3 });
    });

    it('refuses a placeholder that packaging does not provide', () => {
      assert.throws(() => fillTemplate({ a: '${{NOPE}}' }, {}), /NOPE/);
    });

    it('the template and language files declare the same schema version', () => {
      const template = readManifestFile('manifest.template.json') as Manifest;
      assert.equal(template.manifestVersion, MANIFEST_VERSION);
      assert.equal(template.$schema, MANIFEST_SCHEMA_URL);
    });
  });
});

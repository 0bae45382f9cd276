/**
 * Builds the Teams app package (`npm run package`): fills the manifest template from
 * configuration, validates it and the localization files against the offline schemas,
 * and writes `build/cpor-claims-bot.zip` — a flat zip ready for "Upload a custom app".
 *
 * Configuration (environment, or a `.env` file at the repo root; the environment wins):
 *   MicrosoftAppId     required  the bot's Microsoft App ID (GUID); becomes bots[0].botId
 *   PUBLIC_URL         required  https origin of the deployed bot; its host becomes the valid domain
 *   TEAMS_APP_ID       optional  the Teams app id (GUID); by default derived from MicrosoftAppId,
 *                                so rebuilding updates the same app instead of adding another
 *   TEAMS_APP_VERSION  optional  semver; defaults to package.json's version
 *   TEAMS_APP_DEVELOPER_NAME, TEAMS_APP_WEBSITE_URL, TEAMS_APP_PRIVACY_URL, TEAMS_APP_TERMS_URL
 *                      optional  publisher details; the URLs default to PUBLIC_URL, /privacy, /terms
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { MANIFEST_LOCALIZATION_FILES } from '../locales/languages';
import { localizationSchemaErrors, manifestSchemaErrors } from './schemas';

export const PACKAGE_FILE_NAME = 'cpor-claims-bot.zip';
/** One per language but the default, from the language table. */
export const LOCALIZATION_FILES = MANIFEST_LOCALIZATION_FILES;
export const ICON_FILES = ['color.png', 'outline.png'] as const;
const TEMPLATE_FILE = 'manifest.template.json';

export interface PackageSettings {
  teamsAppId: string;
  botId: string;
  /** Host (and port, if any) of PUBLIC_URL. */
  publicHost: string;
  version: string;
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
}

/** A configuration key is missing or malformed; `key` names it so the message can too. */
export class PackageConfigError extends Error {
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`${key} ${problem}`);
    this.name = 'PackageConfigError';
  }
}

/** The filled manifest or a localization file does not match its schema. */
export class PackageInvalidError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} does not match the Teams schema:\n  ${problems.join('\n  ')}`);
    this.name = 'PackageInvalidError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
/** Fixed namespace for deriving the Teams app id from the bot id (RFC 9562 name-based UUID). */
const TEAMS_APP_ID_NAMESPACE = '6f1c2b8e-5d4a-4c3b-9a7e-2f0d8c1b4e6a';

type Env = Readonly<Record<string, string | undefined>>;

function present(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value ? value : undefined;
}

function guid(env: Env, key: string, what: string): string | undefined {
  const value = present(env, key);
  if (value !== undefined && !GUID.test(value)) {
    throw new PackageConfigError(key, `must be a GUID (${what}), got "${value}"`);
  }
  return value?.toLowerCase();
}

function parseHttpsUrl(key: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PackageConfigError(key, `must be an https URL, got "${value}"`);
  }
  if (url.protocol !== 'https:')
    throw new PackageConfigError(key, `must use https (Teams requires TLS), got "${value}"`);
  return url;
}

function httpsUrl(env: Env, key: string, fallback: string): string {
  return parseHttpsUrl(key, present(env, key) ?? fallback).href;
}

/** The public origin the bot is served from; Teams only talks to it over https. */
function publicOrigin(env: Env): URL {
  const key = 'PUBLIC_URL';
  const value = present(env, key);
  if (value === undefined) {
    throw new PackageConfigError(
      key,
      'is missing: set it to the https address of the deployed bot, e.g. https://<app>.azurewebsites.net',
    );
  }
  const url = parseHttpsUrl(key, value);
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw new PackageConfigError(key, `must be an origin only (no path, query or credentials), got "${value}"`);
  }
  return url;
}

/** Name-based (version 5) UUID: the same bot id always yields the same Teams app id. */
export function deriveTeamsAppId(botId: string): string {
  const namespace = Buffer.from(TEAMS_APP_ID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(botId.toLowerCase(), 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Reads and checks the packaging settings; throws PackageConfigError naming the first bad key. */
export function packageSettingsFromEnv(env: Env, packageVersion: string): PackageSettings {
  const botId = guid(env, 'MicrosoftAppId', "the bot's Microsoft App ID");
  if (botId === undefined) {
    throw new PackageConfigError(
      'MicrosoftAppId',
      "is missing: set it to the bot's Microsoft App ID (a GUID; `azd env get-value MicrosoftAppId` prints it)",
    );
  }
  const origin = publicOrigin(env);
  const version = present(env, 'TEAMS_APP_VERSION') ?? packageVersion;
  if (!SEMVER.test(version))
    throw new PackageConfigError('TEAMS_APP_VERSION', `must be MAJOR.MINOR.PATCH, got "${version}"`);
  return {
    teamsAppId: guid(env, 'TEAMS_APP_ID', 'the Teams app id') ?? deriveTeamsAppId(botId),
    botId,
    publicHost: origin.host,
    version,
    developer: {
      name: present(env, 'TEAMS_APP_DEVELOPER_NAME') ?? 'CPOR Claims Bot',
      websiteUrl: httpsUrl(env, 'TEAMS_APP_WEBSITE_URL', origin.href),
      privacyUrl: httpsUrl(env, 'TEAMS_APP_PRIVACY_URL', new URL('/privacy', origin).href),
      termsOfUseUrl: httpsUrl(env, 'TEAMS_APP_TERMS_URL', new URL('/terms', origin).href),
    },
  };
}

function placeholderValues(settings: PackageSettings): Record<string, string> {
  return {
    APP_VERSION: settings.version,
    TEAMS_APP_ID: settings.teamsAppId,
    BOT_ID: settings.botId,
    PUBLIC_HOST: settings.publicHost,
    DEVELOPER_NAME: settings.developer.name,
    DEVELOPER_WEBSITE_URL: settings.developer.websiteUrl,
    DEVELOPER_PRIVACY_URL: settings.developer.privacyUrl,
    DEVELOPER_TERMS_URL: settings.developer.termsOfUseUrl,
  };
}

/**
 * Replaces `${{NAME}}` in every string of the parsed template. Substituting after parsing
 * means a value containing quotes cannot break the JSON.
 */
export function fillTemplate(template: unknown, values: Record<string, string>): unknown {
  if (typeof template === 'string') {
    return template.replace(/\$\{\{(\w+)\}\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`${TEMPLATE_FILE} uses \${{${name}}}, which packaging does not provide`);
      return value;
    });
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, fillTemplate(value, values)]));
  }
  return template;
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

// Fixed timestamps make the zip depend only on its contents.
const ZIP_ENTRY_DATE = new Date(Date.UTC(2020, 0, 1));

export interface BuiltPackage {
  zipPath: string;
  manifest: unknown;
}

/** Fills, validates and zips the package into `outDir`; `sourceDir` holds the template, icons and languages. */
export async function buildPackage(
  settings: PackageSettings,
  outDir: string,
  sourceDir: string = __dirname,
): Promise<BuiltPackage> {
  const manifest = fillTemplate(await readJson(join(sourceDir, TEMPLATE_FILE)), placeholderValues(settings));
  const manifestProblems = manifestSchemaErrors(manifest);
  if (manifestProblems.length) throw new PackageInvalidError('manifest.json', manifestProblems);

  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2), { date: ZIP_ENTRY_DATE });
  for (const file of LOCALIZATION_FILES) {
    const text = await readFile(join(sourceDir, file), 'utf8');
    const problems = localizationSchemaErrors(JSON.parse(text));
    if (problems.length) throw new PackageInvalidError(file, problems);
    zip.file(file, text, { date: ZIP_ENTRY_DATE });
  }
  for (const file of ICON_FILES) zip.file(file, await readFile(join(sourceDir, file)), { date: ZIP_ENTRY_DATE });

  await mkdir(outDir, { recursive: true });
  const zipPath = join(outDir, PACKAGE_FILE_NAME);
  await writeFile(zipPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { zipPath, manifest };
}

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const envFile = join(root, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const packageJson: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const packageVersion =
    typeof packageJson === 'object' &&
    packageJson !== null &&
    'version' in packageJson &&
    typeof packageJson.version === 'string'
      ? packageJson.version
      : '';
  const settings = packageSettingsFromEnv(process.env, packageVersion);
  const { zipPath } = await buildPackage(settings, join(root, 'build'));
  console.log(`Teams app ${settings.teamsAppId} v${settings.version} for bot ${settings.botId} → ${zipPath}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

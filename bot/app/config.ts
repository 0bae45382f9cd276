/**
 * The app's configuration: every setting it reads, described once in SETTINGS,
 * read once at start-up from the environment (and a `.env` file), and validated so
 * that a mistake stops the start with a message naming the key. Nothing else in
 * the code reads `process.env`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import Holidays from 'date-holidays';
import { readWindowLength } from '../../claims/calendar';
import type { BotIdentity } from '../http/adapter';

export type { BotAppType, BotIdentity } from '../http/adapter';
import { parseHostPatterns } from '../teams/addressPolicy';
import { isTenantId } from '../../claims/organisations';

export interface SettingSpec {
  key: string;
  description: string;
  default?: string;
  /** `azure`: required when the app runs against Azure resources (not in local mode). */
  required: 'always' | 'azure' | 'never';
  secret: boolean;
  /** Used only with the embedded local stack; never set in Azure (and so not in the Bicep). */
  localOnly: boolean;
}

const SETTING_TABLE = [
  {
    key: 'PORT',
    description: 'HTTP port the bot listens on',
    default: '3978',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'PUBLIC_URL',
    description: 'Public base URL of the bot (links in emails, HSTS when https)',
    default: 'http://localhost:<PORT>',
    required: 'azure',
    secret: false,
    localOnly: false,
  },
  {
    key: 'MicrosoftAppId',
    description: 'Azure Bot app (client) id; empty disables Bot Framework authentication (local only)',
    required: 'azure',
    secret: false,
    localOnly: false,
  },
  {
    key: 'MicrosoftAppType',
    description: 'SingleTenant or UserAssignedMSI',
    default: 'SingleTenant',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'MicrosoftAppTenantId',
    description: 'Tenant of the bot registration (required with MicrosoftAppId)',
    required: 'azure',
    secret: false,
    localOnly: false,
  },
  {
    key: 'MicrosoftAppPassword',
    description: 'Client secret of the bot registration (SingleTenant only; not used with UserAssignedMSI)',
    required: 'never',
    secret: true,
    localOnly: false,
  },
  {
    key: 'OPERATOR_TENANT_ID',
    description:
      "Entra tenant id of the program operator's organisation, the only one whose reviewers review (locally: the demo operator of storage/seed/partners.json)",
    default: '00000000-0000-0000-0000-0000000000090',
    required: 'azure',
    secret: false,
    localOnly: false,
  },
  {
    key: 'AZURE_CLIENT_ID',
    description:
      'Client id of the user-assigned managed identity DefaultAzureCredential uses for Cosmos DB and Blob storage',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'COSMOS_ENDPOINT',
    description:
      'Cosmos DB for NoSQL account endpoint; unset (with STORAGE_ACCOUNT_URL) = embedded local stack; a loopback one (with COSMOS_KEY and STORAGE_CONNECTION_STRING) = local mode on stand-ins you run yourself',
    required: 'azure',
    secret: false,
    localOnly: false,
  },
  {
    key: 'COSMOS_KEY',
    description: 'Account key for a Cosmos DB emulator or stand-in you run yourself (Azure uses managed identity)',
    required: 'never',
    secret: true,
    localOnly: true,
  },
  {
    key: 'COSMOS_DATABASE',
    description: 'Cosmos DB database id',
    default: 'cpor',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'STORAGE_ACCOUNT_URL',
    description:
      'Blob service URL, e.g. https://ACCOUNT.blob.core.windows.net; unset (with COSMOS_ENDPOINT) = embedded local stack',
    required: 'azure',
    secret: false,
    localOnly: false,
  },
  {
    key: 'STORAGE_CONNECTION_STRING',
    description: 'Connection string for an Azurite you run yourself (Azure uses managed identity)',
    required: 'never',
    secret: true,
    localOnly: true,
  },
  {
    key: 'POE_CONTAINER',
    description: 'Private Blob container for proof-of-execution files',
    default: 'poe',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'POE_MAX_BYTES',
    description: 'Largest PoE file accepted, in bytes',
    default: '26214400',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'POE_DOWNLOAD_HOSTS',
    description:
      'Hosts attached files may be downloaded from outside local mode, comma-separated (*.domain = any name under it)',
    default:
      '*.sharepoint.com,*.sharepoint.us,*.sharepoint-mil.us,*.sharepoint.cn,*.sharepoint.de,*.1drv.com,*.1drv.ms,onedrive.live.com,*.teams.microsoft.com',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'ENTRA_AUTHORITY_HOST',
    description:
      "Microsoft Entra ID login host whose OpenID discovery documents name a domain's tenant (login.microsoftonline.us, login.partner.microsoftonline.cn for sovereign clouds)",
    default: 'login.microsoftonline.com',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'CONSENT_SIGNING_KEY',
    description:
      'Key that signs customer consent links and PoE template links (at least 32 characters); generated under DATA_DIR locally',
    required: 'azure',
    secret: true,
    localOnly: false,
  },
  {
    key: 'CALENDAR_COUNTRY',
    description: 'Country whose public holidays are not business days (ISO 3166 code)',
    default: 'US',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'CALENDAR_TIME_ZONE',
    description: 'IANA time zone in which business days are counted',
    default: 'America/Los_Angeles',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'OPT_OUT_WINDOW',
    description: 'Customer opt-out window: business days, or an ISO-8601 duration such as PT2M for demos',
    default: '5',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'POE_MAX_AGE_MONTHS',
    description: 'How old the latest date in a PoE may be, in months, before the checklist warns',
    default: '12',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'POE_OCR',
    description:
      "Read pictures and scanned PDF pages (the first 3) by OCR, in the user's language and English: on or off",
    default: 'on',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'INFO_DEADLINE_BUSINESS_DAYS',
    description: 'Business days a partner has to answer a request for more information',
    default: '14',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'SMTP_URL',
    description:
      'SMTP server, e.g. smtps://user:pass@host:465; unset = emails written as .eml files under DATA_DIR/outbox',
    required: 'never',
    secret: true,
    localOnly: false,
  },
  {
    key: 'MAIL_FROM',
    description: 'Sender address of the emails the bot sends',
    default: 'CPOR Claims Bot <noreply@localhost>',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    description: 'Application Insights connection string; unset = no telemetry',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    required: 'never',
    secret: false,
    localOnly: false,
  },
  {
    key: 'DATA_DIR',
    description: 'Folder for local data (stand-in snapshots, Azurite files, generated keys, .eml files)',
    default: '.data',
    required: 'never',
    secret: false,
    localOnly: true,
  },
  {
    key: 'LOCAL_COSMOS_PORT',
    description: 'Loopback port of the embedded Cosmos DB stand-in',
    default: '8081',
    required: 'never',
    secret: false,
    localOnly: true,
  },
  {
    key: 'LOCAL_BLOB_PORT',
    description: 'Loopback port of the embedded Azurite Blob service',
    default: '10000',
    required: 'never',
    secret: false,
    localOnly: true,
  },
  {
    key: 'SCHEDULER_INTERVAL_SECONDS',
    description: 'How often the scheduler looks for closed opt-out windows and passed deadlines',
    default: '30',
    required: 'never',
    secret: false,
    localOnly: false,
  },
] as const satisfies readonly SettingSpec[];

/** Every setting the app reads, each key written once (here). */
export const SETTINGS: readonly (SettingSpec & { key: SettingKey })[] = SETTING_TABLE;

/** The keys of SETTINGS, so a key is written once. */
export type SettingKey = (typeof SETTING_TABLE)[number]['key'];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The opt-out window: business days in production, a plain duration for demos and
 * tests. `spec` is the setting as written, what `BusinessCalendar.parseWindow` takes.
 */
export type WindowSetting =
  { kind: 'businessDays'; days: number; spec: string } | { kind: 'duration'; milliseconds: number; spec: string };

export interface Config {
  /**
   * `local`: the embedded stand-ins, or (with `cosmos.endpoint` set) stand-ins someone
   * runs on this machine, e.g. one shared by several bot processes; `azure`: Cosmos DB
   * and Blob storage given by endpoint.
   */
  mode: 'local' | 'azure';
  port: number;
  publicUrl: string;
  bot: BotIdentity;
  /** The program operator's tenant: its directory entry holds the reviewers and operator admins. */
  operatorTenantId: string;
  azureClientId?: string;
  cosmos: { endpoint?: string; key?: string; databaseId: string; localPort: number };
  blob: {
    accountUrl?: string;
    connectionString?: string;
    poeContainer: string;
    poeMaxBytes: number;
    localPort: number;
  };
  /** Hosts attached files may come from outside local mode (patterns, `*.` for any name under a domain). */
  poeDownloadHosts: string[];
  /** The Entra ID login host asked which tenant a domain belongs to. */
  entraAuthorityHost: string;
  consentSigningKey: string;
  calendar: { country: string; timeZone: string };
  optOutWindow: WindowSetting;
  infoDeadlineBusinessDays: number;
  poeMaxAgeMonths: number;
  /** Pictures and scanned pages read by OCR. */
  poeOcr: boolean;
  mail: { smtpUrl?: string; from: string };
  appInsightsConnectionString?: string;
  logLevel: LogLevel;
  /** Absolute. */
  dataDir: string;
  schedulerIntervalSeconds: number;
}

export interface ConfigProblem {
  key: SettingKey;
  message: string;
}

/** Start-up refused: every problem found, each naming its key. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }

  get keys(): SettingKey[] {
    return this.problems.map((p) => p.key);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface ParseOptions {
  /** Base for a relative DATA_DIR. */
  cwd?: string;
  /** Supplies the signing key in local mode when CONSENT_SIGNING_KEY is unset. */
  localSigningKey?: (dataDir: string) => string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MIN_SIGNING_KEY_LENGTH = 32;

/** Validates the settings in `env` and returns the typed config, or throws ConfigError. */
export function parseConfig(env: Env, options: ParseOptions = {}): Config {
  const problems: ConfigProblem[] = [];
  const problem = (key: SettingKey, message: string): undefined => {
    problems.push({ key, message });
    return undefined;
  };
  const raw = (key: SettingKey): string | undefined => {
    const value = env[key]?.trim();
    return value ? value : undefined;
  };
  const text = (key: SettingKey): string => raw(key) ?? defaultOf(key);
  const integer = (key: SettingKey, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value = text(key);
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      problem(key, `must be a whole number from ${min} to ${max}, got "${value}"`);
      return min;
    }
    return parsed;
  };

  const cosmosEndpoint = raw('COSMOS_ENDPOINT');
  const accountUrl = raw('STORAGE_ACCOUNT_URL');
  // Stand-ins on loopback that outlive one bot process (several processes sharing one store) are still local.
  const ownStandIns = !accountUrl && cosmosEndpoint !== undefined && isLoopbackUrl(cosmosEndpoint);
  const mode: Config['mode'] = (cosmosEndpoint || accountUrl) && !ownStandIns ? 'azure' : 'local';
  if (ownStandIns) checkOwnStandIns(raw, problem);
  const requireInAzure = (key: SettingKey, why: string): string | undefined =>
    raw(key) ?? (mode === 'azure' ? problem(key, `is required outside local mode (${why})`) : undefined);
  const outsideLocal = 'COSMOS_ENDPOINT or STORAGE_ACCOUNT_URL is set';
  requireInAzure('COSMOS_ENDPOINT', 'STORAGE_ACCOUNT_URL is set; give both or neither');
  requireInAzure('STORAGE_ACCOUNT_URL', 'COSMOS_ENDPOINT is set; give both or neither');
  if (cosmosEndpoint) checkUrl('COSMOS_ENDPOINT', cosmosEndpoint, problem);
  if (accountUrl) checkUrl('STORAGE_ACCOUNT_URL', accountUrl, problem);

  const port = integer('PORT', 0, 65_535);
  const publicUrl = requireInAzure('PUBLIC_URL', 'links and HSTS need the real address') ?? `http://localhost:${port}`;
  checkUrl('PUBLIC_URL', publicUrl, problem);
  if (mode === 'azure' && raw('PUBLIC_URL') && publicUrl.startsWith('http:'))
    problem('PUBLIC_URL', 'must be https outside local mode');

  const bot = parseBotIdentity(raw, problem, mode === 'azure' ? outsideLocal : undefined);

  const operatorTenantId = (
    requireInAzure('OPERATOR_TENANT_ID', "reviewers belong to the program operator's tenant") ??
    text('OPERATOR_TENANT_ID')
  ).toLowerCase();
  if (!isTenantId(operatorTenantId))
    problem('OPERATOR_TENANT_ID', 'must be a GUID (the Entra tenant id of the program operator)');

  const azureClientId = raw('AZURE_CLIENT_ID');
  if (azureClientId && !GUID.test(azureClientId))
    problem('AZURE_CLIENT_ID', 'must be a GUID (the managed identity client id)');

  const poeContainer = text('POE_CONTAINER');
  if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(poeContainer)) {
    problem('POE_CONTAINER', 'must be a Blob container name: 3-63 lowercase letters, digits and single hyphens');
  }

  const poeDownloadHosts = parseHostPatterns(text('POE_DOWNLOAD_HOSTS'));
  if (!poeDownloadHosts)
    problem(
      'POE_DOWNLOAD_HOSTS',
      'must be comma-separated host names, each optionally starting with *. (e.g. *.sharepoint.com)',
    );
  const entraAuthorityHost = text('ENTRA_AUTHORITY_HOST').toLowerCase();
  if (!/^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?$/.test(entraAuthorityHost))
    problem('ENTRA_AUTHORITY_HOST', 'must be a host name such as login.microsoftonline.com');

  const dataDir = path.resolve(options.cwd ?? process.cwd(), text('DATA_DIR'));
  let consentSigningKey = raw('CONSENT_SIGNING_KEY');
  if (!consentSigningKey) {
    if (mode === 'azure') problem('CONSENT_SIGNING_KEY', `is required outside local mode (${outsideLocal})`);
    else consentSigningKey = options.localSigningKey?.(dataDir);
    if (mode === 'local' && !consentSigningKey)
      problem('CONSENT_SIGNING_KEY', 'is not set and no local key could be generated');
  } else if (consentSigningKey.length < MIN_SIGNING_KEY_LENGTH) {
    problem('CONSENT_SIGNING_KEY', `must be at least ${MIN_SIGNING_KEY_LENGTH} characters`);
  }

  const country = text('CALENDAR_COUNTRY').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country) || !new Holidays().getCountries()[country]) {
    problem(
      'CALENDAR_COUNTRY',
      `"${country}" is not a country the holiday calendar knows (use an ISO 3166 code such as US, KR, JP)`,
    );
  }
  const timeZone = text('CALENDAR_TIME_ZONE');
  if (!isTimeZone(timeZone)) problem('CALENDAR_TIME_ZONE', `"${timeZone}" is not an IANA time zone`);

  const optOutWindow = parseWindow(text('OPT_OUT_WINDOW'));
  if (!optOutWindow)
    problem('OPT_OUT_WINDOW', 'must be a number of business days (1-60) or an ISO-8601 duration such as PT2M or P3D');

  const poeOcr = text('POE_OCR').toLowerCase();
  if (poeOcr !== 'on' && poeOcr !== 'off') problem('POE_OCR', `must be on or off, got "${poeOcr}"`);

  const smtpUrl = raw('SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/i.test(smtpUrl)) problem('SMTP_URL', 'must be an smtp:// or smtps:// URL');
  const mailFrom = text('MAIL_FROM');
  if (!/[^\s@<>]+@[^\s@<>]+/.test(mailFrom)) problem('MAIL_FROM', 'must contain an email address');

  const logLevel = text('LOG_LEVEL').toLowerCase();
  if (!isLogLevel(logLevel)) problem('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);

  const config: Config = {
    mode,
    port,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    bot,
    operatorTenantId,
    azureClientId,
    cosmos: {
      endpoint: cosmosEndpoint,
      key: raw('COSMOS_KEY'),
      databaseId: text('COSMOS_DATABASE'),
      localPort: integer('LOCAL_COSMOS_PORT', 0, 65_535),
    },
    blob: {
      accountUrl,
      connectionString: raw('STORAGE_CONNECTION_STRING'),
      poeContainer,
      poeMaxBytes: integer('POE_MAX_BYTES', 1),
      localPort: integer('LOCAL_BLOB_PORT', 0, 65_535),
    },
    poeDownloadHosts: poeDownloadHosts ?? [],
    entraAuthorityHost,
    consentSigningKey: consentSigningKey ?? '',
    calendar: { country, timeZone },
    optOutWindow: optOutWindow ?? { kind: 'businessDays', days: 5, spec: '5' },
    infoDeadlineBusinessDays: integer('INFO_DEADLINE_BUSINESS_DAYS', 1, 365),
    poeMaxAgeMonths: integer('POE_MAX_AGE_MONTHS', 1, 120),
    poeOcr: poeOcr !== 'off',
    mail: { smtpUrl, from: mailFrom },
    appInsightsConnectionString: raw('APPLICATIONINSIGHTS_CONNECTION_STRING'),
    logLevel: isLogLevel(logLevel) ? logLevel : 'info',
    dataDir,
    schedulerIntervalSeconds: integer('SCHEDULER_INTERVAL_SECONDS', 1, 86_400),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function parseBotIdentity(
  raw: (key: SettingKey) => string | undefined,
  problem: (key: SettingKey, message: string) => undefined,
  requiredBecause: string | undefined,
): BotIdentity {
  const appId = raw('MicrosoftAppId') ?? '';
  const typeText = raw('MicrosoftAppType') ?? 'SingleTenant';
  const appType = (['SingleTenant', 'UserAssignedMSI'] as const).find(
    (t) => t.toLowerCase() === typeText.toLowerCase(),
  );
  if (!appType) problem('MicrosoftAppType', `must be SingleTenant or UserAssignedMSI, got "${typeText}"`);
  const tenantId = raw('MicrosoftAppTenantId') ?? '';
  const password = raw('MicrosoftAppPassword');
  if (!appId) {
    if (requiredBecause)
      problem(
        'MicrosoftAppId',
        `is required outside local mode (${requiredBecause}); without it anyone could post activities`,
      );
    return { appId: '', appType: appType ?? 'SingleTenant', tenantId: '' };
  }
  if (!GUID.test(appId)) problem('MicrosoftAppId', 'must be a GUID (the bot registration client id)');
  if (!tenantId) problem('MicrosoftAppTenantId', 'is required when MicrosoftAppId is set');
  else if (!GUID.test(tenantId)) problem('MicrosoftAppTenantId', 'must be a GUID (the tenant id)');
  if (appType === 'SingleTenant' && !password) problem('MicrosoftAppPassword', 'is required for a SingleTenant bot');
  if (appType === 'UserAssignedMSI' && password)
    problem('MicrosoftAppPassword', 'must not be set for UserAssignedMSI (the identity has no secret)');
  return {
    appId,
    appType: appType ?? 'SingleTenant',
    tenantId,
    password: appType === 'SingleTenant' ? password : undefined,
  };
}

/**
 * Local mode on a Cosmos DB stand-in someone runs on loopback: it needs its key, and
 * Blob storage must be theirs too, on loopback (never an Azure account in local mode,
 * where authentication may be off).
 */
function checkOwnStandIns(
  raw: (key: SettingKey) => string | undefined,
  problem: (key: SettingKey, message: string) => undefined,
): void {
  const why = 'COSMOS_ENDPOINT is a stand-in on loopback';
  if (!raw('COSMOS_KEY')) problem('COSMOS_KEY', `is required when ${why}`);
  const connectionString = raw('STORAGE_CONNECTION_STRING');
  if (!connectionString)
    problem('STORAGE_CONNECTION_STRING', `is required when ${why} (the connection string of an Azurite on loopback)`);
  else if (!blobOnLoopback(connectionString))
    problem(
      'STORAGE_CONNECTION_STRING',
      `must point at an Azurite on loopback (BlobEndpoint=http://127.0.0.1:PORT/ACCOUNT) when ${why}`,
    );
}

function isLoopbackUrl(value: string): boolean {
  try {
    const host = new URL(value).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

function blobOnLoopback(connectionString: string): boolean {
  const fields = new Map(
    connectionString.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()] as const;
    }),
  );
  if (fields.get('usedevelopmentstorage')?.toLowerCase() === 'true') return true;
  const blobEndpoint = fields.get('blobendpoint');
  return blobEndpoint !== undefined && isLoopbackUrl(blobEndpoint);
}

function defaultOf(key: SettingKey): string {
  return SETTINGS.find((s) => s.key === key)?.default ?? '';
}

function checkUrl(key: SettingKey, value: string, problem: (key: SettingKey, message: string) => undefined): void {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') problem(key, 'must be an http(s) URL');
  } catch {
    problem(key, `"${value}" is not a URL`);
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * "5" → 5 business days; "PT2M" → two minutes of plain time (years and months are
 * refused by the calendar's parser: their length depends on the date).
 */
export function parseWindow(value: string): WindowSetting | undefined {
  const spec = value.trim().toUpperCase();
  const length = readWindowLength(spec);
  if (length?.kind === 'businessDays' && (length.days < 1 || length.days > 60)) return undefined;
  return length ? { ...length, spec } : undefined;
}

/**
 * KEY=value lines (`#` comments, optional `export`, quotes), by Node's own parser: the
 * one `process.loadEnvFile` uses for `npm run package`, so both read a `.env` alike.
 */
export function parseDotEnv(content: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parseEnv(content)).flatMap(([key, value]) => (value === undefined ? [] : [[key, value]])),
  );
}

/**
 * The local consent-link signing key: generated once and kept under DATA_DIR, so
 * links sent before a restart still verify after it.
 */
export function persistedLocalSigningKey(dataDir: string): string {
  const file = path.join(dataDir, 'consent-signing.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, key, { mode: 0o600 });
  renameSync(temp, file);
  return key;
}

/**
 * Reads `.env` in `cwd` (if present) under the real environment, which wins, and
 * parses the result. The one place the app reads `process.env`.
 */
export function loadConfig(cwd = process.cwd(), env: Env = process.env): Config {
  const dotEnvFile = path.join(cwd, '.env');
  const fromFile = existsSync(dotEnvFile) ? parseDotEnv(readFileSync(dotEnvFile, 'utf8')) : {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value?.trim()) merged[key] = value;
  return parseConfig(merged, { cwd, localSigningKey: persistedLocalSigningKey });
}

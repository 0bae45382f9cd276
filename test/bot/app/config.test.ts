import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ConfigError,
  SETTINGS,
  loadConfig,
  parseConfig,
  parseDotEnv,
  parseWindow,
  type Env,
} from '../../../bot/app/config';

const LOCAL_KEY = 'k'.repeat(32);
const APP_ID = '11111111-2222-3333-4444-555555555555';
const TENANT = '66666666-7777-8888-9999-000000000000';

/** A complete Azure configuration with a user-assigned managed identity. */
const AZURE: Env = {
  COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
  STORAGE_ACCOUNT_URL: 'https://acct.blob.core.windows.net',
  PUBLIC_URL: 'https://cpor.example.com',
  MicrosoftAppId: APP_ID,
  MicrosoftAppType: 'UserAssignedMSI',
  MicrosoftAppTenantId: TENANT,
  OPERATOR_TENANT_ID: TENANT,
  AZURE_CLIENT_ID: APP_ID,
  CONSENT_SIGNING_KEY: 'x'.repeat(40),
};

/** Stand-ins someone runs on loopback (one Cosmos DB stand-in and one Azurite shared by several bot processes). */
const OWN_STAND_INS: Env = {
  COSMOS_ENDPOINT: 'https://127.0.0.1:41001/',
  COSMOS_KEY: 'c2VjcmV0',
  STORAGE_CONNECTION_STRING:
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:41002/devstoreaccount1;',
};

const local = (env: Env = {}) => parseConfig(env, { cwd: '/srv/app', localSigningKey: () => LOCAL_KEY });

function problemKeys(env: Env): string[] {
  try {
    local(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    for (const p of e.problems) assert.match(e.message, new RegExp(`${p.key}: `), 'the message names every key');
    return e.keys;
  }
  assert.fail('configuration was accepted');
}

describe('bot/app/config', () => {
  it('runs locally with no settings at all, on the documented defaults', () => {
    const config = local();
    assert.equal(config.mode, 'local');
    assert.equal(config.port, 3978);
    assert.equal(config.publicUrl, 'http://localhost:3978');
    assert.equal(config.bot.appId, '');
    assert.equal(config.cosmos.databaseId, 'cpor');
    assert.equal(config.blob.poeContainer, 'poe');
    assert.equal(config.blob.poeMaxBytes, 26_214_400);
    assert.ok(config.poeDownloadHosts.includes('*.sharepoint.com'));
    assert.equal(config.entraAuthorityHost, 'login.microsoftonline.com');
    assert.equal(config.consentSigningKey, LOCAL_KEY);
    assert.deepEqual(config.optOutWindow, { kind: 'businessDays', days: 5, spec: '5' });
    assert.equal(config.infoDeadlineBusinessDays, 14);
    assert.equal(config.poeOcr, true);
    assert.deepEqual(config.calendar, { country: 'US', timeZone: 'America/Los_Angeles' });
    assert.equal(config.dataDir, path.resolve('/srv/app', '.data'));
    assert.equal(config.schedulerIntervalSeconds, 30);
    assert.equal(config.logLevel, 'info');
  });

  it('derives the default public URL from PORT', () => {
    assert.equal(local({ PORT: '4000' }).publicUrl, 'http://localhost:4000');
  });

  it('is in Azure mode when endpoints are set, and accepts a managed-identity bot without a password', () => {
    const config = local(AZURE);
    assert.equal(config.mode, 'azure');
    assert.deepEqual(config.bot, { appId: APP_ID, appType: 'UserAssignedMSI', tenantId: TENANT, password: undefined });
    assert.equal(config.azureClientId, APP_ID);
  });

  it('stays local on stand-ins someone runs on loopback: their endpoint, key and connection string, no app id needed', () => {
    const config = local(OWN_STAND_INS);
    assert.equal(config.mode, 'local');
    assert.equal(config.bot.appId, '', 'authentication off, as in any local mode');
    assert.deepEqual(
      [config.cosmos.endpoint, config.cosmos.key],
      [OWN_STAND_INS.COSMOS_ENDPOINT, OWN_STAND_INS.COSMOS_KEY],
    );
    assert.equal(config.blob.connectionString, OWN_STAND_INS.STORAGE_CONNECTION_STRING);
    assert.equal(config.blob.accountUrl, undefined);
    assert.equal(config.consentSigningKey, LOCAL_KEY);
    for (const endpoint of ['http://localhost:8081', 'http://[::1]:8081/', 'http://127.0.0.2:8081'])
      assert.equal(local({ ...OWN_STAND_INS, COSMOS_ENDPOINT: endpoint }).mode, 'local', endpoint);
    assert.equal(local({ ...OWN_STAND_INS, STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).mode, 'local');
  });

  const refusals: [string, Env, string[]][] = [
    ['a loopback Cosmos DB stand-in without its key', { ...OWN_STAND_INS, COSMOS_KEY: undefined }, ['COSMOS_KEY']],
    [
      'a loopback Cosmos DB stand-in without an Azurite',
      { ...OWN_STAND_INS, STORAGE_CONNECTION_STRING: undefined },
      ['STORAGE_CONNECTION_STRING'],
    ],
    [
      'a loopback Cosmos DB stand-in with Blob storage elsewhere',
      {
        ...OWN_STAND_INS,
        STORAGE_CONNECTION_STRING:
          'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      },
      ['STORAGE_CONNECTION_STRING'],
    ],
    [
      'a Cosmos DB account off this machine as if it were a stand-in',
      { ...OWN_STAND_INS, COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/' },
      ['STORAGE_ACCOUNT_URL', 'PUBLIC_URL', 'MicrosoftAppId', 'CONSENT_SIGNING_KEY', 'OPERATOR_TENANT_ID'],
    ],
    [
      'a loopback Cosmos DB stand-in next to an Azure Blob account (Azure mode)',
      { ...OWN_STAND_INS, STORAGE_ACCOUNT_URL: AZURE.STORAGE_ACCOUNT_URL },
      ['PUBLIC_URL', 'MicrosoftAppId', 'CONSENT_SIGNING_KEY', 'OPERATOR_TENANT_ID'],
    ],
    ['no MicrosoftAppId outside local mode', { ...AZURE, MicrosoftAppId: undefined }, ['MicrosoftAppId']],
    [
      'only one of the two endpoints',
      {
        STORAGE_ACCOUNT_URL: AZURE.STORAGE_ACCOUNT_URL,
        MicrosoftAppId: APP_ID,
        MicrosoftAppTenantId: TENANT,
        MicrosoftAppType: 'UserAssignedMSI',
        CONSENT_SIGNING_KEY: AZURE.CONSENT_SIGNING_KEY,
        PUBLIC_URL: AZURE.PUBLIC_URL,
        OPERATOR_TENANT_ID: TENANT,
      },
      ['COSMOS_ENDPOINT'],
    ],
    ['no operator tenant outside local mode', { ...AZURE, OPERATOR_TENANT_ID: undefined }, ['OPERATOR_TENANT_ID']],
    ['an operator tenant that is not a tenant id', { OPERATOR_TENANT_ID: 'contoso.com' }, ['OPERATOR_TENANT_ID']],
    ['no signing key outside local mode', { ...AZURE, CONSENT_SIGNING_KEY: undefined }, ['CONSENT_SIGNING_KEY']],
    ['a short signing key', { CONSENT_SIGNING_KEY: 'short' }, ['CONSENT_SIGNING_KEY']],
    ['no tenant with an app id', { ...AZURE, MicrosoftAppTenantId: '' }, ['MicrosoftAppTenantId']],
    ['no password for a SingleTenant bot', { ...AZURE, MicrosoftAppType: 'SingleTenant' }, ['MicrosoftAppPassword']],
    ['a password with a managed identity', { ...AZURE, MicrosoftAppPassword: 'secret' }, ['MicrosoftAppPassword']],
    ['an unknown app type', { ...AZURE, MicrosoftAppType: 'MultiTenant' }, ['MicrosoftAppType']],
    ['an app id that is not a GUID', { ...AZURE, MicrosoftAppId: 'my-bot' }, ['MicrosoftAppId']],
    ['plain http public URL in Azure', { ...AZURE, PUBLIC_URL: 'http://cpor.example.com' }, ['PUBLIC_URL']],
    ['no public URL in Azure', { ...AZURE, PUBLIC_URL: undefined }, ['PUBLIC_URL']],
    ['a port that is not a number', { PORT: 'eighty' }, ['PORT']],
    ['a port out of range', { PORT: '70000' }, ['PORT']],
    ['a zero size limit', { POE_MAX_BYTES: '0' }, ['POE_MAX_BYTES']],
    ['an unknown country', { CALENDAR_COUNTRY: 'XX' }, ['CALENDAR_COUNTRY']],
    ['an unknown time zone', { CALENDAR_TIME_ZONE: 'Mars/Olympus' }, ['CALENDAR_TIME_ZONE']],
    ['a window that is neither days nor a duration', { OPT_OUT_WINDOW: 'five' }, ['OPT_OUT_WINDOW']],
    ['a window in months', { OPT_OUT_WINDOW: 'P1M' }, ['OPT_OUT_WINDOW']],
    ['a log level pino lacks', { LOG_LEVEL: 'verbose' }, ['LOG_LEVEL']],
    ['an invalid container name', { POE_CONTAINER: 'PoE_Files' }, ['POE_CONTAINER']],
    ['OCR neither on nor off', { POE_OCR: 'yes' }, ['POE_OCR']],
    ['a non-SMTP mail URL', { SMTP_URL: 'http://mail.example.com' }, ['SMTP_URL']],
    [
      'a download host list with a URL in it',
      { POE_DOWNLOAD_HOSTS: '*.sharepoint.com,https://evil.example/x' },
      ['POE_DOWNLOAD_HOSTS'],
    ],
    ['a download host list that allows everything', { POE_DOWNLOAD_HOSTS: '*' }, ['POE_DOWNLOAD_HOSTS']],
    [
      'an authority host that is a URL',
      { ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.com/' },
      ['ENTRA_AUTHORITY_HOST'],
    ],
    [
      'several mistakes at once, all reported',
      { PORT: 'x', LOG_LEVEL: 'loud', OPT_OUT_WINDOW: '0' },
      ['PORT', 'OPT_OUT_WINDOW', 'LOG_LEVEL'],
    ],
  ];
  for (const [name, env, keys] of refusals) {
    it(`refuses ${name}, naming ${keys.join(', ')}`, () => {
      assert.deepEqual(problemKeys(env).sort(), [...keys].sort());
    });
  }

  it('turns OCR off with POE_OCR=off, in any case', () => {
    assert.equal(local({ POE_OCR: 'off' }).poeOcr, false);
    assert.equal(local({ POE_OCR: ' OFF ' }).poeOcr, false);
    assert.equal(local({ POE_OCR: 'On' }).poeOcr, true);
  });

  it('reads OPT_OUT_WINDOW as business days or an ISO-8601 duration', () => {
    assert.deepEqual(parseWindow('5'), { kind: 'businessDays', days: 5, spec: '5' });
    assert.deepEqual(parseWindow(' pt2m '), { kind: 'duration', milliseconds: 120_000, spec: 'PT2M' });
    assert.deepEqual(parseWindow('P1DT1H'), { kind: 'duration', milliseconds: 90_000_000, spec: 'P1DT1H' });
    assert.deepEqual(parseWindow('P1W'), { kind: 'duration', milliseconds: 604_800_000, spec: 'P1W' });
    assert.equal(parseWindow('61'), undefined);
    assert.equal(parseWindow('PT'), undefined);
    assert.equal(parseWindow('P'), undefined);
    assert.equal(parseWindow('PT0S'), undefined);
    assert.equal(parseWindow('0'), undefined);
    assert.equal(parseWindow('-3'), undefined);
  });

  it('parses a .env file: comments, export, quotes', () => {
    assert.deepEqual(
      parseDotEnv(
        '# comment\nPORT=4001\nexport LOG_LEVEL=debug\nMAIL_FROM="Bot <bot@example.com>"\nX=\'a # b\'\nY=plain # trailing\n\nnot a line',
      ),
      { PORT: '4001', LOG_LEVEL: 'debug', MAIL_FROM: 'Bot <bot@example.com>', X: 'a # b', Y: 'plain' },
    );
  });

  it('loads .env under the real environment, and keeps the generated local signing key across starts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cpor-config-'));
    writeFileSync(path.join(dir, '.env'), 'PORT=4001\nLOG_LEVEL=debug\n');
    const first = loadConfig(dir, { LOG_LEVEL: 'warn' });
    assert.equal(first.port, 4001);
    assert.equal(first.logLevel, 'warn', 'the environment wins over .env');
    assert.ok(first.consentSigningKey.length >= 32);
    assert.equal(readFileSync(path.join(dir, '.data', 'consent-signing.key'), 'utf8'), first.consentSigningKey);
    assert.equal(loadConfig(dir, {}).consentSigningKey, first.consentSigningKey);
  });

  it('describes every setting once, and documents each in .env.example', () => {
    const keys = SETTINGS.map((s) => s.key);
    assert.equal(new Set(keys).size, keys.length);
    const example = readFileSync(path.join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
    for (const key of keys) assert.match(example, new RegExp(`^#? ?${key}=`, 'm'), `${key} is in .env.example`);
  });

  it('marks every secret setting as secret', () => {
    const secrets = SETTINGS.filter((s) => s.secret)
      .map((s) => s.key)
      .sort();
    assert.deepEqual(secrets, [
      'CONSENT_SIGNING_KEY',
      'COSMOS_KEY',
      'MicrosoftAppPassword',
      'SMTP_URL',
      'STORAGE_CONNECTION_STRING',
    ]);
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../bot/app/config';
import { CONTAINERS, containerDefinition } from '../../storage/cosmosSchema';
import { GENERATED_PREFIX } from '../../storage/downloadLinks';
import {
  blockAfter,
  objectEntries,
  params,
  parseLiteral,
  propertyOf,
  resourceBlocks,
  simpleVar,
  stripComments,
  type Literal,
} from './bicepText';

const ROOT = join(__dirname, '..', '..');
const INFRA = join(ROOT, 'infra');
const bicep = stripComments(readFileSync(join(INFRA, 'main.bicep'), 'utf8'));
const resources = resourceBlocks(bicep);

/** App Service settings that the platform reads, not the app (so not in SETTINGS). */
const PLATFORM_SETTINGS = new Set([
  // Makes Oryx run `npm install` and `npm run build` on deployment.
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
]);

function resourcesOfType(type: string): { name: string; body: string }[] {
  return resources.filter((r) => r.type === type);
}

function onlyResource(type: string): string {
  const found = resourcesOfType(type);
  assert.equal(found.length, 1, `expected exactly one ${type}`);
  return found[0]!.body;
}

const appSettings = objectEntries(blockAfter(bicep, /^var\s+appSettings\s*=\s*/m));

describe('infra/main.bicep', () => {
  describe('app settings', () => {
    it('sets every setting the app reads in Azure, and nothing the app ignores', () => {
      const expected = SETTINGS.filter((s) => !s.localOnly)
        .map((s) => s.key)
        .sort();
      const set = [...appSettings.keys()].filter((k) => !PLATFORM_SETTINGS.has(k)).sort();
      assert.deepEqual(set, expected);
    });

    it('never sets a local-only setting (keys, connection strings, local ports)', () => {
      for (const setting of SETTINGS.filter((s) => s.localOnly)) {
        assert.ok(!appSettings.has(setting.key), `${setting.key} is local-only and must not be set in Azure`);
      }
    });

    it('gives every secret as a Key Vault reference (or nothing), never as plain text', () => {
      for (const setting of SETTINGS.filter((s) => s.secret && !s.localOnly)) {
        const value = appSettings.get(setting.key) ?? '';
        assert.match(value, /keyVaultReference\(/, `${setting.key} must come from Key Vault`);
        assert.doesNotMatch(value, /^'[^']+'$/, `${setting.key} must not be a literal`);
      }
      assert.match(bicep, /^func\s+keyVaultReference\(.*\)\s*string\s*=>\s*'@Microsoft\.KeyVault\(SecretUri=/m);
    });

    it('uses the same defaults as the app where a setting comes straight from a parameter', () => {
      const deliberatelyDifferent = new Set<string>();
      const declared = params(bicep);
      let compared = 0;
      for (const setting of SETTINGS.filter(
        (s) => s.default !== undefined && appSettings.has(s.key) && !deliberatelyDifferent.has(s.key),
      )) {
        const source = /^(?:string\((\w+)\)|(\w+))$/.exec(appSettings.get(setting.key)!);
        const param = source && declared.get(source[1] ?? source[2]!);
        if (!param?.defaultValue) continue;
        assert.equal(
          String(parseLiteral(param.defaultValue)),
          setting.default,
          `${setting.key}: Bicep default differs from bot/app/config.ts`,
        );
        compared++;
      }
      assert.ok(compared >= 5, `only ${compared} defaults compared: the check has stopped seeing the parameters`);
    });

    it('names the database and PoE container the app defaults to', () => {
      const defaultOf = (key: string): string | undefined => SETTINGS.find((s) => s.key === key)?.default;
      assert.equal(parseLiteral(simpleVar(bicep, 'cosmosDatabaseName')), defaultOf('COSMOS_DATABASE'));
      assert.equal(parseLiteral(simpleVar(bicep, 'poeContainerName')), defaultOf('POE_CONTAINER'));
      assert.equal(appSettings.get('COSMOS_DATABASE'), 'cosmosDatabaseName');
      assert.equal(appSettings.get('POE_CONTAINER'), 'poeContainerName');
      assert.equal(
        propertyOf(onlyResource('Microsoft.DocumentDB/databaseAccounts/sqlDatabases'), 'name'),
        'cosmosDatabaseName',
      );
      assert.equal(
        propertyOf(onlyResource('Microsoft.Storage/storageAccounts/blobServices/containers'), 'name'),
        'poeContainerName',
      );
    });

    it('applies the settings to the web app', () => {
      const config = onlyResource('Microsoft.Web/sites/config');
      assert.equal(propertyOf(config, 'name'), "'appsettings'");
      assert.equal(propertyOf(config, 'properties'), 'appSettings');
    });
  });

  describe('Cosmos DB containers', () => {
    const declared = parseLiteral(blockAfter(bicep, /^var\s+cosmosContainers\s*=\s*/m)) as Record<string, Literal>[];

    it('declares exactly the containers, keys, indexes and TTL of storage/cosmosSchema.ts', () => {
      const expected = CONTAINERS.map((spec) => ({
        id: spec.id,
        partitionKeyPath: spec.partitionKeyPath,
        uniqueKeys: spec.uniqueKeys.map((paths) => ({ paths })),
        compositeIndexes: spec.compositeIndexes,
        defaultTtl: spec.defaultTtl ?? null,
      }));
      assert.deepEqual(declared, expected);
    });

    it('keys the bot-state container on /id, as CosmosDbPartitionedStorage requires', () => {
      const botState = CONTAINERS.find((c) => c.name === 'botState')!;
      assert.equal(declared.find((c) => c.id === botState.id)?.partitionKeyPath, '/id');
    });

    it('creates one container per entry, wiring every declared field and the same indexing policy', () => {
      const loop = resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
      assert.equal(loop.length, 1);
      const body = loop[0]!.body;
      const variable = /^\[\s*for\s+(\w+)\s+in\s+cosmosContainers\s*:/.exec(body)?.[1];
      assert.ok(variable, 'the container resource must loop over cosmosContainers');
      for (const field of ['id', 'partitionKeyPath', 'uniqueKeys', 'compositeIndexes', 'defaultTtl']) {
        assert.match(body, new RegExp(`\\b${variable}\\.${field}\\b`), `${field} is declared but not used`);
      }
      const policy = containerDefinition(CONTAINERS[0]!).indexingPolicy!;
      assert.equal(propertyOf(body, 'indexingMode'), `'${policy.indexingMode}'`);
      assert.equal(propertyOf(body, 'automatic'), String(policy.automatic));
      assert.deepEqual(parseLiteral(propertyOf(body, 'includedPaths')!), policy.includedPaths);
      assert.deepEqual(parseLiteral(propertyOf(body, 'excludedPaths')!), policy.excludedPaths);
    });
  });

  describe('generated documents', () => {
    interface LifecycleRule {
      name: string;
      enabled: boolean;
      type: string;
      definition: {
        filters: { blobTypes: string[]; prefixMatch?: string[] };
        actions: Record<string, { delete?: Record<string, number> }>;
      };
    }
    const policy = onlyResource('Microsoft.Storage/storageAccounts/managementPolicies');
    // The prefix is written as '${poeContainerName}/…': resolve the variable, whose value another test ties to POE_CONTAINER.
    const poeContainer = String(parseLiteral(simpleVar(bicep, 'poeContainerName')));
    const rules = parseLiteral(
      blockAfter(policy.replaceAll('${poeContainerName}', poeContainer), /rules\s*:\s*/),
    ) as unknown as LifecycleRule[];
    const generatedPrefix = `${SETTINGS.find((s) => s.key === 'POE_CONTAINER')?.default}/${GENERATED_PREFIX}/`;

    it("is the storage account's one lifecycle policy", () => {
      assert.equal(propertyOf(policy, 'parent'), 'storage');
      assert.equal(propertyOf(policy, 'name'), "'default'");
    });

    it('deletes blobs under poe/generated/ (storage/downloadLinks.ts) a day after creation, versions too', () => {
      assert.equal(generatedPrefix, 'poe/generated/');
      const rule = rules.find((r) => r.definition.filters.prefixMatch?.includes(generatedPrefix));
      assert.ok(rule, `no rule matches ${generatedPrefix}`);
      assert.equal(rule.enabled, true);
      assert.equal(rule.type, 'Lifecycle');
      assert.deepEqual(rule.definition.filters.blobTypes, ['blockBlob']);
      // Download links live 24 hours at most, so a blob older than a day is never needed.
      assert.deepEqual(rule.definition.actions.baseBlob?.delete, { daysAfterCreationGreaterThan: 1 });
      // Versioning keeps a deleted blob as a previous version: without this it would stay.
      assert.deepEqual(rule.definition.actions.version?.delete, { daysAfterCreationGreaterThan: 1 });
    });

    it('never deletes anything outside generated/: PoE files are evidence', () => {
      assert.ok(rules.length > 0);
      for (const rule of rules) {
        const prefixes = rule.definition.filters.prefixMatch ?? [];
        assert.ok(prefixes.length > 0, `${rule.name} has no prefix, so it would reach every blob`);
        for (const prefix of prefixes) assert.ok(prefix.startsWith(generatedPrefix), `${rule.name} reaches ${prefix}`);
      }
    });
  });

  describe('security posture', () => {
    const infraFiles = readdirSync(INFRA)
      .map((file) => join(INFRA, file))
      .concat(join(ROOT, 'azure.yaml'));

    it('reads no account keys and builds no key-bearing connection strings', () => {
      for (const file of infraFiles) {
        const text = readFileSync(file, 'utf8');
        for (const forbidden of [
          /listKeys\(/i,
          /AccountKey=/i,
          /primaryMasterKey/i,
          /listConnectionStrings/i,
          /SharedAccessKey/i,
        ]) {
          assert.doesNotMatch(text, forbidden, `${file} contains ${forbidden}`);
        }
      }
    });

    it('turns key auth off on Cosmos DB and Storage, and keeps blobs private', () => {
      const cosmos = onlyResource('Microsoft.DocumentDB/databaseAccounts');
      assert.equal(propertyOf(cosmos, 'disableLocalAuth'), 'true');
      const storage = onlyResource('Microsoft.Storage/storageAccounts');
      assert.equal(propertyOf(storage, 'kind'), "'StorageV2'");
      assert.equal(propertyOf(storage, 'allowBlobPublicAccess'), 'false');
      assert.equal(propertyOf(storage, 'allowSharedKeyAccess'), 'false');
      assert.equal(propertyOf(storage, 'minimumTlsVersion'), "'TLS1_2'");
      assert.equal(propertyOf(storage, 'supportsHttpsTrafficOnly'), 'true');
      assert.equal(
        propertyOf(onlyResource('Microsoft.Storage/storageAccounts/blobServices/containers'), 'publicAccess'),
        "'None'",
      );
    });

    it('keeps PoE and claims recoverable: blob versioning and soft delete, Cosmos continuous backup', () => {
      const blobs = onlyResource('Microsoft.Storage/storageAccounts/blobServices');
      assert.equal(propertyOf(blobs, 'isVersioningEnabled'), 'true');
      assert.match(propertyOf(blobs, 'deleteRetentionPolicy')!, /enabled:\s*true/);
      assert.match(propertyOf(blobs, 'containerDeleteRetentionPolicy')!, /enabled:\s*true/);
      assert.match(
        blockAfter(onlyResource('Microsoft.DocumentDB/databaseAccounts'), /backupPolicy\s*:\s*/),
        /type:\s*'Continuous'/,
      );
    });

    it('runs the web app on Node 24 over https only, with its health check and the identity', () => {
      const site = onlyResource('Microsoft.Web/sites');
      const expectations: Record<string, string> = {
        httpsOnly: 'true',
        linuxFxVersion: "'NODE|24-lts'",
        healthCheckPath: "'/healthz'",
        alwaysOn: 'true',
        ftpsState: "'Disabled'",
        minTlsVersion: "'1.2'",
        keyVaultReferenceIdentity: 'identity.id',
      };
      for (const [key, value] of Object.entries(expectations)) assert.equal(propertyOf(site, key), value, key);
      assert.match(site, /userAssignedIdentities:\s*\{\s*'\$\{identity\.id\}'/);
      assert.match(propertyOf(site, 'tags')!, /'azd-service-name':\s*'bot'/);
    });

    it('keeps Key Vault on RBAC with soft delete and purge protection', () => {
      const vault = onlyResource('Microsoft.KeyVault/vaults');
      for (const key of ['enableRbacAuthorization', 'enableSoftDelete', 'enablePurgeProtection'])
        assert.equal(propertyOf(vault, key), 'true', key);
      assert.ok(
        resourcesOfType('Microsoft.KeyVault/vaults/secrets').some(
          (s) => propertyOf(s.body, 'name') === 'consentSigningKeySecretName',
        ),
      );
    });

    it('grants the managed identity exactly the data roles it needs', () => {
      const roleIds: Record<string, string> = {
        storageBlobDataContributorRoleId: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
        keyVaultSecretsUserRoleId: '4633458b-17de-408a-b874-0445c86b69e6',
        cosmosDataContributorRoleId: '00000000-0000-0000-0000-000000000002',
      };
      for (const [name, id] of Object.entries(roleIds)) assert.equal(parseLiteral(simpleVar(bicep, name)), id, name);
      const assignments = [
        ...resourcesOfType('Microsoft.Authorization/roleAssignments'),
        ...resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments'),
      ];
      for (const name of Object.keys(roleIds)) {
        const forIdentity = assignments.filter(
          (a) => a.body.includes(name) && propertyOf(a.body, 'principalId') === 'identity.properties.principalId',
        );
        assert.equal(forIdentity.length, 1, `one assignment of ${name} to the managed identity`);
      }
    });

    it('registers the bot as an Azure Bot on /api/messages with the Teams channel', () => {
      const bot = onlyResource('Microsoft.BotService/botServices');
      assert.equal(propertyOf(bot, 'kind'), "'azurebot'");
      assert.equal(propertyOf(bot, 'endpoint'), "'https://${publicHost}/api/messages'");
      assert.equal(propertyOf(bot, 'msaAppType'), 'botAppType');
      assert.match(propertyOf(bot, 'msaAppMSIResourceId')!, /identity\.id/);
      const channel = onlyResource('Microsoft.BotService/botServices/channels');
      assert.equal(propertyOf(channel, 'name'), "'MsTeamsChannel'");
      assert.equal(propertyOf(channel, 'channelName'), "'MsTeamsChannel'");
      assert.equal(
        appSettings.get('PUBLIC_URL'),
        "'https://${publicHost}'",
        'the app and the bot must agree on the host',
      );
      assert.equal(appSettings.get('MicrosoftAppType'), 'botAppType');
    });

    it('uses only dated, non-preview API versions', () => {
      assert.ok(resources.length >= 20, `found only ${resources.length} resources`);
      for (const r of resources)
        assert.match(r.apiVersion, /^\d{4}-\d{2}-\d{2}$/, `${r.name}: ${r.type}@${r.apiVersion}`);
    });
  });

  describe('azd wiring', () => {
    it('maps every parameter in main.parameters.json to a Bicep parameter, and supplies every required one', () => {
      const file = JSON.parse(readFileSync(join(INFRA, 'main.parameters.json'), 'utf8')) as {
        parameters: Record<string, unknown>;
      };
      const declared = params(bicep);
      for (const name of Object.keys(file.parameters))
        assert.ok(declared.has(name), `${name} is not a parameter of main.bicep`);
      for (const [name, param] of declared) {
        if (param.defaultValue === undefined)
          assert.ok(name in file.parameters, `required parameter ${name} is not supplied`);
      }
    });

    it('deploys the service "bot" from this folder to App Service, as Node', () => {
      const yaml = readFileSync(join(ROOT, 'azure.yaml'), 'utf8');
      const service = /^services:\s*\n\s+bot:\s*\n((?:\s{4,}.+\n?)+)/m.exec(yaml)?.[1] ?? '';
      assert.match(service, /^\s+project:\s*\.\s*$/m);
      assert.match(service, /^\s+language:\s*js\s*$/m);
      assert.match(service, /^\s+host:\s*appservice\s*$/m);
    });

    it('defaults to a bot other organisations can install: SingleTenant on the multi-tenant app registration given, documented', () => {
      const declared = params(bicep);
      assert.equal(parseLiteral(declared.get('botAppType')?.defaultValue ?? "''"), 'SingleTenant');
      const file = JSON.parse(readFileSync(join(INFRA, 'main.parameters.json'), 'utf8')) as {
        parameters: Record<string, { value: string }>;
      };
      assert.equal(file.parameters.botAppType?.value, '${BOT_APP_TYPE=SingleTenant}');
      assert.equal(file.parameters.botAppId?.value, '${BOT_APP_ID}');
      assert.equal(file.parameters.botAppPassword?.value, '${BOT_APP_PASSWORD}');
      const bot = onlyResource('Microsoft.BotService/botServices');
      assert.match(propertyOf(bot, 'msaAppId')!, /: botAppId$/, 'a SingleTenant bot is the app registration');
      assert.match(
        propertyOf(bot, 'msaAppTenantId')!,
        /: tenant\(\)\.tenantId$/,
        "registered in the deployment's tenant",
      );
      assert.match(appSettings.get('MicrosoftAppId')!, /: botAppId$/);
      assert.match(appSettings.get('MicrosoftAppPassword')!, /keyVaultReference/);
      const deploy = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
      assert.match(
        deploy,
        /--sign-in-audience AzureADMultipleOrgs/,
        'the one manual step: a multi-tenant app registration',
      );
      assert.match(deploy, /azd env set BOT_APP_ID/);
      assert.match(deploy, /Manage apps → Upload new app/, "how a partner's Teams admin installs it");
    });

    it("gives the app the operator's tenant: the parameter, else the deployment's own tenant", () => {
      assert.equal(
        appSettings.get('OPERATOR_TENANT_ID'),
        'empty(operatorTenantId) ? tenant().tenantId : operatorTenantId',
      );
      assert.equal(params(bicep).get('operatorTenantId')?.defaultValue, "''");
      const file = JSON.parse(readFileSync(join(INFRA, 'main.parameters.json'), 'utf8')) as {
        parameters: Record<string, { value: string }>;
      };
      assert.equal(file.parameters.operatorTenantId?.value, '${OPERATOR_TENANT_ID}');
    });

    it('outputs the values `npm run package` and azd need', () => {
      for (const name of ['PUBLIC_URL', 'MicrosoftAppId', 'WEB_APP_NAME', 'AZURE_RESOURCE_GROUP']) {
        assert.match(bicep, new RegExp(`^output\\s+${name}\\s+string\\s*=`, 'm'), name);
      }
    });
  });
});

describe('the Bicep text reader', () => {
  it('keeps // inside strings and drops comments', () => {
    assert.equal(stripComments("a: 'https://x' // note\n/* b */c"), "a: 'https://x' \nc");
  });

  it('parses nested literals with newline and comma separators', () => {
    const text = "[\n  {\n    a: 'x'\n    b: [ { p: '/q', n: -1 }, true ]\n    c: null\n  }\n]";
    assert.deepEqual(parseLiteral(text), [{ a: 'x', b: [{ p: '/q', n: -1 }, true], c: null }]);
  });

  it('refuses an expression where a literal is required', () => {
    assert.throws(() => parseLiteral('concat(a, b)'), /not a literal/);
    assert.throws(() => parseLiteral("'${x}'"), /interpolated/);
  });
});

// CPOR Claims Bot on Azure: App Service (Node 24) + Azure Bot (Teams channel) + Cosmos DB
// for NoSQL + Blob storage + Key Vault + Application Insights, all reached by one
// user-assigned managed identity. No account keys or key-bearing connection strings
// anywhere: Cosmos DB and Storage have key auth switched off, secrets live in Key Vault.
//
// Deploy with `azd up` (parameters from main.parameters.json) or
// `az deployment group create -g <rg> -f infra/main.bicep -p environmentName=... consentSigningKey=...`.
// See docs/deploy.md.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------- parameters

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd: AZURE_ENV_NAME); seeds every resource name.')
param environmentName string

@description('Region for every regional resource (azd: AZURE_LOCATION).')
param location string = resourceGroup().location

@description('Object id of the person or pipeline deploying (azd: AZURE_PRINCIPAL_ID). When set, it also gets data access to Cosmos DB and Blob storage, e.g. for `npm run seed`.')
param principalId string = ''

@secure()
@minLength(32)
@description('Key that signs customer consent links. Keep it stable: changing it invalidates links already sent.')
param consentSigningKey string

// Partners and the operator are separate tenants. Azure creates no multi-tenant bot
// registrations any more; Microsoft's guidance for bots other organisations install is a
// SingleTenant bot whose Entra app registration is multi-tenant ("accounts in any
// organizational directory"), hence the default. A managed identity exists only in its
// home tenant: UserAssignedMSI suits a deployment used by one organisation only.
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
])
@description('SingleTenant (default): the multi-tenant Entra app registration you created (botAppId, botAppPassword), so users of other organisations can install and use the bot. UserAssignedMSI: the bot authenticates as the managed identity (no secret), for a single organisation.')
param botAppType string = 'SingleTenant'

@description('SingleTenant: client id of the bot\'s multi-tenant Entra app registration (docs/deploy.md, "Bot identity").')
param botAppId string = ''

@secure()
@description('SingleTenant: client secret of the bot\'s Entra app registration (stored in Key Vault).')
param botAppPassword string = ''

@description('Entra tenant id of the program operator, whose organisation holds the reviewers and operator admins. Empty: the tenant this deployment runs in.')
param operatorTenantId string = ''

@allowed([
  'F0'
  'S1'
])
@description('Azure Bot pricing tier. Teams messages are free on either.')
param botSku string = 'F0'

@allowed([
  'serverless'
  'autoscale'
])
@description('Cosmos DB capacity: serverless (pay per request) or provisioned autoscale throughput shared by the database.')
param cosmosCapacityMode string = 'serverless'

@minValue(1000)
@description('autoscale only: the most RU/s the database may scale to (it scales down to a tenth).')
param cosmosAutoscaleMaxThroughput int = 1000

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
@description('Storage redundancy for the PoE files; ZRS or better where the region offers it.')
param storageSku string = 'Standard_LRS'

@description('App Service plan SKU (Basic or higher: the bot needs Always On for its scheduler).')
param appServicePlanSku string = 'B1'

@secure()
@description('SMTP server for customer emails, e.g. smtps://user:pass@host:465 (stored in Key Vault). Empty: emails are written as .eml files on the instance, which suits only a demo.')
param smtpUrl string = ''

@description('Sender of the emails. Empty: "CPOR Claims Bot <noreply@<app host>>".')
param mailFrom string = ''

@description('Country whose public holidays are not business days (ISO 3166 code).')
param calendarCountry string = 'US'

@description('IANA time zone in which business days are counted.')
param calendarTimeZone string = 'America/Los_Angeles'

@description('Customer opt-out window: business days, or an ISO-8601 duration such as PT2M for a demo.')
param optOutWindow string = '5'

@minValue(1)
@description('Business days a partner has to answer a request for more information.')
param infoDeadlineBusinessDays int = 14

@minValue(1)
@description('Largest proof-of-execution file accepted, in bytes.')
param poeMaxBytes int = 26214400

@description('Hosts attached PoE files may be downloaded from, comma-separated (*.domain = any name under it).')
param poeDownloadHosts string = '*.sharepoint.com,*.sharepoint.us,*.sharepoint-mil.us,*.sharepoint.cn,*.sharepoint.de,*.1drv.com,*.1drv.ms,onedrive.live.com,*.teams.microsoft.com'

@description('Microsoft Entra ID login host asked which tenant a customer domain belongs to (login.microsoftonline.us for US Government).')
param entraAuthorityHost string = 'login.microsoftonline.com'

@minValue(1)
@maxValue(120)
@description('How old the latest date in a proof of execution may be, in months, before the checklist warns.')
param poeMaxAgeMonths int = 12

@allowed([
  'on'
  'off'
])
@description('Whether pictures and scanned PDF pages (the first 3) are read by OCR, in the user\'s language and English.')
param poeOcr string = 'on'

@minValue(1)
@description('How often the scheduler looks for closed opt-out windows and passed deadlines.')
param schedulerIntervalSeconds int = 30

@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

// ---------------------------------------------------------------- names and constants

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var tags = { 'azd-env-name': environmentName }
var webAppName = 'app-${resourceToken}'
var publicHost = '${webAppName}.azurewebsites.net'
var isManagedIdentityBot = botAppType == 'UserAssignedMSI'

// Must equal the app's defaults (COSMOS_DATABASE, POE_CONTAINER); test/infra/bicep.test.ts checks it.
var cosmosDatabaseName = 'cpor'
var poeContainerName = 'poe'

var consentSigningKeySecretName = 'consent-signing-key'
var botPasswordSecretName = 'bot-app-password'
var smtpUrlSecretName = 'smtp-url'

// Built-in role definition ids (the same in every tenant).
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
// Cosmos DB data-plane role "Cosmos DB Built-in Data Contributor".
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

// Exactly the containers of storage/cosmosSchema.ts (CONTAINERS); test/infra/bicep.test.ts
// compares the two, so change both together. defaultTtl: null = TTL off, -1 = on, no default.
var cosmosContainers = [
  {
    id: 'claims'
    partitionKeyPath: '/partnerId'
    uniqueKeys: []
    compositeIndexes: [
      [
        { path: '/status', order: 'ascending' }
        { path: '/submittedAt', order: 'ascending' }
      ]
      [
        { path: '/partnerId', order: 'ascending' }
        { path: '/updatedAt', order: 'descending' }
      ]
    ]
    defaultTtl: null
  }
  {
    id: 'associations'
    partitionKeyPath: '/id'
    uniqueKeys: []
    compositeIndexes: []
    defaultTtl: null
  }
  {
    id: 'partners'
    partitionKeyPath: '/id'
    uniqueKeys: []
    compositeIndexes: []
    defaultTtl: null
  }
  {
    id: 'conversationReferences'
    partitionKeyPath: '/tenantId'
    uniqueKeys: []
    compositeIndexes: []
    defaultTtl: null
  }
  {
    // CosmosDbPartitionedStorage (dialog state) requires /id as the partition key.
    id: 'botState'
    partitionKeyPath: '/id'
    uniqueKeys: []
    compositeIndexes: []
    defaultTtl: null
  }
  {
    id: 'consentNonces'
    partitionKeyPath: '/id'
    uniqueKeys: []
    compositeIndexes: []
    defaultTtl: -1
  }
  {
    // Redelivered activities and sent outbox messages, recorded once; documents set their own ttl.
    id: 'idempotencyRecords'
    partitionKeyPath: '/id'
    uniqueKeys: []
    compositeIndexes: []
    defaultTtl: -1
  }
]

// ---------------------------------------------------------------- identity and monitoring

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${resourceToken}'
  location: location
  tags: tags
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
  }
}

// ---------------------------------------------------------------- Key Vault (secrets)

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${resourceToken}'
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource consentSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: consentSigningKeySecretName
  properties: { value: consentSigningKey }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!isManagedIdentityBot) {
  parent: keyVault
  name: botPasswordSecretName
  properties: { value: botAppPassword }
}

resource smtpUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(smtpUrl)) {
  parent: keyVault
  name: smtpUrlSecretName
  properties: { value: smtpUrl }
}

resource identityReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- Cosmos DB for NoSQL

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'cosmos-${resourceToken}'
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      { locationName: location, failoverPriority: 0, isZoneRedundant: false }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    // Entra ID only: the app signs in with the managed identity, never with account keys.
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: { tier: 'Continuous7Days' }
    }
    capabilities: cosmosCapacityMode == 'serverless' ? [ { name: 'EnableServerless' } ] : []
  }
}

resource cosmosDatabase 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: cosmosDatabaseName
  properties: {
    resource: { id: cosmosDatabaseName }
    // Serverless accounts take no throughput; autoscale is shared by all containers.
    options: cosmosCapacityMode == 'autoscale' ? { autoscaleSettings: { maxThroughput: cosmosAutoscaleMaxThroughput } } : {}
  }
}

resource cosmosContainerResources 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [
  for container in cosmosContainers: {
    parent: cosmosDatabase
    name: container.id
    properties: {
      resource: union({
        id: container.id
        partitionKey: { paths: [ container.partitionKeyPath ], kind: 'Hash', version: 2 }
        uniqueKeyPolicy: { uniqueKeys: container.uniqueKeys }
        // Same policy as containerDefinition() in storage/cosmosSchema.ts.
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: [ { path: '/*' } ]
          excludedPaths: [ { path: '/"_etag"/?' } ]
          compositeIndexes: container.compositeIndexes
        }
      }, container.defaultTtl == null ? {} : { defaultTtl: container.defaultTtl })
    }
  }
]

resource identityUsesCosmos 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: identity.properties.principalId
    scope: cosmos.id
  }
}

resource deployerUsesCosmos 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = if (!empty(principalId)) {
  parent: cosmos
  name: guid(cosmos.id, principalId, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: principalId
    scope: cosmos.id
  }
}

// ---------------------------------------------------------------- Blob storage (proof of execution)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: storageSku }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    // Entra ID only; readers get user-delegation SAS, which needs no account key.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // PoE is evidence: keep deleted or overwritten files recoverable.
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: 30 }
    containerDeleteRetentionPolicy: { enabled: true, days: 30 }
  }
}

resource poeContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: poeContainerName
  properties: { publicAccess: 'None' }
}

// Generated documents (PoE templates, CSV exports: storage/downloadLinks.ts writes them
// under generated/ in the PoE container) are reached only through links that expire
// within a day, so nothing needs them after that. Versioning is on, so a deleted blob
// leaves a previous version behind: the version rule removes it too. Only this prefix:
// PoE files are evidence and are never deleted by a policy.
resource generatedDocumentsExpiry 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'deleteGeneratedDocuments'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ '${poeContainerName}/generated/' ]
            }
            actions: {
              baseBlob: { delete: { daysAfterCreationGreaterThan: 1 } }
              version: { delete: { daysAfterCreationGreaterThan: 1 } }
            }
          }
        }
      ]
    }
  }
}

// Data Contributor also grants generating a user-delegation key, which signs read SAS URLs.
resource identityUsesBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageBlobDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerUsesBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(storage.id, principalId, storageBlobDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: principalId
  }
}

// ---------------------------------------------------------------- App Service

resource appServicePlan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: 'plan-${resourceToken}'
  location: location
  tags: tags
  kind: 'linux'
  sku: { name: appServicePlanSku }
  properties: { reserved: true }
}

// An App Service Key Vault reference to the latest version of a secret, resolved by the
// platform as keyVaultReferenceIdentity. Built from names so that optional secrets need no
// reference to a resource that may not be deployed.
func keyVaultReference(vaultUri string, secretName string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName})'

// Every setting bot/app/config.ts reads except the local-only ones (test/infra/bicep.test.ts
// checks both directions); secrets are Key Vault references.
var appSettings = {
  PORT: '8080' // the port App Service's Node image forwards to
  PUBLIC_URL: 'https://${publicHost}'
  MicrosoftAppId: isManagedIdentityBot ? identity.properties.clientId : botAppId
  MicrosoftAppType: botAppType
  MicrosoftAppTenantId: isManagedIdentityBot ? identity.properties.tenantId : tenant().tenantId
  MicrosoftAppPassword: isManagedIdentityBot ? '' : keyVaultReference(keyVault.properties.vaultUri, botPasswordSecretName)
  OPERATOR_TENANT_ID: empty(operatorTenantId) ? tenant().tenantId : operatorTenantId
  AZURE_CLIENT_ID: identity.properties.clientId
  COSMOS_ENDPOINT: cosmos.properties.documentEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  STORAGE_ACCOUNT_URL: storage.properties.primaryEndpoints.blob
  POE_CONTAINER: poeContainerName
  POE_MAX_BYTES: string(poeMaxBytes)
  POE_DOWNLOAD_HOSTS: poeDownloadHosts
  ENTRA_AUTHORITY_HOST: entraAuthorityHost
  POE_MAX_AGE_MONTHS: string(poeMaxAgeMonths)
  POE_OCR: poeOcr
  CONSENT_SIGNING_KEY: keyVaultReference(keyVault.properties.vaultUri, consentSigningKeySecretName)
  CALENDAR_COUNTRY: calendarCountry
  CALENDAR_TIME_ZONE: calendarTimeZone
  OPT_OUT_WINDOW: optOutWindow
  INFO_DEADLINE_BUSINESS_DAYS: string(infoDeadlineBusinessDays)
  SMTP_URL: empty(smtpUrl) ? '' : keyVaultReference(keyVault.properties.vaultUri, smtpUrlSecretName)
  MAIL_FROM: empty(mailFrom) ? 'CPOR Claims Bot <noreply@${publicHost}>' : mailFrom
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  LOG_LEVEL: logLevel
  SCHEDULER_INTERVAL_SECONDS: string(schedulerIntervalSeconds)
  // Platform, not the app: Oryx installs dependencies and runs `npm run build` on deploy.
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
}

resource webApp 'Microsoft.Web/sites@2024-11-01' = {
  name: webAppName
  location: location
  // azd finds the service's deployment target by this tag.
  tags: union(tags, { 'azd-service-name': 'bot' })
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: appServicePlan.id
    httpsOnly: true
    // Dialog state lives in Cosmos DB, so any instance can serve any turn.
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|24-lts'
      // The compiled build: no TypeScript runner (a dev dependency) in production.
      appCommandLine: 'node dist/bot/index.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
    }
  }
}

resource webAppSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: webApp
  name: 'appsettings'
  properties: appSettings
  // Key Vault references resolve at start-up: the secrets must exist and be readable first.
  dependsOn: [ identityReadsSecrets, consentSigningKeySecret, botPasswordSecret, smtpUrlSecret ]
}

// Deployments authenticate with Entra ID (azd does); no FTP or basic-auth publishing.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: webApp
  name: 'ftp'
  properties: { allow: false }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: webApp
  name: 'scm'
  properties: { allow: false }
}

// ---------------------------------------------------------------- Azure Bot + Teams channel

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${resourceToken}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: { name: botSku }
  properties: {
    displayName: 'CPOR Claims'
    endpoint: 'https://${publicHost}/api/messages'
    msaAppType: botAppType
    msaAppId: isManagedIdentityBot ? identity.properties.clientId : botAppId
    msaAppTenantId: isManagedIdentityBot ? identity.properties.tenantId : tenant().tenantId
    msaAppMSIResourceId: isManagedIdentityBot ? identity.id : ''
    publicNetworkAccess: 'Enabled'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      acceptedTerms: true
    }
  }
}

// ---------------------------------------------------------------- outputs (azd stores them in the environment)

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output WEB_APP_NAME string = webApp.name
// Named as the keys `npm run package` reads, so `azd env get-value` feeds it directly.
output PUBLIC_URL string = 'https://${publicHost}'
output MicrosoftAppId string = bot.properties.msaAppId
output BOT_NAME string = bot.name
output BOT_MESSAGING_ENDPOINT string = bot.properties.endpoint
output AZURE_CLIENT_ID string = identity.properties.clientId
output COSMOS_ENDPOINT string = cosmos.properties.documentEndpoint
output STORAGE_ACCOUNT_URL string = storage.properties.primaryEndpoints.blob
output KEY_VAULT_NAME string = keyVault.name

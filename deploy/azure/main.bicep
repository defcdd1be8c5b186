// community-hub-bot on Azure: several instances behind Container Apps' load balancer, MongoDB (Cosmos DB for
// MongoDB vCore, or Atlas), Azure Bot Service with Direct Line, Azure AI Language, secrets in Key Vault, logs in
// Log Analytics and an availability test in Application Insights.
//
// Step by step: docs/DEPLOYMENT.md. In short:
//   HUB_DEPLOY_APPS=false az deployment group create -g RG -f deploy/azure/main.bicep -p deploy/azure/main.bicepparam
//   (put the Direct Line secret in HUB_DIRECT_LINE_SECRET)
//   az deployment group create -g RG -f deploy/azure/main.bicep -p deploy/azure/main.bicepparam
//
// Secrets arrive as secure parameters (main.bicepparam reads them from HUB_* environment variables) and are written
// to Key Vault; the apps read them from there through Key Vault references. A secret left empty on a later run is
// not written, so the value already in Key Vault stays as it is.

targetScope = 'resourceGroup'

// ---- Names, place, tags ---------------------------------------------------------------------------------------

@description('Short name every resource name starts with, e.g. "rmbc-hub": lower-case letters, digits and hyphens.')
@minLength(3)
@maxLength(12)
param prefix string

@description('Azure region for everything regional. UK South keeps residents\' data in the UK.')
param location string = 'uksouth'

@description('Tags on every resource.')
param tags object = {
  service: 'community-hub-bot'
  environment: 'production'
}

// ---- The app --------------------------------------------------------------------------------------------------

@description('false on the first run: creates everything except the container app and jobs, so the Direct Line secret can be fetched first (see docs/DEPLOYMENT.md).')
param deployApps bool = true

@description('The image to run, e.g. rmbchub.azurecr.io/community-hub-bot:1.0.0 (build it from deploy/Dockerfile).')
param image string

@description('Name of an Azure Container Registry in this resource group that holds the image; the apps pull it with their managed identity. Empty: the image is public.')
param acrName string = ''

@description('Council profile: a folder under councils/.')
param council string = 'rotherham'

@description('The hub\'s own host name once bound, e.g. hub.example.gov.uk. Empty: the Container Apps address is the public URL.')
param customDomain string = ''

@description('After the first bind of customDomain: the managed certificate\'s resource id (az containerapp env certificate list), so redeploying keeps the binding.')
param customDomainCertificateId string = ''

@description('Fewest replicas. Two or more, so one can restart or move while the other serves.')
@minValue(2)
param minReplicas int = 2

@description('Most replicas the HTTP scale rule may add.')
@minValue(2)
param maxReplicas int = 6

@description('Concurrent HTTP requests per replica before another replica is added.')
param concurrentRequestsPerReplica int = 50

@description('Proxies in front of the app that append to X-Forwarded-For (HUB_TRUST_PROXY): 1 for the Container Apps ingress alone, 2 with Azure Front Door or Application Gateway in front of it. The client address for sign-in throttling and the audit log is that many entries from the right.')
@minValue(1)
@maxValue(5)
param trustedProxyHops int = 1

@allowed(['fatal', 'error', 'warn', 'info', 'debug'])
param logLevel string = 'info'

@description('Days Log Analytics keeps logs.')
@minValue(30)
param logRetentionDays int = 90

@description('Where availability alerts go (an IT operations mailbox). Empty: no alert is sent.')
param alertEmail string = ''

@description('Cron (UTC) for the ward digest job: it sends what is due and exits; every 10 minutes is right.')
param digestCron string = '*/10 * * * *'

@description('Cron (UTC) for the retention job: once a day, at a quiet hour.')
param retentionCron string = '30 2 * * *'

// ---- Azure Bot Service --------------------------------------------------------------------------------------------

@description('UserAssignedMSI: the bot signs in as this deployment\'s managed identity (no password to rotate). SingleTenant: an Entra app registration you create, with botAppId and microsoftAppPassword.')
@allowed(['UserAssignedMSI', 'SingleTenant'])
param botAppType string = 'UserAssignedMSI'

@description('SingleTenant only: the app registration\'s Application (client) ID.')
param botAppId string = ''

@description('westeurope: a regional bot, so Bot Service keeps its data in the EU. global: the global service.')
@allowed(['westeurope', 'global'])
param botLocation string = 'westeurope'

@description('S1 for production (Direct Line is a premium channel); F0 for a trial.')
@allowed(['F0', 'S1'])
param botSku string = 'S1'

@description('Name residents see in the chat.')
param botDisplayName string = 'Community hub'

// ---- MongoDB ------------------------------------------------------------------------------------------------------

@description('cosmos-vcore: create an Azure Cosmos DB for MongoDB (vCore) cluster. atlas: use a MongoDB Atlas cluster you run, given by atlasMongoUri.')
@allowed(['cosmos-vcore', 'atlas'])
param mongoMode string = 'cosmos-vcore'

@description('Database name (MONGODB_DB).')
param mongoDb string = 'community-hub'

@description('cosmos-vcore: the cluster\'s administrator name.')
param mongoAdminUser string = 'hubadmin'

@description('cosmos-vcore: compute tier. M30 (2 vCores) suits a council; M10/M20 are burstable, for trials.')
param mongoTier string = 'M30'

@description('cosmos-vcore: storage in GB.')
param mongoStorageGb int = 32

@description('cosmos-vcore: keep a standby in another zone (recommended for production).')
param mongoHighAvailability bool = true

@description('cosmos-vcore: allow connections from Azure services (the Container Apps environment has no fixed outbound address without a virtual network). See docs/DEPLOYMENT.md for private access.')
param mongoAllowAzureServices bool = true

// ---- Optional features (empty: off) -------------------------------------------------------------------------------

@description('Twilio account SID (AC...). Set it to turn SMS on; then twilioPhoneNumber or twilioMessagingServiceSid too.')
param twilioAccountSid string = ''
param twilioPhoneNumber string = ''
param twilioMessagingServiceSid string = ''

@description('Staff sign-in through Entra ID: the issuer, e.g. https://login.microsoftonline.com/<tenant id>/v2.0, and the app registration\'s client ID.')
param oidcIssuerUrl string = ''
param oidcClientId string = ''

@description('How ward digests are emailed: none, smtp (smtpUrl and digestFrom) or notify (notifyApiKey and notifyTemplateId).')
@allowed(['none', 'smtp', 'notify'])
param digestEmail string = 'none'
param digestFrom string = ''
param notifyTemplateId string = ''

// ---- Secrets (empty on a later run: the value in Key Vault is kept) ---------------------------------------------------

@secure()
param hashSecret string = ''
@secure()
param sessionSecret string = ''
@secure()
param metricsToken string = ''
@secure()
param adminApiToken string = ''
@secure()
param directLineSecret string = ''
@secure()
param microsoftAppPassword string = ''
@secure()
param twilioAuthToken string = ''
@secure()
param oidcClientSecret string = ''
@secure()
param smtpUrl string = ''
@secure()
param notifyApiKey string = ''
@description('cosmos-vcore: the administrator password (written into the mongodb-uri secret).')
@secure()
param mongoAdminPassword string = ''
@description('atlas: the full connection string, mongodb+srv://...')
@secure()
param atlasMongoUri string = ''

// ---- Derived names --------------------------------------------------------------------------------------------------

var unique = uniqueString(resourceGroup().id, prefix)
var names = {
  identity: '${prefix}-id'
  keyVault: take('${prefix}-kv-${unique}', 24)
  language: '${prefix}-lang-${take(unique, 6)}'
  bot: '${prefix}-bot-${take(unique, 6)}'
  mongo: '${prefix}-mongo-${take(unique, 6)}'
  environment: '${prefix}-env'
  app: '${prefix}-app'
  digestJob: '${prefix}-digests'
  retentionJob: '${prefix}-retention'
}
var smsOn = !empty(twilioAccountSid)
var oidcOn = !empty(oidcClientId)
var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
}

// ---- Identity ---------------------------------------------------------------------------------------------------------

// One user-assigned identity: it reads Key Vault, pulls the image, and (with UserAssignedMSI) is the bot's identity.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (!empty(acrName)) {
  name: empty(acrName) ? 'unused' : acrName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(acrName)) {
  name: guid(resourceGroup().id, acrName, names.identity, roles.acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
  }
}

// ---- Logs and monitoring ------------------------------------------------------------------------------------------------

// The app writes JSON logs (pino, personal data redacted) to stdout; Container Apps sends them here, to the
// ContainerAppConsoleLogs_CL table. Queries: docs/DEPLOYMENT.md, step 11.
resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-logs'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

// Application Insights holds the availability test (modules/availability.bicep): /readyz from UK and EU locations.
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${prefix}-insights'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// ---- Azure AI Language ------------------------------------------------------------------------------------------------

// Key authentication: services/language uses the SDK's AzureKeyCredential (AZURE_LANGUAGE_KEY), not Entra ID.
resource language 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: names.language
  location: location
  tags: tags
  kind: 'TextAnalytics'
  sku: {
    name: 'S'
  }
  properties: {
    customSubDomainName: names.language
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: false
  }
}

// ---- MongoDB ------------------------------------------------------------------------------------------------------------

resource mongoCluster 'Microsoft.DocumentDB/mongoClusters@2025-09-01' = if (mongoMode == 'cosmos-vcore') {
  name: names.mongo
  location: location
  tags: tags
  properties: {
    administrator: {
      userName: mongoAdminUser
      password: mongoAdminPassword
    }
    serverVersion: '7.0'
    compute: {
      tier: mongoTier
    }
    storage: {
      sizeGb: mongoStorageGb
    }
    sharding: {
      shardCount: 1
    }
    highAvailability: {
      targetMode: mongoHighAvailability ? 'ZoneRedundantPreferred' : 'Disabled'
    }
    publicNetworkAccess: 'Enabled'
  }
}

// 0.0.0.0 is Azure's convention for "Azure services": any Azure-hosted client may try to connect, and must still know
// the password. For private access instead, put the environment in a virtual network and give the cluster a private
// endpoint (docs/DEPLOYMENT.md, "Hardening").
resource mongoFirewall 'Microsoft.DocumentDB/mongoClusters/firewallRules@2025-09-01' = if (mongoMode == 'cosmos-vcore' && mongoAllowAzureServices) {
  parent: mongoCluster
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// ---- Key Vault -----------------------------------------------------------------------------------------------------------

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.keyVault
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

// Secrets given as parameters. Written only when given, so a later run without them keeps what Key Vault holds.
var givenSecrets = [
  { name: 'hash-secret', value: hashSecret }
  { name: 'session-secret', value: sessionSecret }
  { name: 'metrics-token', value: metricsToken }
  { name: 'admin-api-token', value: adminApiToken }
  { name: 'direct-line-secret', value: directLineSecret }
  { name: 'microsoft-app-password', value: microsoftAppPassword }
  { name: 'twilio-auth-token', value: twilioAuthToken }
  { name: 'oidc-client-secret', value: oidcClientSecret }
  { name: 'smtp-url', value: smtpUrl }
  { name: 'notify-api-key', value: notifyApiKey }
  { name: 'mongodb-uri', value: mongoMode == 'atlas' ? atlasMongoUri : '' }
]

resource givenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in filter(givenSecrets, s => !empty(s.value)): {
    parent: vault
    name: secret.name
    properties: {
      value: secret.value
    }
  }
]

// Secrets this template can work out itself, written on every run.
resource languageKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'azure-language-key'
  properties: {
    value: language.listKeys().key1
  }
}

resource vcoreUriSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (mongoMode == 'cosmos-vcore' && !empty(mongoAdminPassword)) {
  parent: vault
  name: 'mongodb-uri'
  properties: {
    // The cluster's connection string has <user> and <password> placeholders. retrywrites=false is part of it:
    // vCore does not support retryable writes.
    value: mongoMode == 'cosmos-vcore' ? replace(replace(mongoCluster.properties.connectionString, '<user>', uriComponent(mongoAdminUser)), '<password>', uriComponent(mongoAdminPassword)) : ''
  }
}

// ---- Container Apps environment (the app's address is needed by the bot and the Twilio settings) ------------------------

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: names.environment
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

var publicUrl = empty(customDomain) ? 'https://${names.app}.${environment.properties.defaultDomain}' : 'https://${customDomain}'
var directLineEndpoint = botLocation == 'westeurope' ? 'https://europe.directline.botframework.com' : 'https://directline.botframework.com'

// ---- Azure Bot ------------------------------------------------------------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: names.bot
  location: botLocation
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: '${publicUrl}/api/messages'
    msaAppType: botAppType
    msaAppId: botAppType == 'UserAssignedMSI' ? identity.properties.clientId : botAppId
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: botAppType == 'UserAssignedMSI' ? identity.id : null
    publicNetworkAccess: 'Enabled'
  }
}

// The web chat page asks our server for a token; the server exchanges the Direct Line secret for it. Azure creates the
// site's keys; they cannot be set here, so the first run is followed by fetching one (docs/DEPLOYMENT.md, step 6).
resource directLine 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'DirectLineChannel'
  location: botLocation
  properties: {
    channelName: 'DirectLineChannel'
    properties: {
      sites: [
        {
          siteName: 'Resident web chat'
          isEnabled: true
          isV1Enabled: false
          isV3Enabled: true
          isSecureSiteEnabled: false
        }
      ]
    }
  }
}

// ---- Settings for the app and the jobs --------------------------------------------------------------------------------------

// Every name here is a key of the config schema in bot/config.ts (test/deploy.test.ts checks it).
var baseEnv = [
  { name: 'NODE_ENV', value: 'production' }
  { name: 'PORT', value: '3978' }
  { name: 'HOST', value: '0.0.0.0' }
  { name: 'COUNCIL', value: council }
  { name: 'LOG_LEVEL', value: logLevel }
  { name: 'PUBLIC_URL', value: publicUrl }
  { name: 'MULTI_INSTANCE', value: 'true' }
  { name: 'HUB_TRUST_PROXY', value: string(trustedProxyHops) }
  { name: 'MONGODB_URI', secretRef: 'mongodb-uri' }
  { name: 'MONGODB_DB', value: mongoDb }
  { name: 'HASH_SECRET', secretRef: 'hash-secret' }
  { name: 'SESSION_SECRET', secretRef: 'session-secret' }
  { name: 'METRICS_TOKEN', secretRef: 'metrics-token' }
  { name: 'ADMIN_API_TOKEN', secretRef: 'admin-api-token' }
  { name: 'MICROSOFT_APP_ID', value: botAppType == 'UserAssignedMSI' ? identity.properties.clientId : botAppId }
  { name: 'MICROSOFT_APP_TYPE', value: botAppType }
  { name: 'MICROSOFT_APP_TENANT_ID', value: tenant().tenantId }
  { name: 'DIRECT_LINE_SECRET', secretRef: 'direct-line-secret' }
  { name: 'DIRECT_LINE_ENDPOINT', value: directLineEndpoint }
  { name: 'AZURE_LANGUAGE_ENDPOINT', value: language.properties.endpoint }
  { name: 'AZURE_LANGUAGE_KEY', secretRef: 'azure-language-key' }
  { name: 'SMS_SIMULATOR', value: 'off' }
  // The Container Apps jobs below send digests and apply retention; see docs/DEPLOYMENT.md for why not the replicas.
  { name: 'DIGEST_SCHEDULE', value: 'off' }
  { name: 'RETENTION_SCHEDULE', value: 'off' }
]
var botPasswordEnv = [
  { name: 'MICROSOFT_APP_PASSWORD', secretRef: 'microsoft-app-password' }
]
var smsEnv = [
  { name: 'TWILIO_ACCOUNT_SID', value: twilioAccountSid }
  { name: 'TWILIO_AUTH_TOKEN', secretRef: 'twilio-auth-token' }
  { name: empty(twilioMessagingServiceSid) ? 'TWILIO_PHONE_NUMBER' : 'TWILIO_MESSAGING_SERVICE_SID', value: empty(twilioMessagingServiceSid) ? twilioPhoneNumber : twilioMessagingServiceSid }
  { name: 'TWILIO_WEBHOOK_URL', value: '${publicUrl}/api/sms' }
]
var oidcEnv = [
  { name: 'OIDC_ISSUER_URL', value: oidcIssuerUrl }
  { name: 'OIDC_CLIENT_ID', value: oidcClientId }
  { name: 'OIDC_CLIENT_SECRET', secretRef: 'oidc-client-secret' }
]
var smtpEnv = [
  { name: 'SMTP_URL', secretRef: 'smtp-url' }
  { name: 'DIGEST_FROM', value: digestFrom }
]
var notifyEnv = [
  { name: 'NOTIFY_API_KEY', secretRef: 'notify-api-key' }
  { name: 'NOTIFY_TEMPLATE_ID', value: notifyTemplateId }
]

var env = concat(
  baseEnv,
  botAppType == 'SingleTenant' ? botPasswordEnv : [],
  smsOn ? smsEnv : [],
  oidcOn ? oidcEnv : [],
  digestEmail == 'smtp' ? smtpEnv : [],
  digestEmail == 'notify' ? notifyEnv : []
)

// Container Apps secrets: each a Key Vault reference (no version: the latest value, picked up on a restart or new
// revision), read with the user-assigned identity. A referenced secret must exist in Key Vault before the app is created.
var vaultUri = vault.properties.vaultUri
var baseSecrets = [
  { name: 'mongodb-uri', keyVaultUrl: '${vaultUri}secrets/mongodb-uri', identity: identity.id }
  { name: 'hash-secret', keyVaultUrl: '${vaultUri}secrets/hash-secret', identity: identity.id }
  { name: 'session-secret', keyVaultUrl: '${vaultUri}secrets/session-secret', identity: identity.id }
  { name: 'metrics-token', keyVaultUrl: '${vaultUri}secrets/metrics-token', identity: identity.id }
  { name: 'admin-api-token', keyVaultUrl: '${vaultUri}secrets/admin-api-token', identity: identity.id }
  { name: 'direct-line-secret', keyVaultUrl: '${vaultUri}secrets/direct-line-secret', identity: identity.id }
  { name: 'azure-language-key', keyVaultUrl: '${vaultUri}secrets/azure-language-key', identity: identity.id }
]
var botPasswordSecrets = [
  { name: 'microsoft-app-password', keyVaultUrl: '${vaultUri}secrets/microsoft-app-password', identity: identity.id }
]
var smsSecrets = [
  { name: 'twilio-auth-token', keyVaultUrl: '${vaultUri}secrets/twilio-auth-token', identity: identity.id }
]
var oidcSecrets = [
  { name: 'oidc-client-secret', keyVaultUrl: '${vaultUri}secrets/oidc-client-secret', identity: identity.id }
]
var smtpSecrets = [
  { name: 'smtp-url', keyVaultUrl: '${vaultUri}secrets/smtp-url', identity: identity.id }
]
var notifySecrets = [
  { name: 'notify-api-key', keyVaultUrl: '${vaultUri}secrets/notify-api-key', identity: identity.id }
]

var secrets = concat(
  baseSecrets,
  botAppType == 'SingleTenant' ? botPasswordSecrets : [],
  smsOn ? smsSecrets : [],
  oidcOn ? oidcSecrets : [],
  digestEmail == 'smtp' ? smtpSecrets : [],
  digestEmail == 'notify' ? notifySecrets : []
)

// ---- The app and its jobs -------------------------------------------------------------------------------------------------

module apps 'modules/containerApps.bicep' = if (deployApps) {
  name: 'apps'
  params: {
    location: location
    tags: tags
    environmentId: environment.id
    identityId: identity.id
    registryServer: empty(acrName) ? '' : '${acrName}.azurecr.io'
    image: image
    appName: names.app
    digestJobName: names.digestJob
    retentionJobName: names.retentionJob
    env: env
    secrets: secrets
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    concurrentRequestsPerReplica: concurrentRequestsPerReplica
    customDomain: customDomain
    customDomainCertificateId: customDomainCertificateId
    digestCron: digestCron
    retentionCron: retentionCron
  }
  dependsOn: [
    vaultSecretsUser
    acrPull
    givenSecret
    languageKeySecret
    vcoreUriSecret
    mongoFirewall
  ]
}

module availability 'modules/availability.bicep' = if (deployApps) {
  name: 'availability'
  params: {
    prefix: prefix
    location: location
    tags: tags
    appInsightsId: appInsights.id
    readinessUrl: '${publicUrl}/readyz'
    alertEmail: alertEmail
  }
  dependsOn: [
    apps
  ]
}

// ---- What the next steps need -----------------------------------------------------------------------------------------------

output publicUrl string = publicUrl
output appName string = names.app
output resourceGroupName string = resourceGroup().name
output keyVaultName string = vault.name
output botName string = bot.name
output botAppId string = botAppType == 'UserAssignedMSI' ? identity.properties.clientId : botAppId
output directLineEndpoint string = directLineEndpoint
output identityClientId string = identity.properties.clientId
output languageEndpoint string = language.properties.endpoint
output mongoClusterName string = mongoMode == 'cosmos-vcore' ? names.mongo : ''
output logAnalyticsWorkspaceName string = workspace.name
output applicationInsightsName string = appInsights.name
output twilioWebhookUrl string = '${publicUrl}/api/sms'
output twilioStatusCallbackUrl string = '${publicUrl}/api/sms/status'
output oidcRedirectUri string = '${publicUrl}/hub/login/oidc/callback'

// Parameters for deploy/azure/main.bicep: an example to edit for your council (docs/DEPLOYMENT.md, step 4).
// Nothing secret belongs in this file: secrets are read from HUB_* environment variables in the shell that runs
// `az deployment group create`, and written to Key Vault. Leave one unset on a later run and Key Vault keeps its value.
using './main.bicep'

param prefix = 'rmbc-hub'
// The first run sets HUB_DEPLOY_APPS=false (docs/DEPLOYMENT.md, step 5); every later run leaves it unset.
param deployApps = bool(readEnvironmentVariable('HUB_DEPLOY_APPS', 'true'))
param location = 'uksouth'
param tags = {
  service: 'community-hub-bot'
  environment: 'production'
  owner: 'digital-services@example.gov.uk'
}

// The image you built and pushed (step 3), and the registry it is in (same resource group).
param image = 'rmbchubacr.azurecr.io/community-hub-bot:1.0.0'
param acrName = 'rmbchubacr'

param council = 'rotherham'
// Once DNS is set up (docs/DEPLOYMENT.md, "Your own domain"): param customDomain = 'hub.example.gov.uk'
param customDomain = ''
param customDomainCertificateId = ''

param minReplicas = 2
param maxReplicas = 6
param alertEmail = 'it-operations@example.gov.uk'

// The bot signs in as the deployment's managed identity: no password to rotate.
param botAppType = 'UserAssignedMSI'
param botLocation = 'westeurope'
param botSku = 'S1'
param botDisplayName = 'Rotherham community hub'

param mongoMode = 'cosmos-vcore'
param mongoTier = 'M30'
param mongoHighAvailability = true

// SMS: leave twilioAccountSid empty to deploy without it.
param twilioAccountSid = readEnvironmentVariable('HUB_TWILIO_ACCOUNT_SID', '')
param twilioPhoneNumber = readEnvironmentVariable('HUB_TWILIO_PHONE_NUMBER', '')
param twilioMessagingServiceSid = readEnvironmentVariable('HUB_TWILIO_MESSAGING_SERVICE_SID', '')

// Staff sign-in with Entra ID (step 9): leave oidcClientId empty to use local accounts only.
param oidcIssuerUrl = readEnvironmentVariable('HUB_OIDC_ISSUER_URL', '')
param oidcClientId = readEnvironmentVariable('HUB_OIDC_CLIENT_ID', '')

// Ward digest email: 'none', 'smtp' (HUB_SMTP_URL and digestFrom) or 'notify' (HUB_NOTIFY_API_KEY and notifyTemplateId).
param digestEmail = 'none'
param digestFrom = ''
param notifyTemplateId = ''

// ---- Secrets, from the environment (step 2) ----
param hashSecret = readEnvironmentVariable('HUB_HASH_SECRET', '')
param sessionSecret = readEnvironmentVariable('HUB_SESSION_SECRET', '')
param metricsToken = readEnvironmentVariable('HUB_METRICS_TOKEN', '')
param adminApiToken = readEnvironmentVariable('HUB_ADMIN_API_TOKEN', '')
param directLineSecret = readEnvironmentVariable('HUB_DIRECT_LINE_SECRET', '')
param microsoftAppPassword = readEnvironmentVariable('HUB_MICROSOFT_APP_PASSWORD', '')
param twilioAuthToken = readEnvironmentVariable('HUB_TWILIO_AUTH_TOKEN', '')
param oidcClientSecret = readEnvironmentVariable('HUB_OIDC_CLIENT_SECRET', '')
param smtpUrl = readEnvironmentVariable('HUB_SMTP_URL', '')
param notifyApiKey = readEnvironmentVariable('HUB_NOTIFY_API_KEY', '')
param mongoAdminPassword = readEnvironmentVariable('HUB_MONGO_ADMIN_PASSWORD', '')
param atlasMongoUri = readEnvironmentVariable('HUB_ATLAS_MONGODB_URI', '')

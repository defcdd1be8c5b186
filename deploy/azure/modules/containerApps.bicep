// The server as a container app (several replicas behind Container Apps' HTTPS ingress), and two scheduled jobs on
// the same image: ward digests and retention.
//
// Why jobs and not DIGEST_SCHEDULE/RETENTION_SCHEDULE=on: on the replicas, the retention timer starts an hour after
// each replica starts, so every replica (and every new revision, and every scale-out) runs it again at a time nobody
// chose; digests are safe on replicas (a lock and a ledger in the store), but a job gives one run with its own logs,
// exit status and execution history. The server is then only a server, and scaling it changes nothing else.

param location string
param tags object
param environmentId string
param identityId string
@description('Login server of the registry the image is pulled from with the identity; empty for a public image.')
param registryServer string
param image string
param appName string
param digestJobName string
param retentionJobName string
@description('Environment variables: { name, value } or { name, secretRef }.')
param env array
@description('Container Apps secrets, each a Key Vault reference: { name, keyVaultUrl, identity }.')
param secrets array
param minReplicas int
param maxReplicas int
param concurrentRequestsPerReplica int
param customDomain string
@description('Resource id of the managed certificate bound to customDomain (after the first bind, see docs/DEPLOYMENT.md), so a later deployment keeps the binding.')
param customDomainCertificateId string
param digestCron string
param retentionCron string

var port = 3978
var registries = empty(registryServer) ? [] : [
  {
    server: registryServer
    identity: identityId
  }
]
var resources = {
  cpu: json('0.5')
  memory: '1Gi'
}
var nodeCommand = ['node', '--no-deprecation', '--import', 'tsx']

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      // Single: a new revision takes all traffic once its replicas are ready, then the old one stops (a rolling update).
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
        // Bound after deploy, once DNS points at the app (docs/DEPLOYMENT.md, "Your own domain"). Declared here too,
        // because a deployment that left it out would remove the binding.
        customDomains: empty(customDomain) ? [] : [
          {
            name: customDomain
            bindingType: empty(customDomainCertificateId) ? 'Disabled' : 'SniEnabled'
            certificateId: empty(customDomainCertificateId) ? null : customDomainCertificateId
          }
        ]
      }
      registries: registries
      secrets: secrets
    }
    template: {
      // SIGTERM lets turns in flight and queued texts finish (bot/index.ts) before the replica goes.
      terminationGracePeriodSeconds: 30
      containers: [
        {
          name: 'server'
          image: image
          env: env
          resources: resources
          probes: [
            {
              // Until the process answers at all: loading the council profile, compiling the phrase book and connecting
              // to the store take seconds (up to 20 s on a busy 2-core machine); allow 2 minutes.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 2
              failureThreshold: 60
            }
            {
              // The process is up. Restarted after 3 failures in a row.
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 3
            }
            {
              // The store answers. A replica that cannot reach MongoDB gets no traffic, but is not restarted for it.
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: port
              }
              periodSeconds: 10
              timeoutSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-requests'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequestsPerReplica)
              }
            }
          }
        ]
      }
    }
  }
}

// `npm run digest -- --due`: sends whatever is due and exits (0, or 1 when a send failed; failures are retried on a
// later run). A lock in the store keeps runs from overlapping; the ledger sends each digest once.
resource digestJob 'Microsoft.App/jobs@2025-01-01' = {
  name: digestJobName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      triggerType: 'Schedule'
      scheduleTriggerConfig: {
        cronExpression: digestCron
        parallelism: 1
        replicaCompletionCount: 1
      }
      replicaTimeout: 900
      replicaRetryLimit: 0
      registries: registries
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'digests'
          image: image
          command: concat(nodeCommand, ['scripts/digest.ts', '--due'])
          env: env
          resources: resources
        }
      ]
    }
  }
}

// `npm run retention`: erases or anonymises what is past the council profile's retention periods, once a day.
resource retentionJob 'Microsoft.App/jobs@2025-01-01' = {
  name: retentionJobName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      triggerType: 'Schedule'
      scheduleTriggerConfig: {
        cronExpression: retentionCron
        parallelism: 1
        replicaCompletionCount: 1
      }
      replicaTimeout: 3600
      replicaRetryLimit: 1
      registries: registries
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'retention'
          image: image
          command: concat(nodeCommand, ['scripts/retention.ts'])
          env: env
          resources: resources
        }
      ]
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
output latestRevisionName string = app.properties.latestRevisionName

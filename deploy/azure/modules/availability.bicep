// Is the service up, seen from outside? A standard availability test asks /readyz (the process answers and the store
// is reachable) every 5 minutes from four UK and EU locations; an alert fires when two or more fail.

param prefix string
param location string
param tags object
param appInsightsId string
@description('https://<public host>/readyz')
param readinessUrl string
@description('Who is told when the test fails; empty: the alert only shows in the portal.')
param alertEmail string

var testName = '${prefix}-readyz'

resource readyzTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: testName
  location: location
  // Application Insights only shows a test whose hidden-link tag names it.
  tags: union(tags, {
    'hidden-link:${appInsightsId}': 'Resource'
  })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: testName
    Name: 'Community hub /readyz'
    Description: 'The server answers and can reach its store.'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      { Id: 'emea-ru-msa-edge' } // UK South
      { Id: 'emea-se-sto-edge' } // UK West
      { Id: 'emea-gb-db3-azr' } // North Europe
      { Id: 'emea-nl-ams-azr' } // West Europe
    ]
    Request: {
      RequestUrl: readinessUrl
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 14
    }
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${prefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take(replace(prefix, '-', ''), 12)
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource readyzAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${prefix}-readyz-failing'
  location: 'global'
  tags: tags
  properties: {
    description: 'The community hub is not ready (down, or cannot reach MongoDB) from two or more locations.'
    severity: 1
    enabled: true
    scopes: [
      readyzTest.id
      appInsightsId
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: readyzTest.id
      componentId: appInsightsId
      failedLocationCount: 2
    }
    actions: empty(alertEmail) ? [] : [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

import { graphql } from '../../gql';

export const RunsQuery = graphql(`
  query Runs($sourceKind: String, $limit: Int!) {
    runs(sourceKind: $sourceKind, limit: $limit) {
      id
      sourceKind
      source
      status
      startedAt
      durationMs
      error
      counts {
        read
        changed
        unchanged
        rejected
      }
      rejectedSample {
        trait
        reason
      }
    }
  }
`);

export const InvalidEventsQuery = graphql(`
  query InvalidEvents($limit: Int!) {
    invalidEvents(limit: $limit) {
      id
      type
      event
      source
      messageId
      receivedAt
      schemaVersion
      payload
      reasons {
        keyword
        pointer
        rule
      }
    }
  }
`);

export const EventHealthQuery = graphql(`
  query EventHealth {
    eventHealth {
      key
      type
      event
      window
      expectedMin
      count
      lastSeenAt
      silent
    }
    failedEvents(limit: 20) {
      id
      type
      event
      messageId
      receivedAt
      failure
    }
  }
`);

export const IdentityViolationsQuery = graphql(`
  query IdentityViolations($limit: Int!) {
    identityViolations(limit: $limit) {
      kind
      identity {
        type
        value
      }
      limitType
      limit
      wouldBe
      occurrences
      firstSeenAt
      lastSeenAt
      profileId
      targetProfileId
      cause {
        kind
        ref
      }
    }
  }
`);

import { graphql } from '../../gql';

export const ProfileQuery = graphql(`
  query Profile($identity: IdentityInput!, $asOf: DateTime, $knownAt: DateTime) {
    profile(identity: $identity, asOf: $asOf, knownAt: $knownAt) {
      id
      revision
      asOf
      knownAt
      identities {
        type
        value
        sourceKind
        firstSeenAt
        lastSeenAt
      }
      traits {
        name
        type
        value
        status
        updatedAt
        provenance {
          sourceKind
          sourceRef
          runId
          definitionVersion
          modelVersion
          observedAt
          ingestedAt
          identity {
            type
            value
          }
        }
      }
      merges {
        at
        kind
        rule
        fromProfileId
        intoProfileId
        cause {
          kind
          ref
        }
        identities {
          type
          value
        }
      }
    }
  }
`);

export const TraitHistoryQuery = graphql(`
  query TraitHistory(
    $identity: IdentityInput!
    $asOf: DateTime
    $knownAt: DateTime
    $trait: String!
    $limit: Int!
  ) {
    profile(identity: $identity, asOf: $asOf, knownAt: $knownAt) {
      id
      history(trait: $trait, limit: $limit) {
        value
        validFrom
        validTo
        provenance {
          sourceKind
          runId
          definitionVersion
          modelVersion
        }
      }
    }
  }
`);

export const ExplainQuery = graphql(`
  query Explain($identity: IdentityInput!, $at: DateTime!, $knownAt: DateTime) {
    explain(identity: $identity, at: $at, knownAt: $knownAt) {
      at
      knownAt
      profile {
        id
        revision
      }
      values {
        trait {
          name
          type
          value
          status
          provenance {
            sourceKind
            sourceRef
            runId
            definitionVersion
            modelVersion
            observedAt
            ingestedAt
            identity {
              type
              value
            }
          }
        }
        definition {
          version
        }
        merge {
          kind
          rule
          recordedAt
          cause {
            kind
            ref
          }
        }
      }
      memberships {
        audience
        since
      }
      changes(first: 50) {
        nodes {
          kind
          at
          trait
          before
          after
          identity {
            type
            value
          }
          merge {
            kind
            rule
          }
        }
      }
      corrections(first: 50) {
        nodes {
          trait
          value
          validFrom
          arrivedAt
        }
      }
    }
  }
`);

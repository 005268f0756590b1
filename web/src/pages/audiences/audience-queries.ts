import { graphql } from '../../gql';

export const AudienceListQuery = graphql(`
  query AudienceList($includeArchived: Boolean!) {
    audiences(includeArchived: $includeArchived) {
      slug
      name
      owner
      version
      size
      evaluatedAt
      origin
      readOnly
      archived
      trait
    }
  }
`);

export const AudienceDetailQuery = graphql(`
  query AudienceDetail($slug: String!) {
    audience(slug: $slug) {
      id
      slug
      name
      description
      owner
      version
      rule
      trait
      origin
      file
      readOnly
      schedule
      evaluationSchedule
      size
      evaluatedAt
      lastRunId
      archived
      archivedAt
      dependencies {
        traits
        identities
        events
        audiences
        timeDependent
      }
      versions {
        version
        name
        description
        rule
        schedule
        savedBy
        createdAt
      }
      sizeHistory(limit: 168) {
        hour
        size
        entered
        exited
      }
      members(first: 20) {
        nodes {
          profileId
          since
          profile {
            identities {
              type
              value
            }
          }
        }
        hasNextPage
      }
      yaml
    }
  }
`);

export const AudiencePreviewQuery = graphql(`
  query AudiencePreview($rule: JSON!, $asOf: DateTime) {
    audiencePreview(rule: $rule, asOf: $asOf) {
      asOf
      size
      groups {
        pointer
        size
      }
      sample {
        profileId
        traits
      }
    }
  }
`);

// The traits a condition can read, with their types and category values.
export const BuilderTraitsQuery = graphql(`
  query BuilderTraits {
    traitDefinitions {
      name
      type
      values
      pii
      description
    }
  }
`);

export const SaveAudienceMutation = graphql(`
  mutation SaveAudience($input: SaveAudienceInput!) {
    saveAudience(input: $input) {
      id
      slug
      version
      trait
      size
      readOnly
    }
  }
`);

export const ArchiveAudienceMutation = graphql(`
  mutation ArchiveAudience($slug: String!) {
    archiveAudience(slug: $slug) {
      slug
      archived
    }
  }
`);

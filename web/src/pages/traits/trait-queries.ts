import { graphql } from '../../gql';

// The catalogue's last run (docs/ui.md#last-run): the latest run that did work, and the idle ones since.
export const LastRunSummaryFragment = graphql(`
  fragment LastRunSummary on RunSummary {
    run {
      id
      status
      source
      metadata
      startedAt
      finishedAt
      durationMs
      error
      counts {
        read
        changed
        unchanged
        rejected
      }
    }
    idleRunsSince
    lastIdleRunAt
  }
`);

export const TraitListQuery = graphql(`
  query TraitList($admin: Boolean!) {
    traitDefinitions {
      name
      type
      description
      owner
      pii
      sourceKind
      freshness
      freshnessSeconds
      version
      lastRun @include(if: $admin) {
        id
        status
        startedAt
        finishedAt
      }
      lastRunWithWork @include(if: $admin) {
        ...LastRunSummary
      }
    }
  }
`);

export const TraitDetailQuery = graphql(`
  query TraitDetail($name: String!, $admin: Boolean!) {
    traitDefinition(name: $name) {
      name
      type
      description
      owner
      pii
      exposure
      freshness
      freshnessSeconds
      column
      values
      sourceKind
      source
      origin
      version
      schemaVersion
      retired
      updatedAt
      dbtModel {
        model
        uniqueId
        relation
        checksum
        dependsOn
        importedAt
      }
      notebook {
        path
        schedule
        modelVersion
        runId
        rows
        recordedAt
        notebookSha256
      }
      lastRun @include(if: $admin) {
        id
        status
        finishedAt
      }
      lastRunWithWork @include(if: $admin) {
        ...LastRunSummary
      }
      versions {
        version
        schemaVersion
        change
        reasons
        createdAt
      }
      distribution {
        values
        sampled
        other
        buckets {
          value
          from
          to
          count
        }
      }
    }
  }
`);

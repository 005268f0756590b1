import { Code, List, Text } from '@mantine/core';
import { DateTime } from '../../components/date-time';
import { Facts } from '../../components/facts';
import type { TraitDetailQuery } from '../../gql/graphql';

type Trait = NonNullable<TraitDetailQuery['traitDefinition']>;

const OTHER_SOURCES: Record<string, string> = {
  api: 'Written through the API (writeTraits) by keys with the traits:write scope.',
  event: 'Set from event properties as events are processed.',
  audience: 'Membership of an audience, evaluated by Traitbase.',
};

// Where the values come from: the dbt model and what it depends on, or the notebook and the model
// version of its latest predictions.
export function TraitLineage({ trait }: { trait: Trait }) {
  const { dbtModel, notebook } = trait;
  if (dbtModel) {
    return (
      <Facts
        label="dbt lineage"
        rows={[
          ['dbt model', <Code key="m">{dbtModel.uniqueId ?? dbtModel.model}</Code>],
          ['Relation', dbtModel.relation],
          ['Checksum', dbtModel.checksum && <Code key="c">{dbtModel.checksum.slice(0, 16)}</Code>],
          [
            'Depends on',
            dbtModel.dependsOn.length === 0 ? (
              <Text size="sm" c="dimmed" key="d">
                {dbtModel.importedAt ? 'nothing' : 'not imported from a manifest yet'}
              </Text>
            ) : (
              <List size="sm" key="d">
                {dbtModel.dependsOn.map((d) => (
                  <List.Item key={d}>
                    <Code>{d}</Code>
                  </List.Item>
                ))}
              </List>
            ),
          ],
          ['Imported', <DateTime key="i" value={dbtModel.importedAt} />],
        ]}
      />
    );
  }
  if (notebook) {
    return (
      <Facts
        label="Notebook lineage"
        rows={[
          ['Notebook', <Code key="p">{notebook.path}</Code>],
          ['Schedule', notebook.schedule && <Code key="s">{notebook.schedule}</Code>],
          ['Model version', notebook.modelVersion],
          ['Latest run id', notebook.runId && <Code key="r">{notebook.runId}</Code>],
          ['Rows', notebook.rows],
          ['Recorded', <DateTime key="t" value={notebook.recordedAt} />],
          [
            'Notebook sha256',
            notebook.notebookSha256 && <Code key="h">{notebook.notebookSha256.slice(0, 16)}</Code>,
          ],
        ]}
      />
    );
  }
  return (
    <Text size="sm">{OTHER_SOURCES[trait.sourceKind] ?? `Source kind ${trait.sourceKind}.`}</Text>
  );
}

import { BarChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import { formatTime, formatValue } from '../../components/format';
import type { TraitDetailQuery } from '../../gql/graphql';

type Trait = NonNullable<TraitDetailQuery['traitDefinition']>;
type Distribution = NonNullable<Trait['distribution']>;

function bucketLabel(b: Distribution['buckets'][number], type: string): string {
  if (b.from === null || b.from === undefined) return formatValue(b.value);
  if (type === 'timestamp' && typeof b.from === 'string') return formatTime(b.from).slice(0, 10);
  return `${formatValue(b.from)}–${formatValue(b.to)}`;
}

// Current values: the most frequent ones, or ranges for numbers and times.
export function TraitDistributionChart({ trait }: { trait: Trait }) {
  const d = trait.distribution;
  if (!d) {
    return (
      <Text size="sm" c="dimmed">
        This key may not read the values of this trait.
      </Text>
    );
  }
  if (d.values === 0)
    return (
      <Text size="sm" c="dimmed">
        No profile has a value yet.
      </Text>
    );
  const data = d.buckets.map((b) => ({ bucket: bucketLabel(b, trait.type), profiles: b.count }));
  if (d.other > 0) data.push({ bucket: 'other values', profiles: d.other });
  return (
    <>
      <BarChart
        h={220}
        data={data}
        dataKey="bucket"
        series={[{ name: 'profiles', color: 'indigo.5', label: 'Profiles' }]}
        tickLine="y"
        gridAxis="x"
        yAxisProps={{ allowDecimals: false }}
        aria-label={`Distribution of ${trait.name}`}
      />
      <Text size="xs" c="dimmed" mt="xs">
        {d.values} current values{d.sampled ? ' in a sample of the table' : ''}.
      </Text>
    </>
  );
}

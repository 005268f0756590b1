import { Alert, Badge, Button, Code, Group, Loader, Text, Timeline } from '@mantine/core';
import { DateTime } from '../../components/date-time';
import { formatValue } from '../../components/format';
import { RunId } from '../../components/run-id';
import type { TimelineItem } from './use-profile-timeline';

function ItemTitle({ item }: { item: TimelineItem }) {
  if (item.kind === 'merge') {
    const { merge } = item;
    return (
      <Text size="sm" fw={500}>
        {merge.kind === 'merge' ? 'Merged' : 'Unmerged'}{' '}
        <Code>{merge.fromProfileId.slice(0, 8)}</Code> →{' '}
        <Code>{merge.intoProfileId.slice(0, 8)}</Code>
      </Text>
    );
  }
  if (item.trait.startsWith('audience:')) {
    return (
      <Text size="sm" fw={500}>
        {item.value === true ? 'Entered' : 'Left'} audience {item.trait.slice('audience:'.length)}
      </Text>
    );
  }
  return (
    <Text size="sm" fw={500}>
      {item.trait}:{' '}
      {item.previous === undefined ? '' : `${formatValue(item.previous, item.type)} → `}
      {formatValue(item.value, item.type)}
    </Text>
  );
}

function ItemDetail({ item }: { item: TimelineItem }) {
  if (item.kind === 'merge') {
    const ids = item.merge.identities.map((i) => `${i.type}:${i.value}`).join(', ');
    return (
      <Text size="xs" c="dimmed">
        {item.merge.rule} · cause {item.merge.cause.kind}
        {ids ? ` · ${ids}` : ''}
      </Text>
    );
  }
  return (
    <Text size="xs" c="dimmed">
      {item.sourceKind}
      {item.runId && (
        <>
          {' · run '}
          <RunId id={item.runId} />
        </>
      )}{' '}
      · definition v{item.definitionVersion}
    </Text>
  );
}

// Revisions, memberships (audience: traits) and merges, newest first; any moment can be opened as the profile's "as of".
export function ProfileTimeline({
  items,
  loading,
  error,
  onOpenAt,
}: {
  items: TimelineItem[];
  loading: boolean;
  error?: string;
  onOpenAt: (iso: string) => void;
}) {
  if (error) {
    return (
      <Alert color="red" title="Could not load the history" role="alert">
        {error}
      </Alert>
    );
  }
  if (loading && items.length === 0) return <Loader size="sm" aria-label="Loading the timeline" />;
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        Nothing has changed yet.
      </Text>
    );
  return (
    <Timeline bulletSize={14} lineWidth={2} aria-label="Timeline">
      {items.map((item, i) => (
        <Timeline.Item
          key={`${item.kind}-${item.at}-${i}`}
          color={
            item.kind === 'merge' ? 'grape' : item.trait.startsWith('audience:') ? 'teal' : 'indigo'
          }
          title={<ItemTitle item={item} />}
        >
          <ItemDetail item={item} />
          <Group gap="xs" mt={2}>
            <DateTime value={item.at} size="xs" />
            {item.kind === 'merge' && (
              <Badge size="xs" color="grape" variant="light">
                {item.merge.kind}
              </Badge>
            )}
            <Button
              variant="subtle"
              size="compact-xs"
              onClick={() => onOpenAt(item.at)}
              aria-label={`View the profile as of ${item.at}`}
            >
              View as of then
            </Button>
          </Group>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

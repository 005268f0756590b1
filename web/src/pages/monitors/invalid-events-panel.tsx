import { Accordion, Badge, Code, Group, Stack, Text } from '@mantine/core';
import { useQuery } from 'urql';
import { DateTime } from '../../components/date-time';
import { QueryState } from '../../components/query-state';
import type { InvalidEventsQuery as InvalidEventsResult } from '../../gql/graphql';
import { InvalidEventsQuery } from './monitor-queries';

type InvalidEvent = InvalidEventsResult['invalidEvents'][number];

interface Group {
  key: string;
  event: string;
  reason: string;
  messages: InvalidEvent[];
}

// The first reason names the group: the same event broken the same way is one line to fix.
function groupByEventAndReason(events: InvalidEvent[]): Group[] {
  const groups = new Map<string, Group>();
  for (const e of events) {
    const event = e.event ?? e.type ?? 'unknown';
    const r = e.reasons[0];
    const reason = r ? `${r.pointer || '/'} ${r.rule}` : 'no reason recorded';
    const key = `${event}\u0000${reason}`;
    const group = groups.get(key) ?? { key, event, reason, messages: [] };
    group.messages.push(e);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.messages.length - a.messages.length);
}

function Message({ e }: { e: InvalidEvent }) {
  return (
    <Stack gap={4}>
      <Group gap="sm">
        <DateTime value={e.receivedAt} size="xs" />
        <Text size="xs" c="dimmed">
          from {e.source}
          {e.messageId ? ` · message ${e.messageId}` : ''}
          {e.schemaVersion ? ` · schema ${e.schemaVersion}` : ''}
        </Text>
      </Group>
      {e.reasons.map((r, i) => (
        <Text size="xs" key={i} component="div">
          <Code fz="xs">{r.pointer || '/'}</Code> {r.rule}{' '}
          <Badge size="xs" variant="light" color="gray">
            {r.keyword}
          </Badge>
        </Text>
      ))}
      <Code block fz="xs" mah={200} style={{ overflow: 'auto' }}>
        {e.payload === null
          ? 'payload not kept (not JSON, or over 32 KB)'
          : JSON.stringify(e.payload, null, 2)}
      </Code>
    </Stack>
  );
}

export function InvalidEventsPanel() {
  const [result] = useQuery({ query: InvalidEventsQuery, variables: { limit: 200 } });
  return (
    <QueryState label="invalid events" result={result}>
      {(data) => {
        const groups = groupByEventAndReason(data.invalidEvents);
        if (groups.length === 0)
          return (
            <Text c="dimmed" size="sm">
              No message was rejected.
            </Text>
          );
        return (
          <>
            <Text size="sm" c="dimmed" mb="sm">
              The latest {data.invalidEvents.length} rejected messages, by event and reason. Open a
              line to see the payloads.
            </Text>
            <Accordion variant="separated" multiple aria-label="Invalid events by event and reason">
              {groups.map((g) => (
                <Accordion.Item key={g.key} value={g.key}>
                  <Accordion.Control>
                    <Group gap="sm">
                      <Badge color="red" variant="light">
                        {g.messages.length}
                      </Badge>
                      <Text fw={500} size="sm">
                        {g.event}
                      </Text>
                      <Text size="sm" c="dimmed">
                        {g.reason}
                      </Text>
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    <Stack gap="md">
                      {g.messages.slice(0, 20).map((e) => (
                        <Message key={e.id} e={e} />
                      ))}
                    </Stack>
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
          </>
        );
      }}
    </QueryState>
  );
}

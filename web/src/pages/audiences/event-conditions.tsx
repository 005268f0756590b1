import {
  ActionIcon,
  Autocomplete,
  Button,
  Group,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import type { CountOp, EventNode, FunnelNode } from './rule-model';

const COUNT_OPS: { value: CountOp; label: string }[] = [
  { value: 'gte', label: 'at least' },
  { value: 'lte', label: 'at most' },
  { value: 'eq', label: 'exactly' },
];

function EventName({
  label,
  value,
  events,
  onChange,
}: {
  label: string;
  value: string;
  events: string[];
  onChange: (v: string) => void;
}) {
  return (
    <Autocomplete
      aria-label={label}
      placeholder="Event name"
      data={events}
      value={value}
      onChange={onChange}
      w={220}
    />
  );
}

function Window({
  value,
  onChange,
  label,
}: {
  value: string;
  onChange: (v: string) => void;
  label: string;
}) {
  return (
    <TextInput
      aria-label={label}
      placeholder="any time"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={110}
    />
  );
}

// "performed E at least n times within d": count and window (an empty window is all history).
export function EventCondition({
  node,
  events,
  onChange,
}: {
  node: EventNode;
  events: string[];
  onChange: (n: EventNode) => void;
}) {
  return (
    <Group gap="xs" align="center" wrap="wrap">
      <Text size="sm">performed</Text>
      <EventName
        label="Event"
        value={node.event}
        events={events}
        onChange={(event) => onChange({ ...node, event })}
      />
      <Select
        aria-label="Count"
        data={COUNT_OPS}
        value={node.countOp}
        onChange={(v) => onChange({ ...node, countOp: v ?? 'gte' })}
        allowDeselect={false}
        w={110}
      />
      <NumberInput
        aria-label="Times"
        min={0}
        value={node.count}
        onChange={(v) => onChange({ ...node, count: typeof v === 'number' ? v : Number(v) || 0 })}
        w={80}
      />
      <Text size="sm">times within</Text>
      <Window
        label="Window"
        value={node.within}
        onChange={(within) => onChange({ ...node, within })}
      />
    </Group>
  );
}

// Steps in order, the last within the window of the first; optionally "and then not X".
export function FunnelCondition({
  node,
  events,
  onChange,
}: {
  node: FunnelNode;
  events: string[];
  onChange: (n: FunnelNode) => void;
}) {
  const setStep = (i: number, event: string) =>
    onChange({ ...node, steps: node.steps.map((s, j) => (j === i ? event : s)) });
  return (
    <Stack gap={6}>
      {node.steps.map((step, i) => (
        <Group key={i} gap="xs">
          <Text size="sm" w={60}>
            {i === 0 ? 'did' : 'then'}
          </Text>
          <EventName
            label={`Step ${i + 1}`}
            value={step}
            events={events}
            onChange={(v) => setStep(i, v)}
          />
          {node.steps.length > 2 && (
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`Remove step ${i + 1}`}
              onClick={() => onChange({ ...node, steps: node.steps.filter((_, j) => j !== i) })}
            >
              ×
            </ActionIcon>
          )}
        </Group>
      ))}
      <Group gap="xs">
        <Button
          size="compact-xs"
          variant="subtle"
          disabled={node.steps.length >= 10}
          onClick={() => onChange({ ...node, steps: [...node.steps, ''] })}
        >
          Add step
        </Button>
        <Text size="sm">all within</Text>
        <Window
          label="Funnel window"
          value={node.within}
          onChange={(within) => onChange({ ...node, within })}
        />
        <Text size="sm">and then not</Text>
        <EventName
          label="Then not"
          value={node.thenNot}
          events={events}
          onChange={(thenNot) => onChange({ ...node, thenNot })}
        />
      </Group>
    </Stack>
  );
}

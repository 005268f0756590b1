import {
  Badge,
  Button,
  Checkbox,
  CloseButton,
  Code,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
} from '@mantine/core';
import { EventCondition, FunnelCondition } from './event-conditions';
import {
  type EditorNode,
  type GroupNode,
  newEvent,
  newFunnel,
  newGroup,
  newTrait,
  replaceNode,
} from './rule-model';
import { type BuilderTrait, TraitCondition } from './trait-condition';

interface Ctx {
  traits: BuilderTrait[];
  events: string[];
  readOnly: boolean;
  set: (id: string, next: EditorNode | null) => void;
}

const KIND_LABEL: Record<EditorNode['kind'], string> = {
  group: 'Group',
  trait: 'Trait condition',
  event: 'Event condition',
  funnel: 'Funnel',
  raw: 'Condition',
};

function ConditionBody({ node, ctx }: { node: EditorNode; ctx: Ctx }) {
  const onChange = (n: EditorNode) => ctx.set(node.id, n);
  switch (node.kind) {
    case 'trait':
      return <TraitCondition node={node} traits={ctx.traits} onChange={onChange} />;
    case 'event':
      return <EventCondition node={node} events={ctx.events} onChange={onChange} />;
    case 'funnel':
      return <FunnelCondition node={node} events={ctx.events} onChange={onChange} />;
    case 'raw':
      return (
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            Shown as written (the builder has no form for it); kept when saving.
          </Text>
          <Code block>{JSON.stringify(node.rule, null, 2)}</Code>
        </Stack>
      );
    case 'group':
      return <GroupBody node={node} ctx={ctx} />;
  }
}

function GroupBody({ node, ctx }: { node: GroupNode; ctx: Ctx }) {
  const add = (child: EditorNode) =>
    ctx.set(node.id, { ...node, children: [...node.children, child] });
  return (
    <Stack gap="xs">
      <SegmentedControl
        aria-label="Match"
        size="xs"
        w="fit-content"
        disabled={ctx.readOnly}
        data={[
          { value: 'all', label: 'All of (AND)' },
          { value: 'any', label: 'Any of (OR)' },
        ]}
        value={node.combinator}
        onChange={(v) => ctx.set(node.id, { ...node, combinator: v })}
      />
      {node.children.map((child) => (
        <NodeCard key={child.id} node={child} ctx={ctx} />
      ))}
      {node.children.length === 0 && (
        <Text size="sm" c="dimmed">
          Add a condition.
        </Text>
      )}
      {!ctx.readOnly && (
        <Group gap="xs">
          <Button size="compact-sm" variant="light" onClick={() => add(newTrait())}>
            Add trait condition
          </Button>
          <Button size="compact-sm" variant="light" onClick={() => add(newEvent())}>
            Add event condition
          </Button>
          <Button size="compact-sm" variant="light" onClick={() => add(newFunnel())}>
            Add funnel
          </Button>
          <Button
            size="compact-sm"
            variant="default"
            onClick={() => add(newGroup(node.combinator === 'all' ? 'any' : 'all'))}
          >
            Add group
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function NodeCard({ node, ctx }: { node: EditorNode; ctx: Ctx }) {
  return (
    <Paper
      withBorder
      p="xs"
      role="group"
      aria-label={KIND_LABEL[node.kind]}
      bg={node.kind === 'group' ? 'gray.0' : undefined}
    >
      <Group justify="space-between" mb={6}>
        <Group gap="xs">
          <Badge size="sm" variant="light" color={node.kind === 'group' ? 'grape' : 'indigo'}>
            {KIND_LABEL[node.kind]}
          </Badge>
          <Checkbox
            size="xs"
            label="not"
            disabled={ctx.readOnly}
            checked={node.not}
            onChange={(e) => ctx.set(node.id, { ...node, not: e.currentTarget.checked })}
          />
        </Group>
        {!ctx.readOnly && (
          <CloseButton
            size="sm"
            aria-label={`Remove ${KIND_LABEL[node.kind].toLowerCase()}`}
            onClick={() => ctx.set(node.id, null)}
          />
        )}
      </Group>
      <fieldset disabled={ctx.readOnly} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <ConditionBody node={node} ctx={ctx} />
      </fieldset>
    </Paper>
  );
}

// The rule as a tree of AND/OR groups: every change gives a new root.
export function RuleEditor({
  root,
  onChange,
  traits,
  events,
  readOnly = false,
}: {
  root: GroupNode;
  onChange: (root: GroupNode) => void;
  traits: BuilderTrait[];
  events: string[];
  readOnly?: boolean;
}) {
  const ctx: Ctx = {
    traits,
    events,
    readOnly,
    set: (id, next) =>
      onChange(id === root.id && next?.kind === 'group' ? next : replaceNode(root, id, next)),
  };
  return (
    <div role="group" aria-label="Rule">
      <GroupBody node={root} ctx={ctx} />
    </div>
  );
}

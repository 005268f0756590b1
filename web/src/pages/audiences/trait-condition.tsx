import { Group, MultiSelect, NumberInput, Select, TagsInput, TextInput } from '@mantine/core';
import { defaultValue, opsFor, type TraitNode } from './rule-model';

export interface BuilderTrait {
  name: string;
  type: string;
  values?: string[] | null;
}

// datetime-local text (UTC) ↔ ISO instant, as in the "as of" picker.
const toInput = (iso: unknown) => (typeof iso === 'string' ? iso.slice(0, 19) : '');
const fromInput = (text: string) => {
  const d = new Date(`${text.length === 16 ? `${text}:00` : text}Z`);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z');
};

function Single({
  trait,
  op,
  value,
  onChange,
  label,
}: {
  trait: BuilderTrait | undefined;
  op: string;
  value: unknown;
  onChange: (v: unknown) => void;
  label: string;
}) {
  const type = trait?.type;
  if (op === 'within_last' || op === 'more_than_ago')
    return (
      <TextInput
        aria-label={label}
        description="e.g. 30m, 2h, 7d, 1w"
        value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
        onChange={(e) => onChange(e.currentTarget.value)}
        w={140}
      />
    );
  if (type === 'number')
    return (
      <NumberInput
        aria-label={label}
        value={typeof value === 'number' ? value : ''}
        onChange={(v) => onChange(typeof v === 'number' ? v : Number(v) || 0)}
        w={140}
      />
    );
  if (type === 'boolean')
    return (
      <Select
        aria-label={label}
        data={['true', 'false']}
        value={String(value)}
        onChange={(v) => onChange(v === 'true')}
        allowDeselect={false}
        w={110}
      />
    );
  if (type === 'timestamp')
    return (
      <TextInput
        type="datetime-local"
        step={1}
        aria-label={`${label} (UTC)`}
        value={toInput(value)}
        onChange={(e) => onChange(fromInput(e.currentTarget.value))}
        w={230}
      />
    );
  if (type === 'category' && (op === 'eq' || op === 'ne'))
    return (
      <Select
        aria-label={label}
        data={trait?.values ?? []}
        value={typeof value === 'string' ? value : null}
        onChange={(v) => onChange(v ?? '')}
        allowDeselect={false}
        w={180}
      />
    );
  return (
    <TextInput
      aria-label={label}
      value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={180}
    />
  );
}

// The value part of a trait condition: none, one, two (between) or a list (in), fitting the type.
function ValueInput({
  trait,
  op,
  value,
  onChange,
}: {
  trait: BuilderTrait | undefined;
  op: string;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  if (op === 'exists' || op === 'missing') return null;
  if (op === 'between') {
    const [low, high]: unknown[] = Array.isArray(value) ? (value as unknown[]) : [];
    return (
      <Group gap={4}>
        <Single
          trait={trait}
          op="eq"
          value={low}
          label="From"
          onChange={(v) => onChange([v, high])}
        />
        <Single
          trait={trait}
          op="eq"
          value={high}
          label="To"
          onChange={(v) => onChange([low, v])}
        />
      </Group>
    );
  }
  if (op === 'in') {
    const list = Array.isArray(value) ? value.map(String) : [];
    if (trait?.type === 'category')
      return (
        <MultiSelect
          aria-label="Values"
          data={trait.values ?? []}
          value={list}
          onChange={onChange}
          miw={220}
        />
      );
    return (
      <TagsInput
        aria-label="Values"
        description="Enter after each value"
        value={list}
        onChange={(v) => onChange(trait?.type === 'number' ? v.map(Number) : v)}
        miw={220}
      />
    );
  }
  return <Single trait={trait} op={op} value={value} label="Value" onChange={onChange} />;
}

export function TraitCondition({
  node,
  traits,
  onChange,
}: {
  node: TraitNode;
  traits: BuilderTrait[];
  onChange: (n: TraitNode) => void;
}) {
  const trait = traits.find((t) => t.name === node.trait);
  const ops = opsFor(trait?.type);
  return (
    <Group gap="xs" align="flex-start" wrap="wrap">
      <Select
        aria-label="Trait"
        placeholder="Trait"
        searchable
        data={traits.map((t) => ({ value: t.name, label: `${t.name} (${t.type})` }))}
        value={node.trait || null}
        onChange={(name) => {
          const next = traits.find((t) => t.name === name);
          const op = opsFor(next?.type)[0][0];
          onChange({
            ...node,
            trait: name ?? '',
            op,
            value: defaultValue(op, next?.type, next?.values),
          });
        }}
        w={230}
      />
      <Select
        aria-label="Operator"
        data={ops.map(([value, label]) => ({ value, label }))}
        value={node.op}
        onChange={(op) => {
          const next = op ?? ops[0][0];
          onChange({ ...node, op: next, value: defaultValue(next, trait?.type, trait?.values) });
        }}
        allowDeselect={false}
        w={170}
      />
      <ValueInput
        trait={trait}
        op={node.op}
        value={node.value}
        onChange={(value) => onChange({ ...node, value })}
      />
    </Group>
  );
}

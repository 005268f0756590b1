import { Button, Group, TextInput } from '@mantine/core';

interface Props {
  label: string;
  // ISO instant, or null for "now".
  value: string | null;
  onChange: (value: string | null) => void;
  description?: string;
}

// datetime-local text (read as UTC) ↔ ISO instant.
const toInput = (iso: string | null) => (iso ? iso.slice(0, 19) : '');
const fromInput = (text: string) => {
  const withSeconds = text.length === 16 ? `${text}:00` : text;
  const d = new Date(`${withSeconds}Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

// A moment in UTC, to the second, or "now". Used for asOf (valid time); knownAt reuses it.
export function AsOfPicker({ label, value, onChange, description }: Props) {
  return (
    <Group align="flex-end" gap="xs">
      <TextInput
        type="datetime-local"
        step={1}
        label={label}
        description={description}
        value={toInput(value)}
        onChange={(e) => {
          const text = e.currentTarget.value;
          onChange(text ? fromInput(text) : null);
        }}
        w={240}
      />
      <Button
        variant="default"
        onClick={() => onChange(null)}
        disabled={value === null}
        // Not the picker's label itself, so the label names the field alone.
        aria-label={`Now for ${label.replace(' (UTC)', '').toLowerCase()}`}
      >
        Now
      </Button>
    </Group>
  );
}

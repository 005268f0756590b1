import { Autocomplete, Button, Group, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';

export interface IdentityKey {
  type: string;
  value: string;
}

// The identity types of the default identity rules; any other type can be typed in.
const TYPES = ['user_id', 'email', 'anonymous_id', 'device_id', 'network_userid'];

export function ProfileLookup({
  initial,
  onLookup,
}: {
  initial: IdentityKey | null;
  onLookup: (id: IdentityKey) => void;
}) {
  const [type, setType] = useState(initial?.type ?? 'user_id');
  const [value, setValue] = useState(initial?.value ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (type.trim() && value.trim()) onLookup({ type: type.trim(), value: value.trim() });
  };
  return (
    <form onSubmit={submit} aria-label="Look up a profile">
      <Group align="flex-end" gap="xs">
        <Autocomplete label="Identity type" data={TYPES} value={type} onChange={setType} w={180} />
        <TextInput
          label="Identity value"
          placeholder="42, a@b.c, …"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          w={280}
        />
        <Button type="submit" disabled={!type.trim() || !value.trim()}>
          Look up
        </Button>
      </Group>
    </form>
  );
}

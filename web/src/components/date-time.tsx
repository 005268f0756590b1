import { Text, Tooltip } from '@mantine/core';
import { formatAge, formatTime } from './format';

// A UTC time, with how long ago it was on hover.
export function DateTime({
  value,
  size = 'sm',
}: {
  value: string | null | undefined;
  size?: string;
}) {
  if (!value)
    return (
      <Text size={size} c="dimmed" span>
        —
      </Text>
    );
  return (
    <Tooltip label={formatAge(value)} openDelay={300}>
      <Text size={size} span style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={value}>{formatTime(value)}</time>
      </Text>
    </Tooltip>
  );
}

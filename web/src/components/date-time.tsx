import { Text, Tooltip } from '@mantine/core';
import { formatAge, formatTime } from './format';

// A UTC time, with how long ago it was on hover. `stacked` puts the date above the time, for
// narrow columns (each part stays on one line).
export function DateTime({
  value,
  size = 'sm',
  stacked = false,
}: {
  value: string | null | undefined;
  size?: string;
  stacked?: boolean;
}) {
  if (!value)
    return (
      <Text size={size} c="dimmed" span>
        —
      </Text>
    );
  const text = formatTime(value);
  const [date, ...time] = text.split(' ');
  return (
    <Tooltip label={formatAge(value)} openDelay={300}>
      <Text size={size} span style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={value} title={stacked ? text : undefined}>
          {stacked ? (
            <>
              {date}
              <br />
              {time.join(' ')}
            </>
          ) : (
            text
          )}
        </time>
      </Text>
    </Tooltip>
  );
}

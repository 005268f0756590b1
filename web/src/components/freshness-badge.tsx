import { Badge, Tooltip } from '@mantine/core';

interface Props {
  freshness: string | null;
  freshnessSeconds: number | null;
  // The latest run of the trait's source, when this key may see runs.
  lastRun?: { status: string; finishedAt: string | null } | null;
}

type Freshness = { label: string; color: string; hint: string };

// fresh: the source last succeeded within the trait's freshness; stale: it did not (failed, or
// too long ago); otherwise only the declared limit is shown.
export function freshnessOf(
  { freshness, freshnessSeconds, lastRun }: Props,
  now = Date.now(),
): Freshness {
  if (!freshness || !freshnessSeconds) {
    return {
      label: 'no limit',
      color: 'gray',
      hint: 'No freshness declared: values never go stale',
    };
  }
  if (!lastRun) {
    return {
      label: freshness,
      color: 'gray',
      hint: `Values older than ${freshness} are served as stale`,
    };
  }
  const finished = lastRun.finishedAt ? new Date(lastRun.finishedAt).getTime() : 0;
  const fresh = lastRun.status === 'succeeded' && now - finished <= freshnessSeconds * 1000;
  return fresh
    ? {
        label: `fresh · ${freshness}`,
        color: 'teal',
        hint: `The source succeeded within ${freshness}`,
      }
    : {
        label: `stale · ${freshness}`,
        color: 'orange',
        hint: `No successful run within ${freshness}`,
      };
}

export function FreshnessBadge(props: Props) {
  const f = freshnessOf(props);
  return (
    <Tooltip label={f.hint} openDelay={300}>
      <Badge variant="light" color={f.color}>
        {f.label}
      </Badge>
    </Tooltip>
  );
}

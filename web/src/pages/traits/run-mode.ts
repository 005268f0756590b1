import { formatTime } from '../../components/format';

// What the catalogue shows as a source's last run (docs/ui.md#last-run): the latest run that did
// work, and how many idle incremental runs (nothing to react to) followed it.
export interface RunSummary {
  run: { metadata: unknown } | null;
  idleRunsSince: number;
  lastIdleRunAt: string | null;
}

// "full evaluation", "incremental", … from the run's metadata; null when it names no mode.
export function runMode(run: { metadata: unknown }, sourceKind?: string): string | null {
  const mode = (run.metadata as { mode?: unknown } | null)?.mode;
  if (mode === 'full') return sourceKind === 'audience' ? 'full evaluation' : 'full';
  return typeof mode === 'string' ? mode : null;
}

export function idleRunsText(s: RunSummary): string | null {
  if (s.idleRunsSince === 0) return null;
  const runs = `${s.idleRunsSince} incremental run${s.idleRunsSince === 1 ? '' : 's'}`;
  const latest = s.lastIdleRunAt ? ` (latest ${formatTime(s.lastIdleRunAt)})` : '';
  return s.run
    ? `${runs} since, with nothing to do${latest}`
    : `${runs}, none with anything to do${latest}`;
}

interface Counts {
  read: number;
  changed: number;
  rejected: number;
}

// An audience's full evaluation records the size it found and who entered and exited: that is
// what it did (its row counts are only the difference). Other runs: rows read and changed.
export function runCountsText(
  run: { metadata: unknown; counts: Counts },
  sourceKind?: string,
  withMode = true,
): string {
  const mode = runMode(run, sourceKind);
  const m = (run.metadata ?? {}) as { size?: unknown; entered?: unknown; exited?: unknown };
  const parts =
    mode === 'full evaluation' && typeof m.size === 'number'
      ? [
          `${m.size} members`,
          `${Number(m.entered ?? 0)} entered`,
          `${Number(m.exited ?? 0)} exited`,
        ]
      : [
          `${run.counts.read} read`,
          `${run.counts.changed} changed`,
          ...(run.counts.rejected > 0 ? [`${run.counts.rejected} rejected`] : []),
        ];
  return [...parts, ...(mode && withMode ? [mode] : [])].join(' · ');
}

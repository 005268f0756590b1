// Times are shown in UTC everywhere (and the "as of" picker reads UTC), so what one operator sees
// matches what another reads in the API and in logs.
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 0) return 'in the future';
  const units: [number, string][] = [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'min'],
  ];
  const [size, unit] = units.find(([size]) => seconds >= size) ?? [1, 's'];
  return `${Math.floor(seconds / size)} ${unit} ago`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(n);
}

// An instant as the API writes it (ISO 8601 with a time and a zone), e.g. 2026-11-29T19:06:24.753Z.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

// A trait value in one line: times in UTC, strings as they are, everything else as compact JSON.
// Without the trait's type (a preview's sample, explain's changes), a string that is an instant is
// taken for a time, so no page shows a raw ISO string beside the UTC times.
export function formatValue(value: unknown, type?: string): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' && (type === 'timestamp' || (!type && ISO_INSTANT.test(value))))
    return formatTime(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  return JSON.stringify(value);
}

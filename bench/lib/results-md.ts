import type { FigureResult, Measure } from './figure';
import type { MachineInfo } from './machine';

export interface FigureRun {
  machine: MachineInfo;
  result: FigureResult;
  // Wall-clock seconds of the whole figure (dataset, baselines, re-runs); absent in older runs.
  seconds?: number;
}

export interface FigureFailure {
  figure: string;
  error: string;
}

export function fmt(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${Math.round(n / 1e3)}k`;
  if (abs >= 100) return String(Math.round(n));
  return String(Number(n.toPrecision(3)));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function measureRow(m: Measure): string[] {
  const value =
    m.min === m.max
      ? `${fmt(m.median)} ${m.unit}`
      : `${fmt(m.median)} ${m.unit} (${fmt(m.min)}–${fmt(m.max)})`;
  const baselines = (m.baselines ?? [])
    .map((b) => `${b.name}: ${fmt(b.before)} → ${fmt(b.after)} ${b.unit}`)
    .join('; ');
  const ratio = m.ratio
    ? `${m.ratio.median.toFixed(2)} (${m.ratio.min.toFixed(2)}–${m.ratio.max.toFixed(2)}) of ${m.ratio.to}`
    : '';
  const met = m.met === undefined || m.met === null ? '' : m.met ? 'yes' : '**no**';
  return [m.name, value, baselines, ratio, m.target ?? '', met];
}

// Machine fields that make two runs comparable (date and SHA aside).
function machineKey(m: MachineInfo): string {
  return JSON.stringify([
    m.nproc,
    m.cpuModel,
    m.ramGb,
    m.kernel,
    m.node,
    m.postgres,
    m.redis,
    m.postgresSettings,
  ]);
}

function figureSection({ machine, result: f, seconds }: FigureRun, header: MachineInfo): string {
  const elsewhere =
    machineKey(machine) === machineKey(header) ? '' : ' on a different machine or setup:';
  const took = seconds === undefined ? '' : `, took ${Math.round(seconds)} s`;
  const parts = [
    `## ${f.figure} — ${f.title}`,
    `Measured ${machine.date} at git ${machine.gitSha}, BENCH_SCALE=${f.scale}${took}${elsewhere}`,
  ];
  if (elsewhere) parts.push(machineSection(machine));
  parts.push(
    `Dataset: ${f.dataset}.`,
    f.conditions.map((c) => `- ${c}`).join('\n'),
    table(
      [
        'Measure',
        'Value median (min–max)',
        'Baselines before → after',
        'Ratio median (min–max)',
        'Target',
        'Met',
      ],
      f.measures.map(measureRow),
    ),
  );
  if (f.notes.length > 0) parts.push(f.notes.map((n) => `- ${n}`).join('\n'));
  if (f.details && f.details.rows.length > 0) {
    const cols = Object.keys(f.details.rows[0]);
    const rows = f.details.rows.map((r) =>
      cols.map((c) => (typeof r[c] === 'number' ? fmt(r[c]) : String(r[c] ?? ''))),
    );
    parts.push(`${f.details.title}:\n\n${table(cols, rows)}`);
  }
  return parts.join('\n\n');
}

function machineSection(m: MachineInfo): string {
  const settings = Object.entries(m.postgresSettings)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return table(
    ['Item', 'Value'],
    [
      ['Date', m.date],
      ['Git SHA', m.gitSha],
      ['nproc', String(m.nproc)],
      ['CPU', m.cpuModel],
      ['RAM', `${m.ramGb} GB`],
      ['Kernel', m.kernel],
      ['Node', m.node],
      ['PostgreSQL', m.postgres],
      ['PostgreSQL settings', settings],
      ['Redis', m.redis],
    ],
  );
}

export function renderResults(runs: FigureRun[], failures: FigureFailure[]): string {
  const latest = [...runs].sort((a, b) => b.machine.date.localeCompare(a.machine.date))[0];
  const parts = [
    '# Benchmark results',
    'Written by `npm run bench` from bench/results/*.json; do not edit by hand. How these are measured ' +
      'and how to read them: [docs/benchmarks.md](../docs/benchmarks.md). Absolute figures move ' +
      '1.5–2× between runs on these shared machines; the ratios to baselines measured in the same run ' +
      'are what targets are written in.',
  ];
  if (latest) parts.push('## Machine (latest run)', machineSection(latest.machine));
  parts.push(...runs.map((r) => figureSection(r, latest.machine)));
  parts.push(
    ...failures.map(
      (f) => `## ${f.figure} — failed in the latest run\n\n\`\`\`\n${f.error}\n\`\`\``,
    ),
  );
  return `${parts.join('\n\n')}\n`;
}

import { existsSync } from 'node:fs';
import { checkedAudienceFiles } from '../audiences/yaml/audience-files.check';
import { compareIssues, formatIssue } from '../common/yaml/yaml-issue';
import { checkedDestinationFiles } from '../destinations/yaml/destination-files.check';
import {
  displayPath,
  loadDefinitionsDir,
  LoadedDefinitions,
} from '../trait-definitions/yaml/definitions.loader';
import { parseArgs } from './cli-args';
import { io } from './cli-io';

const YAML_ORIGIN = 'yaml';

// [dir], else TRAIT_DEFINITIONS_DIR (from the environment or ./.env, as the service reads it).
function definitionsDir(positional: string | undefined): string {
  if (positional) return positional;
  if (!process.env.TRAIT_DEFINITIONS_DIR && existsSync('.env')) process.loadEnvFile('.env');
  return process.env.TRAIT_DEFINITIONS_DIR || './trait-definitions';
}

// Loads and checks a folder (trait definitions, audiences/ and destinations/); prints problems and returns
// undefined when it is not valid.
async function loadValid(
  dir: string,
): Promise<(LoadedDefinitions & { audiences: number; destinations: number }) | undefined> {
  const loaded = await loadDefinitionsDir(dir);
  if (!loaded.exists) {
    io.err(`${displayPath(loaded.dir)}: no such folder`);
    return undefined;
  }
  const audiences = await checkedAudienceFiles(loaded.dir, loaded.specs);
  const destinations = await checkedDestinationFiles(loaded.dir, loaded.specs);
  const issues = [...loaded.issues, ...audiences.issues, ...destinations.issues].sort(
    compareIssues,
  );
  if (issues.length === 0)
    return {
      ...loaded,
      audiences: audiences.count,
      destinations: destinations.count,
    };
  issues.forEach((issue) => io.err(formatIssue(issue)));
  const files = new Set(issues.map((i) => i.file)).size;
  io.err(`${issues.length} problem(s) in ${files} file(s)`);
  return undefined;
}

export async function defsValidate(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 1 });
  const loaded = await loadValid(definitionsDir(args.positionals[0]));
  if (!loaded) return 1;
  io.out(
    `${displayPath(loaded.dir)}: ${loaded.specs.length} trait definition(s) in ${loaded.files.length} file(s)` +
      `${loaded.audiences > 0 ? `, ${loaded.audiences} audience(s)` : ''}` +
      `${loaded.destinations > 0 ? `, ${loaded.destinations} destination(s)` : ''}, all valid`,
  );
  return 0;
}

// `defs plan` and `defs apply`: the same loader, then the service the running app uses.
export async function defsPlanOrApply(
  mode: 'plan' | 'apply',
  argv: readonly string[],
): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 1, flags: ['json'] });
  const loaded = await loadValid(definitionsDir(args.positionals[0]));
  if (!loaded) return 1;
  const { openDatabase } = await import('./cli-database');
  const { definitionsService } = await import('./cli-services');
  const { formatPlan } = await import('./plan-format');
  const db = await openDatabase();
  try {
    const service = definitionsService(db.dataSource);
    const plan =
      mode === 'plan'
        ? await service.plan(loaded.specs, YAML_ORIGIN)
        : await service.apply(loaded.specs, YAML_ORIGIN);
    // The tracking plan (events/): new schema versions that would reject recent events.
    const events = await import('../events/plan/plan-regressions');
    const regressions =
      mode === 'plan' ? await events.trackingPlanRegressions(db.dataSource, loaded.dir) : [];
    if (args.flags.has('json'))
      io.out(
        JSON.stringify(
          {
            applied: mode === 'apply',
            ...plan,
            ...(mode === 'plan' ? { trackingPlanRegressions: regressions } : {}),
          },
          null,
          2,
        ),
      );
    else
      io.out(
        `${mode === 'plan' ? 'Plan' : 'Applied'} for ${displayPath(loaded.dir)}:\n${formatPlan(plan)}` +
          (mode === 'plan' ? `\n${events.formatRegressions(regressions)}` : ''),
      );
    return mode === 'plan' && plan.conflicts.length > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}

import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AudienceRunnable } from '../../src/audiences/evaluation/audience-runnable';
import { AUDIENCES_QUEUE } from '../../src/audiences/evaluation/audiences.queue';
import { AudiencesStartup } from '../../src/audiences/yaml/audiences.startup';
import { RunnableSources } from '../../src/runs/runnable-sources';
import { createKey } from '../utils/keys';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';
import {
  ask,
  fullRuns,
  membership,
  save,
  user,
  waitForFullRuns,
  writeTraits,
} from './audience-helpers';

const AUDIENCE = `query($slug: String!) { audience(slug: $slug) { slug version origin file readOnly archived evaluationSchedule yaml } }`;

describe('audiences in trait-definitions/audiences/', () => {
  let t: TestApp;
  let dir: string;
  let writer: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tb-audiences-'));
    await mkdir(join(dir, 'audiences'));
    await writeFile(
      join(dir, 'game.yaml'),
      stringify({
        source: { kind: 'api' },
        traits: [
          { name: 'level', type: 'number' },
          { name: 'last_seen', type: 'timestamp' },
        ],
      }),
    );
    await writeFile(
      join(dir, 'audiences', 'veterans.yaml'),
      'name: Veterans\nowner: live-ops\nrule:\n  trait: level\n  op: gte\n  value: 50\n',
    );
    t = await startTestApp({ traitDefinitionsDir: dir });
    writer = await createKey(t, 'audience:write');
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies files at start; they are read-only in the API', async () => {
    const read = await ask(t, AUDIENCE, { slug: 'veterans' }, writer);
    expect(read.data.audience).toMatchObject({
      slug: 'veterans',
      version: 1,
      origin: 'yaml',
      file: 'audiences/veterans.yaml',
      readOnly: true,
      evaluationSchedule: null,
    });
    await waitForFullRuns(t, 'veterans');
    const edit = await save(t, writer, {
      slug: 'veterans',
      name: 'Veterans',
      rule: { trait: 'level', op: 'gte', value: 1 },
    });
    expect(edit.errors[0]).toMatchObject({
      message:
        'audience veterans is defined in trait-definitions/audiences/veterans.yaml and is read-only here; change the file',
      extensions: { code: 'CONFLICT' },
    });
    const archive = await ask(
      t,
      `mutation { archiveAudience(slug: "veterans") { slug } }`,
      {},
      writer,
    );
    expect(archive.errors[0].extensions.code).toBe('CONFLICT');
  });

  it('exports an audience to YAML; committed to the folder, the file takes it over; removed, it is archived', async () => {
    const rule = {
      all: [
        { trait: 'level', op: 'gte', value: 10 },
        { trait: 'last_seen', op: 'more_than_ago', value: '7d' },
      ],
    };
    await save(t, writer, {
      slug: 'lapsed',
      name: 'Lapsed',
      description: 'Level 10+ gone a week',
      rule,
    });
    const exported = await ask(t, AUDIENCE, { slug: 'lapsed' }, writer);
    expect(exported.data.audience).toMatchObject({
      origin: 'api',
      readOnly: false,
      evaluationSchedule: '*/15 * * * *',
    });
    await writeFile(join(dir, 'audiences', 'lapsed.yaml'), exported.data.audience.yaml);
    const startup = t.app.get(AudiencesStartup);
    await startup.onApplicationBootstrap();
    const taken = await ask(t, AUDIENCE, { slug: 'lapsed' }, writer);
    // Same definition, now managed by the file: a new version records the move.
    expect(taken.data.audience).toMatchObject({
      origin: 'yaml',
      file: 'audiences/lapsed.yaml',
      readOnly: true,
      version: 2,
    });

    await rm(join(dir, 'audiences', 'lapsed.yaml'));
    await startup.onApplicationBootstrap();
    const gone = await ask(t, AUDIENCE, { slug: 'lapsed' }, writer);
    expect(gone.data.audience).toMatchObject({ archived: true, readOnly: false });
  });

  it('stops the start on an invalid file, with file:line', async () => {
    await writeFile(
      join(dir, 'audiences', 'broken.yaml'),
      'name: Broken\nrule:\n  any:\n    - { trait: level, op: contains, value: x }\n',
    );
    const startup = t.app.get(AudiencesStartup);
    await expect(startup.onApplicationBootstrap()).rejects.toThrow(
      /audiences\/broken\.yaml:4:27: rule\.any\[0\]\.op: a number trait takes eq, ne/,
    );
    await rm(join(dir, 'audiences', 'broken.yaml'));
  });

  it('schedules full evaluations of rules with time windows', async () => {
    await save(t, writer, {
      slug: 'seen_lately',
      name: 'Seen lately',
      rule: { trait: 'last_seen', op: 'within_last', value: '1d' },
    });
    const queue = t.app.get<Queue>(getQueueToken(AUDIENCES_QUEUE));
    const schedulers = await waitFor('a scheduler', async () => {
      const all = await queue.getJobSchedulers(0, -1);
      return all.length > 0 && all;
    });
    const [audience] = await sql<{ id: string }>(
      t,
      `SELECT id FROM audience WHERE slug = 'seen_lately'`,
    );
    expect(schedulers.map((s) => [s.key, s.pattern])).toEqual([
      [`audience:${audience.id}`, '*/15 * * * *'],
    ]);
  });

  it('is a runnable source: `run <audience>` queues a full evaluation', async () => {
    const id = user();
    const profileId = await writeTraits(t, id, { level: 70 });
    const runnable = t.app.get(AudienceRunnable);
    expect(await runnable.find('audience:veterans')).toBe('veterans');
    expect(await runnable.find('nope')).toBeUndefined();
    expect(runnable.refOfTrait({ kind: 'audience', audience: 'veterans' })).toBe('veterans');
    const before = (await fullRuns(t, 'veterans')).length;
    // Through the registry behind `traitbase run` and triggerRun, by the audience's trait name.
    const queued = await t.app.get(RunnableSources).trigger('audience:veterans');
    expect(queued).toMatchObject({
      kind: 'audience',
      source: 'veterans',
      jobId: expect.any(String),
    });
    const runs = await waitForFullRuns(t, 'veterans', before + 1);
    expect(runs.at(-1)!.metadata).toMatchObject({ trigger: 'manual' });
    expect(await membership(t, 'veterans', profileId)).toBe(true);
  });
});

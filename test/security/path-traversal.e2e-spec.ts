import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAudienceFiles } from '../../src/audiences/yaml/audience-files.loader';
import { loadDestinationFiles } from '../../src/destinations/yaml/destination-files.loader';
import { loadIdentityConfig } from '../../src/identity/config/identity-config.loader';
import { NotebookRunner } from '../../src/sources/notebook/notebook-runner.service';
import { parseDefinitionFile } from '../../src/trait-definitions/yaml/definition-file.parser';
import { loadDefinitionsDir } from '../../src/trait-definitions/yaml/definitions.loader';
import { readWebAsset } from '../../src/ui/web-assets';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from '../factories/trait-definition.factory';
import { gql } from '../utils/graphql-request';
import { startRepoTestApp, TestApp } from '../utils/test-app';

jest.setTimeout(60_000);

const REPO = resolve(__dirname, '..', '..');
// Inside the project folder: a notebook that is really there, to prove the same run works.
const GOOD = 'test/fixtures/notebooks/writes_output.ipynb';
const ESCAPES = ['../../etc/passwd', 'notebooks/../../../etc/passwd', '/etc/passwd'];
const ENCODED = [
  'notebooks/%2e%2e/%2e%2e/etc/passwd',
  'notebooks%2f..%2f..%2fetc',
  'nb.ipynb%00.txt',
];

function notebookFile(notebook: string): string {
  return `source:
  kind: notebook
  notebook: ${JSON.stringify(notebook)}
  output: { format: csv, identity: { column: user_id, type: user_id } }
traits:
  - { name: score_x, type: number }
`;
}

// A raw GET, so the client does not normalise `..` away before the server sees it.
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('path traversal', () => {
  let t: TestApp;
  let outside: string;

  beforeAll(async () => {
    t = await startRepoTestApp();
    outside = mkdtempSync(join(tmpdir(), 'traitbase-outside-'));
    writeFileSync(join(outside, 'secret.yaml'), 'secret: outside the folder\n');
    writeFileSync(join(outside, 'secret.ipynb'), '{"nbformat": 4, "cells": []}');
  });
  afterAll(async () => {
    await t?.close();
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses a notebook path with .., a NUL byte or URL-encoding in a definition, naming the field', () => {
    for (const notebook of ['../../etc/passwd.ipynb', ...ENCODED, 'a\0b.ipynb']) {
      const parsed = parseDefinitionFile(notebookFile(notebook), {
        relative: 'x.yaml',
        display: 'x.yaml',
      });
      expect(parsed.issues.map((i) => `${i.path}: ${i.rule}`)).toEqual([
        expect.stringMatching(/^source\.notebook: must not (climb|contain)/),
      ]);
    }
    const fine = parseDefinitionFile(notebookFile(GOOD), { relative: 'x.yaml', display: 'x.yaml' });
    expect(fine.issues).toEqual([]);
  });

  it('never reads a notebook outside the project folder, whatever the stored definition says', async () => {
    const link = join(
      REPO,
      'test',
      'fixtures',
      'notebooks',
      `link-${randomBytes(4).toString('hex')}.ipynb`,
    );
    symlinkSync(join(outside, 'secret.ipynb'), link);
    try {
      const linked = link.slice(REPO.length + 1);
      const cases: [string, RegExp][] = [
        ...ESCAPES.map((p): [string, RegExp] => [p, /^notebook: must (stay inside|not climb)/]),
        [join(outside, 'secret.ipynb'), /^notebook: must stay inside the project folder/],
        [linked, /^notebook: is a symbolic link pointing outside the project folder/],
        ...ENCODED.map((p): [string, RegExp] => [p, /^notebook: must not contain URL-encoded/]),
      ];
      // Stored directly, as an older release (or a hand-edited row) could have left them.
      const specs = cases.map(([notebook]) =>
        traitSpec({
          name: uniqueName('nb'),
          source: {
            kind: 'notebook',
            notebook,
            output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
          },
        }),
      );
      await insertTraitDefinitions(t.db.url, t.db.schema, specs);
      for (const [notebook, rule] of cases) {
        const run = await t.app.get(NotebookRunner).run(notebook, { kind: 'manual' });
        expect({ notebook, status: run?.status }).toEqual({ notebook, status: 'failed' });
        expect(run?.error).toMatch(rule);
      }
    } finally {
      rmSync(link, { force: true });
    }
  });

  it('answers triggerNotebookRun with a path outside the project as bad input naming the field', async () => {
    const TRIGGER = 'mutation($n: String!) { triggerNotebookRun(notebook: $n) { jobId } }';
    for (const n of ['../../etc/passwd', 'notebooks/%2e%2e/x.ipynb', 'x\0.ipynb']) {
      const res = await gql(t.url, TRIGGER, { n }, t.adminKey);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(/^notebook: must not/);
    }
  });

  it('does not follow definition files or folders that link outside the definitions folder', async () => {
    const defs = mkdtempSync(join(tmpdir(), 'traitbase-defs-'));
    try {
      mkdirSync(join(defs, 'audiences'));
      mkdirSync(join(defs, 'destinations'));
      symlinkSync(join(outside, 'secret.yaml'), join(defs, 'stolen.yaml'));
      symlinkSync(outside, join(defs, 'elsewhere'));
      symlinkSync(defs, join(defs, 'loop')); // inside, but a cycle: read once
      symlinkSync(join(outside, 'secret.yaml'), join(defs, 'audiences', 'stolen.yaml'));
      symlinkSync(join(outside, 'secret.yaml'), join(defs, 'destinations', 'stolen.yaml'));
      symlinkSync(join(outside, 'secret.yaml'), join(defs, 'identity.yaml'));
      const rule = 'is a symbolic link pointing outside the definitions folder';

      const loaded = await loadDefinitionsDir(defs);
      expect(loaded.files).toEqual([]);
      expect(loaded.issues.map((i) => `${i.file.split('/').pop()}: ${i.rule}`)).toEqual([
        `elsewhere: ${rule}`,
        `stolen.yaml: ${rule}`,
      ]);
      for (const folder of [await loadAudienceFiles(defs), await loadDestinationFiles(defs)]) {
        expect(folder.issues.map((i) => `${i.path}: ${i.rule}`)).toEqual([`(file): ${rule}`]);
      }
      const identity = await loadIdentityConfig(defs);
      expect(identity.rules).toBeNull();
      expect(identity.issues.map((i) => i.rule)).toEqual([rule]);
    } finally {
      rmSync(defs, { recursive: true, force: true });
    }
  });

  it('serves no file outside the web assets: .., encoded, NUL, malformed escapes, symlinks', async () => {
    const attempts = [
      '/../../../../etc/passwd',
      '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/%252e%252e/%252e%252e/etc/passwd',
      '/assets/..%5c..%5c..%5cetc%5cpasswd.txt',
      '/index.html%00.txt',
      '/%E0%A4%A.js',
      '/assets/%C0%AE%C0%AE/x.js',
    ];
    for (const path of attempts) {
      const res = await rawGet(t.url, path);
      // The UI's index for a client route (503 when the UI is not built), or 404: never the file.
      expect({ path, status: [200, 400, 404, 503].includes(res.status) }).toEqual({
        path,
        status: true,
      });
      expect(res.body).not.toContain('root:');
    }
    // The reader itself, over a folder holding a link to a file outside it.
    const root = mkdtempSync(join(tmpdir(), 'traitbase-web-'));
    try {
      writeFileSync(join(root, 'ok.txt'), 'fine');
      symlinkSync(join(outside, 'secret.yaml'), join(root, 'leak.txt'));
      expect(readWebAsset(root, '/ok.txt')?.body.toString()).toBe('fine');
      expect(readWebAsset(root, '/leak.txt')).toBeUndefined();
      expect(readWebAsset(root, '/%2e%2e/etc/passwd.txt')).toBeUndefined();
      expect(readWebAsset(root, '/ok.txt%00')).toBeUndefined();
      expect(readWebAsset(root, '/%E0%A4%A.txt')).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

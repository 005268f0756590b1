import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import { RateLimiter } from '../../src/api-keys/rate-limiter.service';
import { ScopesGuard } from '../../src/api-keys/scopes.guard';
import { REDIS } from '../../src/redis/redis.module';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { startTestApp, TestApp } from '../utils/test-app';

const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted revisions rejected { reason } } }`;
const MERGE = `mutation M($into: IdentityInput!, $from: IdentityInput!) { mergeProfiles(into: $into, from: $from) { profileId } }`;
const PROFILE = `query P($id: IdentityInput!) { profile(identity: $id) {
  identities { type value }
  merges { identities { type value } }
  traits { name value provenance { identity { type value } } }
  history(trait: "${'$TRAIT'}") { provenance { identity { type value } } }
} }`;
const EXPLAIN = `query E($id: IdentityInput!, $at: DateTime!) { explain(identity: $id, at: $at) {
  profile { identities { type value } merges { identities { type value } } }
  values { trait { name provenance { identity { type value } } } merge { identities { type value } } }
  changes { nodes { kind identity { type value } merge { identities { type value } } provenance { identity { type value } } } }
} }`;
const PREDICT = `mutation { recordPredictions(trait: "$TRAIT", modelVersion: "m1", runId: "r1", rows: [{ identity: "$USER", value: 0.9 }]) { rows } }`;

describe('scope holes: PII identities, traits:write, fail-closed guard, introspection, /health', () => {
  let t: TestApp;
  const email = `ana.${randomUUID().slice(0, 8)}@example.com`;
  const user = { type: 'user_id', value: randomUUID() };
  const level = traitSpec({ type: 'number' });
  const churn = traitSpec({ type: 'number', source: { kind: 'notebook' } as never });
  let reader: string;
  let pii: string;
  let ingest: string;
  let writer: string;

  beforeAll(async () => {
    t = await startTestApp({ introspection: false });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    reader = await createKey(t, 'profile:read');
    pii = await createKey(t, 'profile:read:pii');
    ingest = await createKey(t, 'ingest');
    writer = await createKey(t, 'traits:write');
    // A value arrives through the email, another through the user id; an admin merges them.
    for (const [identity, value] of [
      [{ type: 'email', value: email }, 1],
      [user, 2],
    ] as const) {
      const w = await gql<any>(
        t.url,
        WRITE,
        { input: { rows: [{ identity, trait: level.name, value }] } },
        writer,
      );
      expect(w.errors).toBeUndefined();
    }
    const m = await gql<any>(
      t.url,
      MERGE,
      { into: user, from: { type: 'email', value: email } },
      t.adminKey,
    );
    expect(m.errors).toBeUndefined();
    await gql(
      t.url,
      WRITE,
      {
        input: {
          rows: [{ identity: { type: 'email', value: email }, trait: level.name, value: 3 }],
        },
      },
      writer,
    );
  });
  afterAll(() => t.close());

  const profileQuery = PROFILE.replace('$TRAIT', level.name);

  it('profile:read sees no PII identity value on identities, merges, provenance or history', async () => {
    const res = await gql<any>(t.url, profileQuery, { id: user }, reader);
    expect(res.errors).toBeUndefined();
    const text = JSON.stringify(res.data);
    expect(text).not.toContain(email);
    expect(res.data.profile.identities).toContainEqual({ type: 'email', value: '[redacted]' });
    expect(res.data.profile.identities).toContainEqual(user);
    expect(text).toContain('[redacted]');
  });

  it('profile:read:pii and admin see the email', async () => {
    for (const key of [pii, t.adminKey]) {
      const res = await gql<any>(t.url, profileQuery, { id: user }, key);
      expect(res.data.profile.identities).toContainEqual({ type: 'email', value: email });
      expect(JSON.stringify(res.data.profile.merges)).toContain(email);
    }
  });

  it('REST verbose=true masks the provenance identity for profile:read', async () => {
    const get = async (key: string) => {
      const res = await fetch(`${t.url}/v1/profiles/user_id:${user.value}/traits?verbose=true`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const asReader = await get(reader);
    expect(asReader).not.toContain(email);
    expect(asReader).toContain('[redacted]');
    expect(await get(pii)).toContain(email);
  });

  it('explain shows no PII identity to profile:read (values, merges, changes)', async () => {
    const res = await gql<any>(t.url, EXPLAIN, { id: user, at: new Date().toISOString() }, reader);
    expect(res.errors).toBeUndefined();
    expect(JSON.stringify(res.data)).not.toContain(email);
    const asPii = await gql<any>(t.url, EXPLAIN, { id: user, at: new Date().toISOString() }, pii);
    expect(JSON.stringify(asPii.data)).toContain(email);
  });

  it('errors never echo a PII identity value', async () => {
    const other = `zed.${randomUUID().slice(0, 8)}@example.com`;
    const res = await fetch(`${t.url}/v1/profiles/email:${other}/traits`, {
      headers: { authorization: `Bearer ${pii}` },
    });
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).not.toContain(other);
    expect(body).toContain('email:[redacted]');
  });

  it('ingest alone may not write traits or record predictions; traits:write may', async () => {
    const w = await gql<any>(
      t.url,
      WRITE,
      { input: { rows: [{ identity: user, trait: level.name, value: 99 }] } },
      ingest,
    );
    expect(w.status).toBe(403);
    expect(w.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(w.errors?.[0].message).toContain('traits:write');
    const p = await gql<any>(
      t.url,
      PREDICT.replace('$TRAIT', churn.name).replace('$USER', user.value),
      {},
      ingest,
    );
    expect(p.status).toBe(403);
    const rest = await fetch(`${t.url}/v1/predictions?trait=${churn.name}&modelVersion=m1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'text/csv' },
      body: 'user_id,value\nu1,0.5\n',
    });
    expect(rest.status).toBe(403);
    const after = await gql<any>(
      t.url,
      `query P($id: IdentityInput!) { profile(identity: $id) { trait(name: "${level.name}") { value } } }`,
      { id: user },
      reader,
    );
    expect(after.data.profile.trait.value).not.toBe(99);
  });

  it('the guard refuses a handler that declares no scope and is not marked public', async () => {
    class Unmarked {
      handler() {
        return 'secret';
      }
    }
    const guard = new ScopesGuard(
      t.app.get(Reflector),
      t.app.get(ApiKeysService),
      t.app.get(RateLimiter),
    );
    const req = { headers: { authorization: `Bearer ${t.adminKey}` } };
    const ctx = new ExecutionContextHost([req, {}], Unmarked, Unmarked.prototype.handler);
    ctx.setType('http');
    await expect(guard.canActivate(ctx)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('introspection follows GRAPHQL_INTROSPECTION=false, with or without a key', async () => {
    for (const key of [undefined, reader, t.adminKey]) {
      const res = await gql<any>(t.url, '{ __schema { types { name } } }', {}, key);
      expect(res.data?.__schema).toBeUndefined();
      expect(res.status).toBe(400);
      expect(res.errors?.[0].message).toMatch(/introspection/i);
    }
  });

  it('/health tells anonymous callers up/down only', async () => {
    const res = await fetch(`${t.url}/health`);
    const body: any = await res.json();
    expect(body).toEqual({
      status: 'ok',
      checks: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
    const metrics = await fetch(`${t.url}/metrics`);
    expect(metrics.status).toBe(200);

    // With Redis unreachable: anonymous learns "down", only an admin key reads the reason.
    const redis = t.app.get<Redis>(REDIS);
    redis.disconnect();
    try {
      const down = await fetch(`${t.url}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        status: 'error',
        checks: { postgres: { status: 'up' }, redis: { status: 'down' } },
      });
      const admin: any = await (
        await fetch(`${t.url}/health`, { headers: { authorization: `Bearer ${t.adminKey}` } })
      ).json();
      expect(admin.checks.redis).toEqual({ status: 'down', error: expect.any(String) });
    } finally {
      await redis.connect();
    }
  });
});

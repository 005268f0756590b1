import { renderBody } from '../delivery/render';
import type { DestinationSpec } from '../spec/destination-spec';
import { buildRecord, ProfileData, RecordCause, RecordType, TraitMeta } from './record-builder';

const AT = new Date('2026-12-04T12:00:01.234Z');
const SEEN = '2026-11-30T08:15:30.500Z';
const meta = new Map<string, TraitMeta>([
  ['ltv', { type: 'number', pii: false }],
  ['last_seen', { type: 'timestamp', pii: false }],
]);
const data: ProfileData = {
  traits: new Map<string, unknown>([
    ['ltv', 120],
    ['last_seen', SEEN],
  ]),
  identities: new Map([['user_id', 'u42']]),
};
const base: DestinationSpec = {
  name: 'CRM',
  kind: 'webhook',
  url_env: 'CRM_URL',
  secret_env: 'CRM_SECRET',
  audiences: ['whales'],
  traits: ['ltv', 'last_seen'],
  identities: ['user_id'],
};
const cause = (type: RecordType): RecordCause => ({
  type,
  reason: type,
  subject: type === 'changed' ? 'ltv' : 'audience:whales',
  audience: type === 'changed' ? null : 'whales',
  at: AT,
  position: 1,
});
const build = (spec: DestinationSpec, type: RecordType) =>
  buildRecord('dest-1', spec, 'p1', cause(type), data, meta);

describe('record builder: mode', () => {
  it('upsert (the default): every record is an upsert, an exit sets the membership false', () => {
    for (const spec of [base, { ...base, mode: 'upsert' as const }])
      expect(
        (['entered', 'exited', 'changed'] as const).map((t) => build(spec, t).payload.action),
      ).toEqual(['upsert', 'upsert', 'upsert']);
    const exit = build({ ...base, kind: 'braze' }, 'exited');
    expect(renderBody({ ...base, kind: 'braze' }, [{ ...exit.payload, deliveryId: 'd' }])).toEqual({
      attributes: [expect.objectContaining({ external_id: 'p1', audience_whales: false })],
    });
  });

  it('mirror: an exit removes; entries and changes stay upserts', () => {
    const mirror: DestinationSpec = { ...base, mode: 'mirror' };
    expect(
      (['entered', 'exited', 'changed'] as const).map((t) => build(mirror, t).payload.action),
    ).toEqual(['upsert', 'remove', 'upsert']);
    const exit = build(mirror, 'exited');
    expect(exit.payload).toMatchObject({ type: 'exited', audience: 'whales', action: 'remove' });
    expect(renderBody(mirror, [{ ...exit.payload, deliveryId: 'd' }])).toEqual({
      batch: [{ ...exit.payload, deliveryId: 'd' }],
    });
    const braze: DestinationSpec = { ...mirror, kind: 'braze' };
    expect(renderBody(braze, [{ ...build(braze, 'exited').payload, deliveryId: 'd' }])).toEqual({
      attributes: [expect.objectContaining({ external_id: 'p1', audience_whales: null })],
    });
  });

  it('a remove and an upsert exit are different payloads (the action is part of the hash)', () => {
    expect(build({ ...base, mode: 'mirror' }, 'exited').payloadHash).not.toBe(
      build(base, 'exited').payloadHash,
    );
  });
});

describe('record builder: timestamp_format', () => {
  const fields = { user_id: 'u42', ltv: 120 };

  it('iso (the default): the record time and timestamp traits as ISO 8601 text', () => {
    for (const spec of [base, { ...base, timestamp_format: 'iso' as const }])
      expect(build(spec, 'entered').payload).toMatchObject({
        at: '2026-12-04T12:00:01.234Z',
        fields: { ...fields, last_seen: SEEN },
      });
  });

  it('epoch_s: whole seconds since 1970, rounded down', () => {
    expect(build({ ...base, timestamp_format: 'epoch_s' }, 'entered').payload).toMatchObject({
      at: 1796385601,
      fields: { ...fields, last_seen: 1796026530 },
    });
  });

  it('epoch_ms: milliseconds since 1970', () => {
    expect(build({ ...base, timestamp_format: 'epoch_ms' }, 'entered').payload).toMatchObject({
      at: 1796385601234,
      fields: { ...fields, last_seen: 1796026530500 },
    });
  });

  it('the time is not part of the payload hash: the same record later is identical', () => {
    const later = buildRecord(
      'dest-1',
      base,
      'p1',
      { ...cause('entered'), at: new Date(AT.getTime() + 60_000) },
      data,
      meta,
    );
    expect(later.payload.at).not.toBe(build(base, 'entered').payload.at);
    expect(later.payloadHash).toBe(build(base, 'entered').payloadHash);
  });
});

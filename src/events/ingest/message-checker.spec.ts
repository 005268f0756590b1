import type { EventTraitMap } from '../event-traits/event-trait-map.service';
import { EMPTY_PLAN } from '../plan/tracking-plan';
import { CheckContext, checkMessage } from './message-checker';
import { EVENT_SHARDS, shardOf } from './shard';

const NO_TRAITS: EventTraitMap = { identify: [], track: new Map() };
const ctx: CheckContext = {
  plan: EMPTY_PLAN,
  source: { id: 'k1', name: 'web' },
  traits: NO_TRAITS,
  defaults: {},
};

function reasonsOf(raw: unknown, route: Parameters<typeof checkMessage>[2] = null) {
  const checked = checkMessage(raw, 0, route, ctx);
  return checked.ok ? [] : checked.message.reasons.map((r) => `${r.pointer} ${r.keyword}`);
}

describe('checkMessage: the Segment field rules', () => {
  it('accepts minimal valid calls of every type', () => {
    expect(reasonsOf({ type: 'track', userId: 'u', event: 'E' })).toEqual([]);
    expect(reasonsOf({ type: 'identify', anonymousId: 'a', traits: { x: 1 } })).toEqual([]);
    expect(reasonsOf({ type: 'page', userId: 'u' })).toEqual([]);
    expect(reasonsOf({ type: 'screen', userId: 42, name: 'Home' })).toEqual([]);
    expect(reasonsOf({ type: 'group', userId: 'u', groupId: 'g' })).toEqual([]);
    expect(reasonsOf({ type: 'alias', userId: 'u', previousId: 'a' })).toEqual([]);
  });

  it('names each broken rule with a JSON pointer', () => {
    expect(reasonsOf({ type: 'track', event: 'E' })).toEqual([' identity']);
    expect(reasonsOf({ type: 'track', userId: 'u' })).toEqual(['/event required']);
    expect(reasonsOf({ type: 'track', userId: 'u', event: 7 })).toEqual(['/event type']);
    expect(reasonsOf({ type: 'group', userId: 'u' })).toEqual(['/groupId required']);
    expect(reasonsOf({ type: 'alias', anonymousId: 'a' })).toEqual([
      '/userId required',
      '/previousId required',
    ]);
    expect(reasonsOf({ type: 'track', userId: 'u', event: 'E', properties: [] })).toEqual([
      '/properties type',
    ]);
    expect(reasonsOf({ type: 'track', userId: 'u', event: 'E', timestamp: 'yesterday' })).toEqual([
      '/timestamp format',
    ]);
    expect(reasonsOf({ type: 'track', userId: '   ', event: 'E' })).toEqual(['/userId identity']);
    expect(reasonsOf({ type: 'nope', userId: 'u' })).toEqual(['/type enum']);
    expect(reasonsOf('not an object')).toEqual([' type']);
  });

  it('takes the type from the route, drops the write key, fills the batch defaults', () => {
    const checked = checkMessage({ userId: 'u', event: 'E', writeKey: 'secret' }, 3, 'track', {
      ...ctx,
      defaults: { context: { ip: '1.2.3.4' } },
    });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(JSON.parse(checked.message.payload)).toEqual({
      type: 'track',
      userId: 'u',
      event: 'E',
      context: { ip: '1.2.3.4' },
    });
    expect(checked.message.index).toBe(3);
  });

  it('gives messages without messageId a content hash, so identical re-sends deduplicate', () => {
    const a = checkMessage({ type: 'track', userId: 'u', event: 'E' }, 0, null, ctx);
    const b = checkMessage({ type: 'track', userId: 'u', event: 'E' }, 0, null, ctx);
    const c = checkMessage({ type: 'track', userId: 'u', event: 'F' }, 0, null, ctx);
    const id = (x: typeof a) => (x.ok ? x.message.envelope.messageId : null);
    expect(id(a)).toMatch(/^sha256:/);
    expect(id(a)).toBe(id(b));
    expect(id(a)).not.toBe(id(c));
  });

  it('rejects messages over 32 KB and text jsonb cannot hold', () => {
    expect(
      reasonsOf({
        type: 'track',
        userId: 'u',
        event: 'E',
        properties: { s: 'x'.repeat(33 * 1024) },
      }),
    ).toEqual([' maxSize']);
    expect(
      reasonsOf({ type: 'track', userId: 'u', event: 'E', properties: { s: 'a\u0000' } }),
    ).toEqual([' unicode']);
    expect(
      reasonsOf({ type: 'track', userId: 'u', event: 'E', properties: { s: '\udc00x' } }),
    ).toEqual([' unicode']);
    expect(
      reasonsOf({ type: 'track', userId: 'u', event: 'E', properties: { s: '\\u0000 and 😀' } }),
    ).toEqual([]);
  });

  it('shards by anonymousId, else userId, within range', () => {
    expect(shardOf('u1', 'a')).toBe(shardOf(null, 'a'));
    expect(shardOf('u1', 'a')).toBe(shardOf('u2', 'a'));
    expect(shardOf('u1', null)).toBe(shardOf(null, 'u1'));
    for (let i = 0; i < 100; i++) expect(shardOf(`u${i}`, null)).toBeLessThan(EVENT_SHARDS);
  });
});

import type { EventFact, ProfileFacts } from './profile-facts';
import { evaluateRule } from './rule-evaluator';

const NOW = new Date('2026-06-01T12:00:00Z');
const h = (hours: number) => NOW.getTime() - hours * 3_600_000;
const ev = (
  event: string,
  hoursAgo: number,
  properties: Record<string, unknown> = {},
): EventFact => ({
  event,
  at: h(hoursAgo),
  properties,
});

function facts(
  p: Partial<{ traits: Record<string, unknown>; identities: string[]; events: EventFact[] }>,
): ProfileFacts {
  return {
    traits: new Map(Object.entries(p.traits ?? {})),
    identities: new Set(p.identities ?? []),
    events: p.events ?? [],
  };
}

describe('the in-memory evaluator', () => {
  const funnel = { funnel: [{ event: 'View' }, { event: 'Purchase' }], within: '1d' };

  it('matches a funnel in order within its window, not purchase before view', () => {
    expect(evaluateRule(funnel, facts({ events: [ev('View', 5), ev('Purchase', 2)] }), NOW)).toBe(
      true,
    );
    expect(evaluateRule(funnel, facts({ events: [ev('Purchase', 5), ev('View', 2)] }), NOW)).toBe(
      false,
    );
    expect(evaluateRule(funnel, facts({ events: [ev('View', 30), ev('Purchase', 2)] }), NOW)).toBe(
      false,
    );
    // An earlier view outside the window does not hide a later one inside it.
    expect(
      evaluateRule(
        funnel,
        facts({ events: [ev('View', 30), ev('View', 10), ev('Purchase', 2)] }),
        NOW,
      ),
    ).toBe(true);
    // Events after the evaluation time do not count.
    expect(evaluateRule(funnel, facts({ events: [ev('View', 5), ev('Purchase', -1)] }), NOW)).toBe(
      false,
    );
  });

  it('matches "E1 but not E2 within" only once the window has passed', () => {
    const abandoned = {
      funnel: [{ event: 'View' }],
      then_not: { event: 'Purchase' },
      within: '1d',
    };
    expect(evaluateRule(abandoned, facts({ events: [ev('View', 30)] }), NOW)).toBe(true);
    expect(
      evaluateRule(abandoned, facts({ events: [ev('View', 30), ev('Purchase', 20)] }), NOW),
    ).toBe(false);
    expect(
      evaluateRule(abandoned, facts({ events: [ev('View', 30), ev('Purchase', 2)] }), NOW),
    ).toBe(true);
    expect(evaluateRule(abandoned, facts({ events: [ev('View', 3)] }), NOW)).toBe(false);
  });

  it('counts events in a window with property filters; at most includes none', () => {
    const twoBig = {
      event: 'Purchase',
      count: { gte: 2 },
      within: '7d',
      where: [{ property: 'revenue', op: 'gt' as const, value: 10 }],
    };
    const events = [
      ev('Purchase', 1, { revenue: 20 }),
      ev('Purchase', 2, { revenue: '30' }),
      ev('Purchase', 3, { revenue: 11 }),
    ];
    expect(evaluateRule(twoBig, facts({ events }), NOW)).toBe(true);
    expect(evaluateRule(twoBig, facts({ events: events.slice(0, 2) }), NOW)).toBe(false);
    const atMostOne = { event: 'Purchase', count: { lte: 1 } };
    expect(evaluateRule(atMostOne, facts({}), NOW)).toBe(true);
    expect(evaluateRule(atMostOne, facts({ events }), NOW)).toBe(false);
    const nested = {
      event: 'Purchase',
      where: [{ property: 'product.sku', op: 'starts_with' as const, value: 'GEM' }],
    };
    expect(
      evaluateRule(
        nested,
        facts({ events: [ev('Purchase', 1, { product: { sku: 'GEM-100' } })] }),
        NOW,
      ),
    ).toBe(true);
  });

  it('reads "last performed" within or not within a window', () => {
    const lapsed = {
      event: 'Session Started',
      last: { op: 'more_than_ago' as const, value: '7d' },
    };
    expect(evaluateRule(lapsed, facts({ events: [ev('Session Started', 24 * 8)] }), NOW)).toBe(
      true,
    );
    expect(
      evaluateRule(
        lapsed,
        facts({ events: [ev('Session Started', 24 * 8), ev('Session Started', 1)] }),
        NOW,
      ),
    ).toBe(false);
    // Never played is not "last played more than 7 days ago"; `not` of a recent session is.
    expect(evaluateRule(lapsed, facts({}), NOW)).toBe(false);
    expect(evaluateRule({ not: { event: 'Session Started', within: '7d' } }, facts({}), NOW)).toBe(
      true,
    );
  });

  it('compares traits by type: numbers, strings, timestamps; missing values match only missing', () => {
    const t = facts({
      traits: { ltv: 60, country: 'KH', seen: '2026-05-30T12:00:00.000Z', vip: true },
    });
    expect(
      evaluateRule(
        {
          all: [
            { trait: 'ltv', op: 'between', value: [50, 60] },
            { trait: 'country', op: 'in', value: ['KH', 'TH'] },
          ],
        },
        t,
        NOW,
      ),
    ).toBe(true);
    expect(evaluateRule({ trait: 'seen', op: 'within_last', value: '3d' }, t, NOW)).toBe(true);
    expect(evaluateRule({ trait: 'seen', op: 'more_than_ago', value: '3d' }, t, NOW)).toBe(false);
    expect(evaluateRule({ trait: 'vip', op: 'eq', value: true }, t, NOW)).toBe(true);
    expect(evaluateRule({ trait: 'churn', op: 'ne', value: 1 }, t, NOW)).toBe(false);
    expect(evaluateRule({ trait: 'churn', op: 'missing' }, t, NOW)).toBe(true);
    expect(evaluateRule({ trait: 'country', op: 'gt', value: 1 }, t, NOW)).toBe(false);
  });

  it('reads identities and other audiences', () => {
    const t = facts({ traits: { 'audience:vip': true }, identities: ['email'] });
    expect(
      evaluateRule(
        {
          all: [
            { identity: 'email' },
            { audience: 'vip' },
            { identity: 'device_id', op: 'missing' },
          ],
        },
        t,
        NOW,
      ),
    ).toBe(true);
    expect(evaluateRule({ audience: 'whales' }, t, NOW)).toBe(false);
  });
});

import { eventTime, PendingRow, resolvedMessage, timedMessage } from './inbox-message';

function row(overrides: Partial<PendingRow>): PendingRow {
  return {
    id: '1',
    source_id: 'k',
    message_id: 'm',
    type: 'track',
    event: 'E',
    received_at: new Date('2026-05-01T12:00:00.000Z'),
    schema_version: null,
    user_id: 'u',
    anonymous_id: null,
    previous_id: null,
    timestamp: null,
    original_timestamp: null,
    sent_at: null,
    trait_source: null,
    ...overrides,
  };
}

describe('event time and identities of an inbox row', () => {
  it("follows Segment's rule: timestamp, else receivedAt corrected by the client's clock skew, else receivedAt", () => {
    expect(eventTime(row({ timestamp: '2026-04-30T00:00:00Z' })).toISOString()).toBe(
      '2026-04-30T00:00:00.000Z',
    );
    // The client's clock is 10 s ahead: sentAt - originalTimestamp = 5 s of queueing.
    const skewed = row({
      original_timestamp: '2026-05-01T12:00:05.000Z',
      sent_at: '2026-05-01T12:00:10.000Z',
    });
    expect(eventTime(skewed).toISOString()).toBe('2026-05-01T11:59:55.000Z');
    expect(eventTime(row({})).toISOString()).toBe('2026-05-01T12:00:00.000Z');
    expect(eventTime(row({ timestamp: 'garbage' })).toISOString()).toBe('2026-05-01T12:00:00.000Z');
  });

  it('observes trait values no later than 1 h after receipt', () => {
    const future = timedMessage(row({ timestamp: '2026-05-03T00:00:00Z' }), 'anonymous_id');
    expect(future.time.toISOString()).toBe('2026-05-03T00:00:00.000Z');
    expect(future.observedAt.toISOString()).toBe('2026-05-01T12:00:00.000Z');
  });

  it('observes userId with anonymousId, and an alias previousId with the type it already has', () => {
    expect(timedMessage(row({ anonymous_id: 'a' }), 'anonymous_id').observed).toEqual([
      { type: 'user_id', value: 'u' },
      { type: 'anonymous_id', value: 'a' },
    ]);
    expect(timedMessage(row({ type: 'alias', previous_id: 'old' }), 'user_id').observed).toEqual([
      { type: 'user_id', value: 'u' },
      { type: 'user_id', value: 'old' },
    ]);
  });

  it('arrives through userId unless it was dropped, and fails without a usable identity', () => {
    const m = timedMessage(row({ anonymous_id: 'a' }), 'anonymous_id');
    const base = { created: false, merged: [], violations: [], noop: false };
    expect(resolvedMessage(m, { ...base, profileId: 'p', dropped: [] })).toMatchObject({
      identity: { type: 'user_id', value: 'u' },
      profileId: 'p',
    });
    expect(
      resolvedMessage(m, { ...base, profileId: 'p', dropped: [{ index: 0, reason: 'blocked' }] }),
    ).toMatchObject({
      identity: { type: 'anonymous_id', value: 'a' },
    });
    expect(
      resolvedMessage(m, {
        ...base,
        profileId: null,
        noop: true,
        dropped: [
          { index: 0, reason: 'blocked' },
          { index: 1, reason: 'blocked' },
        ],
      }),
    ).toMatch(/^identity: no usable userId or anonymousId/);
  });
});

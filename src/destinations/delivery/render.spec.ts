import type { DestinationSpec } from '../spec/destination-spec';
import { backoffMs } from './backoff';
import { retryAfterMs, signature } from './http-sender';
import { OutgoingRecord, renderBody } from './render';

const base: DestinationSpec = { name: 'x', kind: 'webhook', url: 'http://x', audiences: ['vip'] };
const entered: OutgoingRecord = {
  deliveryId: 'd1',
  type: 'entered',
  action: 'upsert',
  profileId: 'p1',
  audience: 'vip',
  fields: { external_id: 'u42', ltv: 120 },
  at: 1700000000,
};
const exited: OutgoingRecord = { ...entered, deliveryId: 'd2', type: 'exited', action: 'remove' };

describe('destination payloads', () => {
  it('webhook: the records as a batch', () => {
    expect(renderBody(base, [entered])).toEqual({ batch: [entered] });
  });

  it('braze: users/track attributes keyed by external_id, membership as an attribute', () => {
    expect(renderBody({ ...base, kind: 'braze' }, [entered, exited])).toEqual({
      attributes: [
        { external_id: 'u42', ltv: 120, audience_vip: true, _update_existing_only: false },
        { external_id: 'u42', ltv: 120, audience_vip: null, _update_existing_only: false },
      ],
    });
  });

  it('slack: one incoming-webhook message per batch', () => {
    expect(renderBody({ ...base, kind: 'slack' }, [entered])).toEqual({
      text: '• profile p1 entered *vip* (external_id: u42, ltv: 120)',
    });
  });

  it('signs, reads Retry-After and backs off with jitter', () => {
    expect(signature('s', 1, '{}')).toMatch(/^t=1,v1=[0-9a-f]{64}$/);
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(61_000).toUTCString(), 1000)).toBe(60_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(backoffMs(100, 1, 0)).toBe(50);
    expect(backoffMs(100, 4, 1)).toBe(800);
    expect(backoffMs(1000, 30, 1)).toBe(300_000);
  });
});

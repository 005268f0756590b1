import type { Player } from './studio';

// Segment-spec messages for the studio's players, as the game's mobile SDK would send them: an
// install seen only by the device's anonymousId, an identify that links it to the account, then
// sessions, levels, store visits and purchases (the ecommerce spec's Order Completed).
export interface SegmentMessage {
  type: 'identify' | 'track';
  messageId: string;
  userId?: string;
  anonymousId: string;
  event?: string;
  timestamp: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context: Record<string, unknown>;
}

function context(p: Player): Record<string, unknown> {
  return {
    app: { name: 'Temple Dash', version: p.device.appVersion, namespace: 'com.example.templedash' },
    device: {
      id: p.device.id,
      manufacturer: p.device.manufacturer,
      model: p.device.model,
      type: p.device.os === 'iOS' ? 'ios' : 'android',
    },
    os: { name: p.device.os, version: p.device.osVersion },
    ip: p.ip,
    locale: p.place.locale,
    timezone: p.place.timezone,
    location: { country: p.place.country, city: p.place.city },
    network: { wifi: true },
    library: { name: 'traitbase-demo', version: '1.0.0' },
  };
}

export function playerMessages(p: Player): SegmentMessage[] {
  const ctx = context(p);
  const base = { anonymousId: p.device.id, context: ctx };
  const known = { ...base, userId: p.userId };
  const id = (suffix: string) => `demo-${p.userId}-${suffix}`;
  const out: SegmentMessage[] = [
    {
      ...base,
      type: 'track',
      messageId: id('install'),
      event: 'Application Installed',
      timestamp: p.installedAt.toISOString(),
      properties: { version: p.device.appVersion },
    },
    {
      ...known,
      type: 'identify',
      messageId: id('identify'),
      timestamp: new Date(p.installedAt.getTime() + 60_000).toISOString(),
      traits: { email: p.email, level: 0 },
    },
  ];
  for (const s of p.sessions) {
    out.push({
      ...known,
      type: 'track',
      messageId: id(`${s.id}-start`),
      event: 'Session Started',
      timestamp: s.startedAt.toISOString(),
      properties: { session_id: s.id, mode: s.mode },
    });
    s.levelsCompleted.forEach((level, k) =>
      out.push({
        ...known,
        type: 'track',
        messageId: id(`${s.id}-level-${level}`),
        event: 'Level Completed',
        timestamp: new Date(s.startedAt.getTime() + (k + 1) * 4 * 60_000).toISOString(),
        properties: { level, mode: s.mode },
      }),
    );
    if (s.storeOpenedAt) {
      out.push({
        ...known,
        type: 'track',
        messageId: id(`${s.id}-store`),
        event: 'Store Opened',
        timestamp: s.storeOpenedAt.toISOString(),
        properties: { session_id: s.id },
      });
    }
    if (s.purchase) {
      out.push({
        ...known,
        type: 'track',
        messageId: id(`${s.id}-order`),
        event: 'Order Completed',
        timestamp: s.purchase.at.toISOString(),
        properties: {
          order_id: s.purchase.orderId,
          total: s.purchase.total,
          revenue: s.purchase.total,
          currency: 'USD',
          products: [{ product_id: s.purchase.item, price: s.purchase.total, quantity: 1 }],
        },
      });
    }
  }
  return out;
}

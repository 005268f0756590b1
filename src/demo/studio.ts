// The demo's synthetic mobile game studio: players with device and geo context, their sessions
// and purchases. Deterministic (seeded), and every time is relative to the load's anchor, so a
// re-run with the same anchor produces exactly the same players, events and rows.

export const MODES = ['campaign', 'ranked', 'casual', 'co_op'] as const;
export type Mode = (typeof MODES)[number];

export interface Place {
  country: string;
  city: string;
  timezone: string;
  locale: string;
}

const PLACES: readonly Place[] = [
  { country: 'KH', city: 'Phnom Penh', timezone: 'Asia/Phnom_Penh', locale: 'km-KH' },
  { country: 'TH', city: 'Bangkok', timezone: 'Asia/Bangkok', locale: 'th-TH' },
  { country: 'VN', city: 'Ho Chi Minh City', timezone: 'Asia/Ho_Chi_Minh', locale: 'vi-VN' },
  { country: 'ID', city: 'Jakarta', timezone: 'Asia/Jakarta', locale: 'id-ID' },
  { country: 'JP', city: 'Osaka', timezone: 'Asia/Tokyo', locale: 'ja-JP' },
  { country: 'KR', city: 'Seoul', timezone: 'Asia/Seoul', locale: 'ko-KR' },
  { country: 'US', city: 'Austin', timezone: 'America/Chicago', locale: 'en-US' },
  { country: 'DE', city: 'Berlin', timezone: 'Europe/Berlin', locale: 'de-DE' },
];

const DEVICES = [
  { os: 'iOS', manufacturer: 'Apple', models: ['iPhone15,2', 'iPhone14,5', 'iPad13,4'] },
  { os: 'Android', manufacturer: 'Samsung', models: ['SM-S918B', 'SM-A546E'] },
  { os: 'Android', manufacturer: 'Xiaomi', models: ['23049PCD8G', '2201117TY'] },
] as const;

const APP_VERSIONS = ['3.4.0', '3.5.1', '3.6.0'];
const PRICES = [0.99, 1.99, 4.99, 9.99, 19.99];
const STORE_ITEMS = ['gem_pack_s', 'gem_pack_m', 'battle_pass', 'skin_bundle', 'starter_pack'];

export interface Device {
  id: string;
  os: string;
  osVersion: string;
  manufacturer: string;
  model: string;
  appVersion: string;
}

export interface Session {
  id: string;
  startedAt: Date;
  mode: Mode;
  minutes: number;
  levelsCompleted: number[];
  storeOpenedAt: Date | null;
  purchase: { orderId: string; item: string; total: number; at: Date } | null;
}

export interface Player {
  userId: string;
  email: string;
  installedAt: Date;
  device: Device;
  place: Place;
  ip: string;
  sessions: Session[];
}

export interface StudioOptions {
  players: number;
  anchor: Date;
  seed?: number;
}

const DAY = 86_400_000;
const MINUTE = 60_000;

// mulberry32: small, fast, and the same on every machine.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

function hex(rnd: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(rnd() * 16).toString(16);
  return out;
}

function sessionsOf(rnd: () => number, userId: string, installedAt: Date, anchor: Date): Session[] {
  // Engagement decides how often the player comes back and whether they stopped (churned).
  const engagement = rnd();
  const stoppedAfterDays = rnd() < 0.35 ? 1 + Math.floor(rnd() * 20) : Infinity;
  const favourite = pick(rnd, MODES);
  const sessions: Session[] = [];
  let at = installedAt.getTime() + 5 * MINUTE;
  let level = 0;
  const end = Math.min(
    anchor.getTime() - 30 * MINUTE,
    installedAt.getTime() + stoppedAfterDays * DAY,
  );
  while (at < end && sessions.length < 30) {
    const n = sessions.length + 1;
    const minutes = 5 + Math.floor(rnd() * 40);
    const mode = rnd() < 0.6 ? favourite : pick(rnd, MODES);
    const levels: number[] = [];
    for (let k = Math.floor(rnd() * 3); k > 0; k--) levels.push(++level);
    const storeOpened = rnd() < 0.25 + engagement * 0.3;
    const storeOpenedAt = storeOpened
      ? new Date(at + ((1 + Math.floor(rnd() * minutes)) * MINUTE) / 2)
      : null;
    const buys = storeOpenedAt && rnd() < 0.15 + engagement * 0.35;
    sessions.push({
      id: `${userId}-s${n}`,
      startedAt: new Date(at),
      mode,
      minutes,
      levelsCompleted: levels,
      storeOpenedAt,
      purchase: buys
        ? {
            orderId: `${userId}-o${n}`,
            item: pick(rnd, STORE_ITEMS),
            total: pick(rnd, PRICES),
            at: new Date(storeOpenedAt.getTime() + (1 + Math.floor(rnd() * 4)) * MINUTE),
          }
        : null,
    });
    // Engaged players come back within hours, others within days.
    at += (4 + rnd() * (6 + (1 - engagement) * 90)) * 3_600_000;
  }
  return sessions;
}

export function buildStudio({ players, anchor, seed = 2026 }: StudioOptions): Player[] {
  const rnd = random(seed);
  return Array.from({ length: players }, (_, i) => {
    const userId = `p${1001 + i}`;
    const kind = pick(rnd, DEVICES);
    const installedAt = new Date(
      anchor.getTime() - Math.floor((1 + rnd() * 44) * DAY) - Math.floor(rnd() * 1440) * MINUTE,
    );
    return {
      userId,
      email: `${userId}@players.example.com`,
      installedAt,
      device: {
        id: `dev-${hex(rnd, 12)}`,
        os: kind.os,
        osVersion: kind.os === 'iOS' ? pick(rnd, ['17.5', '18.1']) : pick(rnd, ['13', '14']),
        manufacturer: kind.manufacturer,
        model: pick(rnd, kind.models),
        appVersion: pick(rnd, APP_VERSIONS),
      },
      place: pick(rnd, PLACES),
      ip: `203.0.113.${1 + (i % 254)}`,
      sessions: sessionsOf(rnd, userId, installedAt, anchor),
    };
  });
}

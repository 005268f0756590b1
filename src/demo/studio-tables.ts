import { MODES, Mode, Player } from './studio';

// What the studio's dbt project and feature pipeline would have built from the same events:
// analytics.player_stats (one row per player, read by the dbt source in
// trait-definitions/player_stats.yaml) and analytics.player_features (the churn notebook's input).

export interface PlayerStatsRow {
  player_id: string;
  email: string;
  ltv: number;
  level: number;
  country_code: string;
  favourite_mode: Mode;
  last_session_at: Date;
  updated_at: Date;
}

export interface PlayerFeaturesRow {
  user_id: string;
  sessions_30d: number;
  purchases_30d: number;
  last_session_at: Date;
  churned: boolean | null;
}

const DAY = 86_400_000;

function lastSession(p: Player): Date {
  return p.sessions.at(-1)?.startedAt ?? p.installedAt;
}

export function playerStats(players: readonly Player[], anchor: Date): PlayerStatsRow[] {
  return players.map((p) => {
    const time = new Map<Mode, number>(MODES.map((m) => [m, 0]));
    for (const s of p.sessions) time.set(s.mode, time.get(s.mode)! + s.minutes);
    const favourite = [...time.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const ltv = p.sessions.reduce((sum, s) => sum + (s.purchase?.total ?? 0), 0);
    return {
      player_id: p.userId,
      email: p.email,
      ltv: Math.round(ltv * 100) / 100,
      level: Math.max(0, ...p.sessions.flatMap((s) => s.levelsCompleted)),
      country_code: p.place.country,
      favourite_mode: favourite,
      last_session_at: lastSession(p),
      updated_at: anchor,
    };
  });
}

// The outcome is known for players installed at least 28 days ago: churned when their last
// session is more than 14 days old.
export function playerFeatures(players: readonly Player[], anchor: Date): PlayerFeaturesRow[] {
  const since = anchor.getTime() - 30 * DAY;
  return players.map((p) => {
    const recent = p.sessions.filter((s) => s.startedAt.getTime() >= since);
    const last = lastSession(p);
    const known = anchor.getTime() - p.installedAt.getTime() >= 28 * DAY;
    return {
      user_id: p.userId,
      sessions_30d: recent.length,
      purchases_30d: recent.filter((s) => s.purchase).length,
      last_session_at: last,
      churned: known ? anchor.getTime() - last.getTime() > 14 * DAY : null,
    };
  });
}

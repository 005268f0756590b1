import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { parseIdentityConfig } from '../config/identity-config.parser';
import { identityKey } from '../engine/prepare-observation';
import { compareEvents, comparePartitions, replay, ReplayEvent } from '../engine/replay';

export interface RulesPreview {
  // Current profiles that would be merged into another, extra profiles split off existing ones,
  // and the refusals (violations) the replay would record.
  merges: number;
  splits: number;
  violations: number;
  profilesBefore: number;
  profilesAfter: number;
  identities: number;
  links: number;
}

const PAGE = 10_000;

const LINK_PAGE = `
SELECT id::text, position::text AS position, forced, member_types AS types, member_values AS values
FROM identity_link WHERE retired_at IS NULL AND id > $1::bigint ORDER BY id LIMIT $2`;

const IDENTITY_PAGE = `
SELECT type, value, profile_id, seq::text AS seq FROM identity WHERE (type, value) > ($1, $2) ORDER BY type, value LIMIT $3`;

// previewIdentityRules: replays every stored link under proposed rules and compares the partition
// with today's. A dry run: nothing is written. It holds the identity graph in memory (about
// 200 bytes per identity), so it is an admin tool for a quiet moment, not a hot path.
@Injectable()
export class IdentityPreviewService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async preview(yaml: string): Promise<RulesPreview> {
    const parsed = parseIdentityConfig(yaml, 'identity.yaml');
    if (!parsed.rules) {
      const details = Object.fromEntries(
        parsed.issues.map((i) => [`${i.line}:${i.col} ${i.path}`, i.rule]),
      );
      throw new DomainError(
        ErrorCode.INVALID_DEFINITION,
        `yaml: ${parsed.issues.length} problem(s) in the identity rules`,
        details,
      );
    }
    const current = new Map<string, string>();
    const events: ReplayEvent[] = [];
    await this.identities((r) => {
      current.set(identityKey(r.type, r.value), r.profile_id);
      events.push({ at: BigInt(r.seq), kind: 'identity', type: r.type, value: r.value });
    });
    const links = await this.links(events);
    const replayed = replay(events.sort(compareEvents), parsed.rules);
    const diff = comparePartitions(current, replayed.state);
    return {
      ...diff,
      violations: replayed.violations,
      profilesBefore: new Set(current.values()).size,
      profilesAfter: replayed.state.groups().size,
      identities: current.size,
      links,
    };
  }

  private async identities(
    each: (row: { type: string; value: string; profile_id: string; seq: string }) => void,
  ): Promise<void> {
    let after = ['', ''];
    for (;;) {
      const rows: { type: string; value: string; profile_id: string; seq: string }[] =
        await this.db.query(IDENTITY_PAGE, [...after, PAGE]);
      rows.forEach(each);
      if (rows.length < PAGE) return;
      after = [rows[rows.length - 1].type, rows[rows.length - 1].value];
    }
  }

  // Appends every active link to the log; returns how many there are.
  private async links(events: ReplayEvent[]): Promise<number> {
    let count = 0;
    let after = '0';
    for (;;) {
      const rows: {
        id: string;
        position: string;
        forced: boolean;
        types: string[];
        values: string[];
      }[] = await this.db.query(LINK_PAGE, [after, PAGE]);
      for (const r of rows) {
        events.push({
          at: BigInt(r.position),
          kind: 'link',
          forced: r.forced,
          members: r.types.map((type, i) => ({ type, value: r.values[i] })),
        });
      }
      count += rows.length;
      if (rows.length < PAGE) return count;
      after = rows[rows.length - 1].id;
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { inTransaction } from '../database/transaction';
import { FeedPublisher } from '../feed/feed-publisher.service';
import { recordChanges } from '../feed/feed-recorder';
import { IdentityService } from '../identity/identity.service';
import { identityForMessage } from '../profiles/masking/pii-mask';
import { ERASURE_COVERAGE } from './erasure-coverage';
import { hashIdentity, normalizedHash } from './suppression';

export interface ErasureStatus {
  id: string;
  status: 'running' | 'done' | 'failed';
  counts: Record<string, number>;
  requestedAt: Date;
  finishedAt: Date | null;
}

interface RequestRow {
  id: string;
  status: ErasureStatus['status'];
  counts: Record<string, number>;
  requested_at: Date;
  finished_at: Date | null;
}

const PROFILES_OF = `WITH RECURSIVE p(id) AS (SELECT $1::uuid UNION SELECT pr.id FROM profile pr JOIN p ON pr.merged_into = p.id) SELECT id FROM p`;

// Types the three parameters for every statement, whichever of them it uses.
const PARAMS = `WITH params AS (SELECT $1::uuid[] AS profiles, $2::text[] AS ids, $3::text[] AS typed)`;

// Erases a person: every row that holds the profile or one of its identities (ERASURE_COVERAGE),
// the identities added hashed to the suppression list, one `erase` change on the feed, and one
// audit row without personal data (hashed identifier, who asked, when, counts removed).
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly identities: IdentityService,
    private readonly feed: FeedPublisher,
  ) {}

  // Starts the erasure and answers at once; status() follows it.
  async request(type: string, value: string, requestedBy: string): Promise<ErasureStatus> {
    const profileId = await this.identities.profileIdOf(type, value);
    if (!profileId) {
      throw new DomainError(
        ErrorCode.PROFILE_NOT_FOUND,
        `no profile has the identity ${identityForMessage(type, value)}`,
      );
    }
    const hash = normalizedHash(type, value) ?? hashIdentity(type, value);
    const [row] = await this.db.query<RequestRow[]>(
      `INSERT INTO erasure_request (identifier_hash, requested_by, status) VALUES ($1, $2, 'running')
       RETURNING id, status, counts, requested_at, finished_at`,
      [hash, requestedBy],
    );
    void this.run(row.id, profileId).catch(async (err: Error) => {
      this.logger.error(`erasure ${row.id} failed: ${err.name}`);
      await this.db
        .query(
          `UPDATE erasure_request SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`,
          [row.id, err.name],
        )
        .catch(() => undefined);
    });
    return toStatus(row);
  }

  async status(id: string): Promise<ErasureStatus> {
    const rows = await this.db.query<RequestRow[]>(
      `SELECT id, status, counts, requested_at, finished_at FROM erasure_request WHERE id = $1::uuid`,
      [id],
    );
    if (rows.length === 0) throw new DomainError(ErrorCode.NOT_FOUND, `no erasure request ${id}`);
    return toStatus(rows[0]);
  }

  private async run(requestId: string, profileId: string): Promise<void> {
    const pending = await inTransaction(this.db, async (client) => {
      const counts = await this.eraseRows(client, profileId);
      const batch = await recordChanges(client, [
        {
          profileId,
          revision: 0,
          kind: 'erase',
          name: null,
          before: null,
          after: null,
          provenance: { sourceKind: 'erasure', sourceRef: { requestId } },
        },
      ]);
      await client.query(
        `UPDATE erasure_request SET status = 'done', counts = $2, finished_at = now() WHERE id = $1`,
        [requestId, JSON.stringify(counts)],
      );
      return batch;
    });
    this.feed.announce(pending);
    this.logger.log(`erasure ${requestId} done`);
  }

  private async eraseRows(client: PoolClient, profileId: string): Promise<Record<string, number>> {
    const profiles = (await client.query<{ id: string }>(PROFILES_OF, [profileId])).rows.map(
      (r) => r.id,
    );
    // Lock the profiles so a concurrent write waits, then sees them gone.
    await client.query(`SELECT id FROM profile WHERE id = ANY($1::uuid[]) FOR UPDATE`, [profiles]);
    const ids = (
      await client.query<{ type: string; value: string }>(
        `SELECT type, value FROM identity WHERE profile_id = ANY($1::uuid[])
         UNION SELECT type, value FROM identity_move WHERE from_profile_id = ANY($1::uuid[]) OR to_profile_id = ANY($1::uuid[])`,
        [profiles],
      )
    ).rows;
    await client.query(
      `INSERT INTO erasure_suppression (hash) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
      [ids.map((i) => hashIdentity(i.type, i.value))],
    );
    const values = ids.map((i) => i.value);
    const typed = ids.map((i) => `${i.type}:${i.value}`);
    const counts: Record<string, number> = {};
    for (const step of ERASURE_COVERAGE) {
      const res = await client.query(`${PARAMS} ${step.sql}`, [profiles, values, typed]);
      counts[step.table] = res.rowCount ?? 0;
    }
    return counts;
  }
}

function toStatus(r: RequestRow): ErasureStatus {
  return {
    id: r.id,
    status: r.status,
    counts: r.counts,
    requestedAt: r.requested_at,
    finishedAt: r.finished_at,
  };
}

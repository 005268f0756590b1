import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { inTransaction } from '../database/transaction';
import { FeedPublisher } from '../feed/feed-publisher.service';
import { recordChanges } from '../feed/feed-recorder';
import { IdentityService } from '../identity/identity.service';
import { identityForMessage } from '../profiles/masking/pii-mask';
import { ERASURE_COVERAGE } from './erasure-coverage';
import { ERASE_JOB, ERASURE_JOB_OPTIONS, ERASURE_QUEUE, eraseJobId } from './erasure.queue';
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

// The profile a (possibly merged) profile now belongs to.
const CANONICAL_OF = `WITH RECURSIVE up(id, merged_into) AS (SELECT id, merged_into FROM profile WHERE id = $1::uuid UNION SELECT pr.id, pr.merged_into FROM profile pr JOIN up ON pr.id = up.merged_into) SELECT id FROM up WHERE merged_into IS NULL`;

// Types the three parameters for every statement, whichever of them it uses.
const PARAMS = `WITH params AS (SELECT $1::uuid[] AS profiles, $2::text[] AS ids, $3::text[] AS typed)`;

// Erases a person, on the job queue (ErasureProcessor, worker role): every row that holds the profile or one of its identities (ERASURE_COVERAGE),
// the identities added hashed to the suppression list, one `erase` change on the feed, and one
// audit row without personal data (hashed identifier, who asked, when, counts removed).
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly identities: IdentityService,
    private readonly feed: FeedPublisher,
    @InjectQueue(ERASURE_QUEUE) private readonly queue: Queue,
  ) {}

  // Records the request and queues its job; answers at once, status() follows it. The request
  // row is the durable record: if the job is lost (Redis emptied, the process gone before it was
  // queued), the workers' sweep queues it again.
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
      `INSERT INTO erasure_request (identifier_hash, requested_by, status, profile_id) VALUES ($1, $2, 'running', $3)
       RETURNING id, status, counts, requested_at, finished_at`,
      [hash, requestedBy, profileId],
    );
    // Not awaited: while Redis is away the answer does not wait for it (the sweep queues it).
    this.enqueue(row.id).catch((err: unknown) =>
      this.logger.warn(`erasure ${row.id}: not queued (${String(err)}); the sweep will queue it`),
    );
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

  private async enqueue(requestId: string): Promise<void> {
    await this.queue.add(
      ERASE_JOB,
      { requestId },
      { ...ERASURE_JOB_OPTIONS, jobId: eraseJobId(requestId) },
    );
  }

  // Queues every unfinished request that has no job (run by workers at start and then
  // periodically); marks failed those whose job failed for good without saying so (a job that
  // stalled too often: its workers kept dying). Returns how many were queued.
  async sweep(): Promise<number> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id FROM erasure_request WHERE status = 'running' ORDER BY requested_at`,
    );
    let queued = 0;
    for (const { id } of rows) {
      const job = await this.queue.getJob(eraseJobId(id));
      if (!job) {
        await this.enqueue(id);
        queued += 1;
      } else if ((await job.getState()) === 'failed') {
        await this.markFailed(id, 'JobFailed');
      }
    }
    if (queued > 0) this.logger.log(`erasure sweep: ${queued} request(s) queued again`);
    return queued;
  }

  // Runs one request's job. Idempotent: the request row is locked and must still be `running`,
  // so a job run twice (retried after a crash that followed the commit, or picked up again after
  // its worker was lost) erases, records the `erase` change and completes the audit row once.
  async run(requestId: string): Promise<void> {
    const pending = await inTransaction(this.db, async (client) => {
      const [first] = (
        await client.query<{ profile_id: string | null }>(
          `SELECT profile_id FROM erasure_request WHERE id = $1`,
          [requestId],
        )
      ).rows;
      // The profile first, then the request (the order every erasure takes): a second request for
      // the same person waits here and then finds its request cleared.
      if (first?.profile_id) {
        await client.query(`SELECT id FROM profile WHERE id = $1 FOR UPDATE`, [first.profile_id]);
      }
      const [req] = (
        await client.query<{ status: string; profile_id: string | null }>(
          `SELECT status, profile_id FROM erasure_request WHERE id = $1 FOR UPDATE`,
          [requestId],
        )
      ).rows;
      if (req?.status !== 'running') return undefined;
      // The person's profile now: it may have been merged into another while the job waited.
      const profileId = req.profile_id
        ? ((await client.query<{ id: string }>(CANONICAL_OF, [req.profile_id])).rows[0]?.id ??
          req.profile_id)
        : null;
      // No profile left: another request erased the person first (or it was gone already).
      const counts = profileId ? await this.eraseRows(client, profileId) : {};
      const batch = profileId
        ? await recordChanges(client, [
            {
              profileId,
              revision: 0,
              kind: 'erase',
              name: null,
              before: null,
              after: null,
              provenance: { sourceKind: 'erasure', sourceRef: { requestId } },
            },
          ])
        : null;
      await client.query(
        `UPDATE erasure_request SET status = 'done', counts = $2, finished_at = now(), profile_id = NULL WHERE id = $1`,
        [requestId, JSON.stringify(counts)],
      );
      return batch;
    });
    if (pending === undefined) {
      this.logger.log(`erasure ${requestId} already finished`);
      return;
    }
    this.feed.announce(pending);
    this.logger.log(`erasure ${requestId} done`);
  }

  // After the last attempt: the error's name only (a message may quote a value).
  async markFailed(requestId: string, error: string): Promise<void> {
    this.logger.error(`erasure ${requestId} failed: ${error}`);
    await this.db.query(
      `UPDATE erasure_request SET status = 'failed', error = $2, finished_at = now(), profile_id = NULL
       WHERE id = $1 AND status = 'running'`,
      [requestId, error],
    );
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

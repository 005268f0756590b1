import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hasScope, Principal } from '../../api-keys/scopes';

export interface LedgerEntry {
  id: string;
  destination: string;
  profileId: string;
  deliveryId: string;
  reason: string;
  subject: string | null;
  fields: Record<string, unknown>;
  clearPii: string[];
  runId: string | null;
  responseStatus: number;
  deliveredAt: Date;
}

export interface DeadLetter {
  deliveryId: string;
  profileId: string;
  reason: string;
  subject: string | null;
  attempts: number;
  error: string | null;
  failedAt: Date | null;
}

const COLUMNS = `id, destination_slug AS destination, profile_id AS "profileId", delivery_id AS "deliveryId",
  reason, subject, fields, clear_pii AS "clearPii", run_id AS "runId", response_status AS "responseStatus",
  delivered_at AS "deliveredAt"`;

// Reads of the data-flow ledger. Values that left in clear and are personal are masked for keys
// without profile:read:pii, like any read of a PII trait.
@Injectable()
export class DataFlowQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async ofProfile(
    principal: Principal,
    profileId: string,
    until: Date | null,
    limit: number,
  ): Promise<LedgerEntry[]> {
    const rows: LedgerEntry[] = await this.db.query(
      `SELECT ${COLUMNS} FROM data_flow_ledger WHERE profile_id = $1 AND ($2::timestamptz IS NULL OR delivered_at <= $2)
       ORDER BY delivered_at DESC, id DESC LIMIT $3`,
      [profileId, until, limit],
    );
    return rows.map((r) => mask(principal, r));
  }

  async ofDestination(
    principal: Principal,
    slug: string,
    before: string | null,
    limit: number,
  ): Promise<LedgerEntry[]> {
    const rows: LedgerEntry[] = await this.db.query(
      `SELECT ${COLUMNS} FROM data_flow_ledger
       WHERE destination_id = (SELECT id FROM destination WHERE slug = $1) AND ($2::bigint IS NULL OR id < $2)
       ORDER BY id DESC LIMIT $3`,
      [slug, before, limit],
    );
    return rows.map((r) => mask(principal, r));
  }

  deadLetters(slug: string, limit: number): Promise<DeadLetter[]> {
    return this.db.query(
      `SELECT delivery_id AS "deliveryId", profile_id AS "profileId", reason, subject, attempts, error, done_at AS "failedAt"
       FROM destination_outbox WHERE destination_id = (SELECT id FROM destination WHERE slug = $1) AND status = 'dead'
       ORDER BY id LIMIT $2`,
      [slug, limit],
    );
  }

  async counts(destinationId: string): Promise<Record<string, number>> {
    const rows: { status: string; n: number }[] = await this.db.query(
      `SELECT status, count(*)::int AS n FROM destination_outbox WHERE destination_id = $1 AND status IN ('pending', 'dead') GROUP BY status`,
      [destinationId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async replay(slug: string, deliveryIds: string[] | null): Promise<number> {
    const [, n]: [unknown, number] = await this.db.query(
      `UPDATE destination_outbox SET status = 'pending', attempts = 0, error = NULL, next_attempt_at = now(), done_at = NULL
       WHERE destination_id = (SELECT id FROM destination WHERE slug = $1) AND status = 'dead'
         AND ($2::uuid[] IS NULL OR delivery_id = ANY($2::uuid[]))`,
      [slug, deliveryIds],
    );
    return n;
  }
}

function mask(principal: Principal, r: LedgerEntry): LedgerEntry {
  r.id = String(r.id);
  if (r.clearPii.length === 0 || hasScope(principal, 'profile:read:pii')) return r;
  const fields = { ...r.fields };
  for (const f of r.clearPii) fields[f] = null;
  return { ...r, fields };
}

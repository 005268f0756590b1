import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// A key's own rate limit is both columns or neither (then RATE_LIMIT applies).
const RATE_LIMIT_CHECK =
  '("rate_limit_requests" IS NULL AND "rate_limit_window_seconds" IS NULL) OR ("rate_limit_requests" > 0 AND "rate_limit_window_seconds" > 0)';

// Secrets are never stored: only the SHA-256 of the random part, looked up by its public prefix.
@Entity('api_key')
@Index('api_key_prefix_uq', ['prefix'], { unique: true })
@Check('api_key_rate_limit_ck', RATE_LIMIT_CHECK)
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'api_key_pk' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  prefix!: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash!: string;

  @Column({ type: 'text', array: true })
  scopes!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'rate_limit_requests', type: 'integer', nullable: true })
  rateLimitRequests!: number | null;

  @Column({ name: 'rate_limit_window_seconds', type: 'integer', nullable: true })
  rateLimitWindowSeconds!: number | null;
}

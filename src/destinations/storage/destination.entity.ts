import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { DestinationSpec } from '../spec/destination-spec';

// A destination: where audience memberships and selected traits are sent (docs/activation.md).
// The spec holds names of environment variables for secrets, never a secret itself.
@Entity('destination')
@Index('destination_slug_uq', ['slug'], { unique: true })
export class DestinationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'destination_pk' })
  id!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'jsonb' })
  spec!: DestinationSpec;

  // 'api' (saveDestination) or 'yaml' (trait-definitions/destinations/, read-only in the API).
  @Column({ type: 'text' })
  origin!: string;

  @Column({ type: 'text', nullable: true })
  file!: string | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Rule } from '../rule/rule.types';

// An audience: a rule whose membership is the boolean trait `audience:<slug>` (trait_id). Saving
// a new rule makes a new version (audience_version); archiving stops its evaluation and retires
// the trait, keeping every value and revision.
@Entity('audience')
@Index('audience_slug_uq', ['slug'], { unique: true })
export class AudienceEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'audience_pk' })
  id!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', nullable: true })
  owner!: string | null;

  @Column({ type: 'jsonb' })
  rule!: Rule;

  // Counts versions of the definition (rule, name, description, schedule).
  @Column({ type: 'int' })
  version!: number;

  // 'api' (saved through GraphQL) or 'yaml' (trait-definitions/audiences/, read-only in the API).
  @Column({ type: 'text' })
  origin!: string;

  // For origin yaml: the file, relative to the definitions folder.
  @Column({ type: 'text', nullable: true })
  file!: string | null;

  // Cron of the scheduled full evaluations; null: the default for rules with time windows.
  @Column({ type: 'text', nullable: true })
  schedule!: string | null;

  // The membership trait's definition.
  @Column({ name: 'trait_id', type: 'int' })
  traitId!: number;

  // Members after the last evaluation (full or incremental).
  @Column({ type: 'int', default: 0 })
  size!: number;

  @Column({ name: 'evaluated_at', type: 'timestamptz', nullable: true })
  evaluatedAt!: Date | null;

  @Column({ name: 'last_run_id', type: 'uuid', nullable: true })
  lastRunId!: string | null;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

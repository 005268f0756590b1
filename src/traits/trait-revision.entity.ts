import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { SourceRef } from './provenance';

// One row per change of a value; valid_to is the next change's valid_from.
@Entity('trait_revision')
@Index('trait_revision_timeline_idx', ['profileId', 'traitId', 'validFrom'])
export class TraitRevisionEntity {
  @PrimaryColumn({ name: 'profile_id', type: 'uuid', primaryKeyConstraintName: 'trait_revision_pk' })
  profileId!: string;

  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'trait_revision_pk' })
  id!: string;

  @Column({ name: 'trait_id', type: 'int' })
  traitId!: number;

  @Column({ type: 'jsonb', nullable: true })
  value!: unknown;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  @Column({ name: 'valid_to', type: 'timestamptz', nullable: true })
  validTo!: Date | null;

  @Column({ name: 'definition_version', type: 'int' })
  definitionVersion!: number;

  @Column({ name: 'source_kind', type: 'text' })
  sourceKind!: string;

  @Column({ name: 'source_ref', type: 'jsonb', default: () => "'{}'" })
  sourceRef!: SourceRef;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  @Column({ name: 'ingested_at', type: 'timestamptz', default: () => 'now()' })
  ingestedAt!: Date;

  // The identity the value arrived through (what an unmerge splits on).
  @Column({ name: 'identity_type', type: 'text' })
  identityType!: string;

  @Column({ name: 'identity_value', type: 'text' })
  identityValue!: string;

  @Column({ name: 'profile_revision', type: 'bigint' })
  profileRevision!: string;
}

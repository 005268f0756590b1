import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { TraitSpec } from './trait-spec';

@Entity('trait_definition')
@Index('trait_definition_name_uq', ['name'], { unique: true })
export class TraitDefinitionEntity {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'trait_definition_pk' })
  id!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ name: 'source_kind', type: 'text' })
  sourceKind!: string;

  // Monotonic counter of versions; schema_version is its SchemaVer label.
  @Column({ type: 'int' })
  version!: number;

  @Column({ name: 'schema_version', type: 'text' })
  schemaVersion!: string;

  @Column({ type: 'boolean', default: false })
  pii!: boolean;

  @Column({ type: 'text', array: true })
  exposure!: string[];

  @Column({ name: 'freshness_seconds', type: 'int', nullable: true })
  freshnessSeconds!: number | null;

  @Column({ type: 'jsonb' })
  spec!: TraitSpec;

  // Where the definition is managed: 'yaml' (trait-definitions/), 'dbt' (manifest import), 'api', …
  @Column({ type: 'text' })
  origin!: string;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

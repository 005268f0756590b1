import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { TraitSpec } from './trait-spec';

@Entity('trait_definition_version')
export class TraitDefinitionVersionEntity {
  @PrimaryColumn({ name: 'definition_id', type: 'int', primaryKeyConstraintName: 'trait_definition_version_pk' })
  definitionId!: number;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'trait_definition_version_pk' })
  version!: number;

  @Column({ name: 'schema_version', type: 'text' })
  schemaVersion!: string;

  // initial | breaking | revision | addition | retired | restored
  @Column({ type: 'text' })
  change!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  reasons!: string[];

  @Column({ type: 'jsonb' })
  spec!: TraitSpec;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

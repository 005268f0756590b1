import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// What the last `traitbase dbt import` knew of a model that feeds traits: its relation, checksum
// (provenance), tests (run_results gating) and lineage. Also the last dbt invocation seen for it.
@Entity('dbt_model')
@Index('dbt_model_name_idx', ['name'])
export class DbtModelEntity {
  @PrimaryColumn({ name: 'unique_id', type: 'text', primaryKeyConstraintName: 'dbt_model_pk' })
  uniqueId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  relation!: string | null;

  @Column({ type: 'text', nullable: true })
  checksum!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tests!: string[];

  @Column({ name: 'depends_on', type: 'text', array: true, default: () => "'{}'" })
  dependsOn!: string[];

  @Column({ name: 'manifest_invocation_id', type: 'text', nullable: true })
  manifestInvocationId!: string | null;

  // The dbt invocation whose run_results last triggered a sync of this model.
  @Column({ name: 'last_invocation_id', type: 'text', nullable: true })
  lastInvocationId!: string | null;

  @Column({ name: 'imported_at', type: 'timestamptz', default: () => 'now()' })
  importedAt!: Date;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';

// An audience's size over time: one row per hour, with the size at the end of the last
// evaluation in that hour and how many profiles entered and exited during it.
@Entity('audience_size')
export class AudienceSizeEntity {
  @PrimaryColumn({
    name: 'audience_id',
    type: 'uuid',
    primaryKeyConstraintName: 'audience_size_pk',
  })
  audienceId!: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'audience_size_pk' })
  hour!: Date;

  @Column({ type: 'int' })
  size!: number;

  @Column({ type: 'int', default: 0 })
  entered!: number;

  @Column({ type: 'int', default: 0 })
  exited!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Rule } from '../rule/rule.types';

// Every version of an audience's definition, as it was saved.
@Entity('audience_version')
export class AudienceVersionEntity {
  @PrimaryColumn({
    name: 'audience_id',
    type: 'uuid',
    primaryKeyConstraintName: 'audience_version_pk',
  })
  audienceId!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'audience_version_pk' })
  version!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'jsonb' })
  rule!: Rule;

  @Column({ type: 'text', nullable: true })
  schedule!: string | null;

  // Who saved it: an API key's name, or the file it was applied from.
  @Column({ name: 'saved_by', type: 'text' })
  savedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

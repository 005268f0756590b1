import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('profile')
export class ProfileEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'profile_pk' })
  id!: string;

  // Bumped once per committed change set that touches this profile.
  @Column({ type: 'bigint', default: 0 })
  revision!: string;

  // Set when the profile was merged into another (kept for audit; identities never point here).
  @Column({ name: 'merged_into', type: 'uuid', nullable: true })
  mergedInto!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

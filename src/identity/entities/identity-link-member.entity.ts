import { Entity, PrimaryColumn } from 'typeorm';

// Every link an identity is in: (type, value) → link ids, one index and nothing else.
@Entity('identity_link_member')
export class IdentityLinkMemberEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'identity_link_member_pk' })
  type!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'identity_link_member_pk' })
  value!: string;

  @PrimaryColumn({
    name: 'link_id',
    type: 'bigint',
    primaryKeyConstraintName: 'identity_link_member_pk',
  })
  linkId!: string;
}

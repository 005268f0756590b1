import { IdentityLinkMemberEntity } from './identity-link-member.entity';
import { IdentityLinkEntity } from './identity-link.entity';
import { IdentityViolationEntity } from './identity-violation.entity';
import { ProfileMergeEntity } from './profile-merge.entity';

export const IDENTITY_UNIFICATION_ENTITIES = [
  IdentityLinkEntity,
  IdentityLinkMemberEntity,
  ProfileMergeEntity,
  IdentityViolationEntity,
];

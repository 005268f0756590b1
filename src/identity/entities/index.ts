import { IdentityLinkEntity } from './identity-link.entity';
import { IdentityMoveEntity } from './identity-move.entity';
import { IdentityViolationEntity } from './identity-violation.entity';
import { ProfileMergeEntity } from './profile-merge.entity';

export const IDENTITY_UNIFICATION_ENTITIES = [
  IdentityLinkEntity,
  ProfileMergeEntity,
  IdentityViolationEntity,
  IdentityMoveEntity,
];

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { normalizeIdentity } from './identity-normalizer';
import { IdentityEntity } from './identity.entity';

// An identity as stored, to look it up by; null for a blocked value (it never links to anything).
// Bad input is a 400, not a miss.
export function lookupIdentity(type: string, value: string): { type: string; value: string } | null {
  const id = normalizeIdentity(type, value);
  if (!id.ok && id.blocked) return null;
  if (!id.ok) throw new DomainError(ErrorCode.INVALID_INPUT, id.reason);
  return { type: id.type, value: id.value };
}

@Injectable()
export class IdentityService {
  constructor(
    @InjectRepository(IdentityEntity) private readonly identities: Repository<IdentityEntity>,
  ) {}

  // The (surviving) profile an identity currently belongs to, or null. Bad input is a 400, not a
  // miss; a blocked value is a miss (it never links to anything).
  async profileIdOf(type: string, value: string): Promise<string | null> {
    const id = lookupIdentity(type, value);
    if (!id) return null;
    const row = await this.identities.findOne({
      where: { type: id.type, value: id.value },
      select: { profileId: true },
    });
    return row?.profileId ?? null;
  }

  listByProfiles(profileIds: readonly string[]): Promise<IdentityEntity[]> {
    return this.identities.find({
      where: { profileId: In([...profileIds]) },
      order: { type: 'ASC', value: 'ASC' },
    });
  }
}

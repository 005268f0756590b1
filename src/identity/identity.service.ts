import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { normalizeIdentity } from './identity-normalizer';
import { IdentityEntity } from './identity.entity';

@Injectable()
export class IdentityService {
  constructor(
    @InjectRepository(IdentityEntity) private readonly identities: Repository<IdentityEntity>,
  ) {}

  // The (surviving) profile an identity currently belongs to, or null. Bad input is a 400, not a
  // miss; a blocked value is a miss (it never links to anything).
  async profileIdOf(type: string, value: string): Promise<string | null> {
    const id = normalizeIdentity(type, value);
    if (!id.ok && id.blocked) return null;
    if (!id.ok) throw new DomainError(ErrorCode.INVALID_INPUT, id.reason);
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

import { AudienceSizeEntity } from './audience-size.entity';
import { AudienceVersionEntity } from './audience-version.entity';
import { AudienceEntity } from './audience.entity';

export const AUDIENCE_ENTITIES = [AudienceEntity, AudienceVersionEntity, AudienceSizeEntity];

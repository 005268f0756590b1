import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/graphql/date-time.scalar';

@ObjectType('AudienceMember')
export class AudienceMemberModel {
  @Field(() => ID) profileId!: string;
  @Field(() => DateTime, {
    description: 'Member since (the membership revision in force)',
  })
  since!: Date;
  // Internal: for the profile field.
  revision!: number;
}

@ObjectType('AudienceMemberPage')
export class AudienceMemberPageModel {
  @Field(() => [AudienceMemberModel]) nodes!: AudienceMemberModel[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor!: string | null;
  @Field() hasNextPage!: boolean;
}

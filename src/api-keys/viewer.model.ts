import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('RateLimit', {
  description: 'At most `requests` requests per window of `windowSeconds`; over it, HTTP 429',
})
export class RateLimitModel {
  @Field(() => Int) requests!: number;
  @Field(() => Int) windowSeconds!: number;
}

@ObjectType('Viewer', { description: 'The API key making the request' })
export class ViewerModel {
  @Field({ description: 'The key name given at creation' }) name!: string;

  @Field(() => [String], {
    description: 'Scopes the key holds, implied ones included (admin implies every scope)',
  })
  scopes!: string[];

  @Field(() => RateLimitModel, {
    nullable: true,
    description:
      'The rate limit this key is counted against (its own, else the server default); null: none',
  })
  rateLimit!: RateLimitModel | null;
}

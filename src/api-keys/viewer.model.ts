import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('Viewer', { description: 'The API key making the request' })
export class ViewerModel {
  @Field({ description: 'The key name given at creation' }) name!: string;

  @Field(() => [String], {
    description: 'Scopes the key holds, implied ones included (admin implies every scope)',
  })
  scopes!: string[];
}

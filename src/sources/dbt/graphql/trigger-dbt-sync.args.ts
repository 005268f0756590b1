import { ArgsType, Field } from '@nestjs/graphql';
import { IsBoolean, IsString, Length } from 'class-validator';

@ArgsType()
export class TriggerDbtSyncArgs {
  @Field({ description: 'The model: its dbt unique_id (or name, as declared)' })
  @IsString()
  @Length(1, 1024)
  model!: string;

  @Field({
    defaultValue: false,
    description: 'Re-read the whole relation instead of rows past the high-water mark',
  })
  @IsBoolean()
  fullRefresh: boolean = false;
}

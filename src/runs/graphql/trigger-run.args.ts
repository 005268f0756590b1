import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsBoolean, IsString, Length, Max, Min } from 'class-validator';

@ArgsType()
export class TriggerRunArgs {
  @Field({
    description:
      'The source (dbt model unique_id or name, notebook path) or the name of a trait it produces',
  })
  @IsString()
  @Length(1, 1024)
  source!: string;

  @Field({
    defaultValue: false,
    description: 'dbt: read the whole relation, ignoring the high-water mark',
  })
  @IsBoolean()
  fullRefresh: boolean = false;

  @Field(() => Int, {
    defaultValue: 0,
    description: 'Wait up to this many seconds for the run to finish (0: return once queued)',
  })
  @Min(0)
  @Max(300)
  waitSeconds: number = 0;
}

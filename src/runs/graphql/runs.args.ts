import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsOptional, IsString, Length, Max, Min } from 'class-validator';

@ArgsType()
export class RunsArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Only runs of this source (e.g. model.game.player_stats)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  source?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Only runs of this source kind (dbt, notebook, …)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  sourceKind?: string;

  @Field(() => Int, { defaultValue: 20 })
  @Min(1)
  @Max(200)
  limit: number = 20;
}

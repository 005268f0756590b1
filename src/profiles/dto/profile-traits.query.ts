import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';

export class ProfileTraitsQuery {
  @IsOptional() @IsString() @Matches(/^[a-z0-9_:,-]*$/, { message: 'include must be a comma-separated list of trait names' })
  include?: string;

  @IsOptional() @Transform(({ value }) => value === 'true' || value === true) @IsBoolean()
  verbose?: boolean;
}

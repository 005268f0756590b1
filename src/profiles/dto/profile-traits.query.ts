import { Transform } from 'class-transformer';
import { IsBoolean, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';

export class ProfileTraitsQuery {
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_:,-]*$/, { message: 'include must be a comma-separated list of trait names' })
  include?: string;

  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  verbose?: boolean;

  // docs/time-travel.md: the profile as of a valid time, with only what was recorded by knownAt.
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf must be an ISO-8601 timestamp' })
  asOf?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'knownAt must be an ISO-8601 timestamp' })
  knownAt?: string;
}

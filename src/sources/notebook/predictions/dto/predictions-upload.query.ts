import { IsHexadecimal, IsOptional, IsString, Length } from 'class-validator';

// POST /v1/predictions?trait=…|notebook=…&runId=…[&modelVersion=…][&notebookSha256=…]
export class PredictionsUploadQuery {
  // One trait of a notebook source: the body has its column only.
  @IsOptional()
  @IsString()
  @Length(1, 200)
  trait?: string;

  // A whole notebook source: the body has every trait column of its contract.
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  notebook?: string;

  @IsString()
  @Length(1, 200)
  runId!: string;

  // When given, every row's model_version must equal it.
  @IsOptional()
  @IsString()
  @Length(1, 200)
  modelVersion?: string;

  @IsOptional()
  @IsHexadecimal()
  @Length(64, 64)
  notebookSha256?: string;
}

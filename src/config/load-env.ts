import { existsSync } from 'node:fs';
import { EnvironmentVariables, validateEnv } from './env.validation';

// Reads ./.env when present (variables already set in the environment win), then validates.
export function loadEnv(file = '.env'): EnvironmentVariables {
  if (existsSync(file)) process.loadEnvFile(file);
  return validateEnv(process.env);
}

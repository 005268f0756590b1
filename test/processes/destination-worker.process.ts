// A worker process of the service (feed consumers and delivery lanes, destinations included):
// the process test/destinations/activation-crash kills. Configured from the environment like the
// service (DATABASE_URL, DATABASE_SCHEMA, REDIS_URL, the destination's secret).
import { createApp } from '../../src/bootstrap';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';

async function main(): Promise<void> {
  const config = toAppConfig(validateEnv({ ...process.env, TRAITBASE_ROLE: 'worker' }));
  const app = await createApp(config, 'warn');
  await app.init();
  process.stdout.write('ready\n');
}

void main();

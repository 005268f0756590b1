// A worker process with one durable feed consumer that records each change it applies into
// feed_applied, in the same transaction as its cursor: the process test/change-feed-crash kills.
// Configured from the environment like the service (DATABASE_URL, DATABASE_SCHEMA, REDIS_URL).
import { createApp } from '../../src/bootstrap';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';
import { FeedConsumers } from '../../src/feed/feed-consumers.service';

async function main(): Promise<void> {
  const config = toAppConfig(validateEnv({ ...process.env, TRAITBASE_ROLE: 'worker' }));
  const app = await createApp(config, 'warn');
  void app.get(FeedConsumers).register({
    name: 'crash-test',
    kinds: ['trait'],
    batchSize: 250,
    handle: async (changes, tx) => {
      await tx.query(
        `INSERT INTO feed_applied (position, profile_id, value)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::jsonb[])`,
        [
          changes.map((c) => c.position),
          changes.map((c) => c.profileId),
          changes.map((c) => JSON.stringify(c.after)),
        ],
      );
    },
  });
  await app.init();
  process.stdout.write('ready\n');
}

void main();

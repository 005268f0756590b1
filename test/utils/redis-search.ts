import Redis from 'ioredis';
import { TEST_REDIS_URL } from './env';

// Every Redis key whose name or value holds one of the needles: where a person's identifiers are
// still kept outside Postgres (job data, caches, limiter state).
export async function redisKeysHolding(needles: readonly string[]): Promise<string[]> {
  const redis = new Redis(TEST_REDIS_URL);
  const found: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const text = `${key}\n${(await valueOf(redis, key)).join('\n')}`;
        if (needles.some((n) => text.includes(n))) found.push(key);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return found;
}

async function valueOf(redis: Redis, key: string): Promise<string[]> {
  switch (await redis.type(key)) {
    case 'string':
      return [(await redis.get(key)) ?? ''];
    case 'hash':
      return Object.entries(await redis.hgetall(key)).flat();
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return redis.smembers(key);
    case 'zset':
      return redis.zrange(key, 0, -1);
    case 'stream':
      return (await redis.xrange(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    default:
      return [];
  }
}

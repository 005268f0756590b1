// The shared ioredis client of the app (RedisModule).
export const REDIS = Symbol('REDIS');

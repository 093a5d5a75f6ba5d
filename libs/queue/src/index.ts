export { createRedis, pingRedis, type RedisClient } from './redis';
export * from './jobs';

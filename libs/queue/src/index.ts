export { createRedis, pingRedis, type RedisClient } from './redis';

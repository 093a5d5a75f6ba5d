import { UnavailableError } from '@cite/errors';
import { Redis } from 'ioredis';

export type RedisClient = Redis;

/**
 * A Redis connection for BullMQ and health checks. `maxRetriesPerRequest: null` is what BullMQ workers need;
 * the client reconnects forever with capped backoff, so a restarted Redis is picked up by itself.
 */
export function createRedis(url: string, options: { name?: string } = {}): RedisClient {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    connectionName: options.name,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
  });
}

/** Resolves when Redis answers PING within `timeoutMs`; throws `UnavailableError` otherwise. */
export async function pingRedis(client: RedisClient, timeoutMs = 1_000): Promise<void> {
  if (client.status !== 'ready') throw new UnavailableError('redis', `redis is ${client.status}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await Promise.race([
      client.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    if (reply !== 'PONG') throw new Error(`unexpected reply ${String(reply)}`);
  } catch (error) {
    throw new UnavailableError('redis', `redis unreachable: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

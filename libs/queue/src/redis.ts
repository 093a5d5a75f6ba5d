import { UnavailableError } from '@cite/errors';
import { isBlockingRedisCommand, type RedisMetrics } from '@cite/metrics';
import { Redis, type Command } from 'ioredis';

export type RedisClient = Redis;

/**
 * A Redis connection for BullMQ and health checks. `maxRetriesPerRequest: null` is what BullMQ workers need;
 * the client reconnects forever with capped backoff, so a restarted Redis is picked up by itself. With
 * `metrics`, each command's latency is recorded (`timeCommands`).
 */
export function createRedis(
  url: string,
  options: { name?: string; metrics?: RedisMetrics } = {},
): RedisClient {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    connectionName: options.name,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
  });
  if (options.metrics) timeCommands(client, options.metrics);
  return client;
}

/**
 * Records every command this client sends, from the first send to its reply (a command sent again after a
 * reconnect counts once, from its first send), without MONITOR or a round trip of its own: ioredis funnels
 * each command, pipelines and BullMQ's scripts (`evalsha`) included, through `sendCommand`. Blocking commands
 * are skipped (their time is a wait); BullMQ runs those on a connection of its own, which this one is not.
 */
export function timeCommands(client: RedisClient, metrics: RedisMetrics): void {
  const send = client.sendCommand.bind(client);
  const timed = new WeakSet<Command>();
  client.sendCommand = (command: Command, stream?: Parameters<RedisClient['sendCommand']>[1]) => {
    if (!timed.has(command) && !isBlockingRedisCommand(command.name)) {
      timed.add(command);
      const started = performance.now();
      const record = (outcome: 'ok' | 'error') => () =>
        metrics.redisCommand(command.name, outcome, (performance.now() - started) / 1000);
      // The caller keeps its own handling of the promise; this only observes it.
      command.promise.then(record('ok'), record('error'));
    }
    return send(command, stream);
  };
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

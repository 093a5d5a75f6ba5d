import { UnavailableError } from '@cite/errors';
import { freePort, startRedis, testRedisUrl } from '@cite/test-support';
import { createRedis, pingRedis } from './redis';

const ready = (client: ReturnType<typeof createRedis>) =>
  new Promise<void>((resolve) =>
    client.status === 'ready' ? resolve() : client.once('ready', () => resolve()),
  );

describe('redis health', () => {
  it('answers when Redis is up', async () => {
    const client = createRedis(testRedisUrl());
    await ready(client);
    await expect(pingRedis(client)).resolves.toBeUndefined();
    client.disconnect();
  });

  it('is unavailable, quickly, when nothing listens', async () => {
    const client = createRedis(`redis://127.0.0.1:${await freePort()}`);
    const started = Date.now();
    await expect(pingRedis(client)).rejects.toBeInstanceOf(UnavailableError);
    expect(Date.now() - started).toBeLessThan(1_500);
    client.disconnect();
  });

  it('recovers by itself after Redis restarts', async () => {
    const redis = await startRedis();
    const client = createRedis(redis.url);
    await ready(client);
    await redis.stop();
    await expect(pingRedis(client)).rejects.toBeInstanceOf(UnavailableError);
    const again = await startRedis({ port: redis.port, dataDir: redis.dataDir });
    await ready(client);
    await expect(pingRedis(client)).resolves.toBeUndefined();
    client.disconnect();
    await again.stop();
  });
});

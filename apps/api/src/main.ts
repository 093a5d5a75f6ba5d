import { loadConfigOrExit } from '@cite/config';
import { exitOnSignals, serve } from '@cite/http';
import { createLogger } from '@cite/logging';
import { createRedis, pingRedis } from '@cite/queue';
import { EtcdStore } from '@cite/store';
import { createApp } from './app';

const config = loadConfigOrExit(process.env, 'api');
const logger = createLogger({ app: 'api', level: config.log.level });

const store = await EtcdStore.create({
  endpoints: config.etcd.endpoints,
  prefix: config.etcd.prefix,
  timeoutMs: config.etcd.timeoutMs,
  // Start even while etcd is down: /readyz says so, and calls answer 503 until it is back.
  verify: false,
});
const redis = createRedis(config.redis.url, { name: 'cite-api' });
redis.on('error', () => undefined); // state is reported by /readyz; ioredis reconnects by itself

let shuttingDown = () => false;
const app = createApp({
  logger,
  dependencies: [
    { name: 'etcd', check: () => store.ping() },
    { name: 'redis', check: () => pingRedis(redis) },
  ],
  shuttingDown: () => shuttingDown(),
});

const running = await serve(app, {
  host: config.api.host,
  port: config.api.port,
  logger,
  cleanups: [() => redis.quit().then(() => undefined), () => store.close()],
});
shuttingDown = running.shuttingDown;
logger.info('api listening', { url: `http://${config.api.host}:${running.port}` });
exitOnSignals(running.close, logger);

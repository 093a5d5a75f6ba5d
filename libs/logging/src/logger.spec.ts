import { PassThrough } from 'node:stream';
import { createLogger, requestIdFrom } from './logger';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { stream, lines };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('createLogger', () => {
  it('writes JSON lines with app, level, time and fields; child loggers add theirs', async () => {
    const { stream, lines } = capture();
    const log = createLogger({ app: 'api', stream });
    log.child({ requestId: 'r-1' }).info('request done', { status: 200 });
    await flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      app: 'api',
      level: 'info',
      message: 'request done',
      requestId: 'r-1',
      status: 200,
    });
    expect(Date.parse(String(lines[0]!['time']))).not.toBeNaN();
  });

  it('respects the level', async () => {
    const { stream, lines } = capture();
    const log = createLogger({ app: 'api', stream, level: 'warn' });
    log.info('hidden');
    log.warn('shown');
    await flush();
    expect(lines.map((l) => l['message'])).toEqual(['shown']);
  });

  it('never writes secrets, at any depth', async () => {
    const { stream, lines } = capture();
    const log = createLogger({ app: 'api', stream });
    log.info('call', {
      headers: { authorization: 'Bearer abc123', accept: 'json' },
      token: 'tok-1',
      nested: [{ password: 'p' }],
    });
    await flush();
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/abc123|tok-1|"p"/);
    expect(lines[0]).toMatchObject({
      headers: { authorization: '[redacted]', accept: 'json' },
      token: '[redacted]',
    });
  });

  it('logs errors with message and stack', async () => {
    const { stream, lines } = capture();
    createLogger({ app: 'api', stream }).error('failed', { error: new Error('boom') });
    await flush();
    expect(lines[0]).toMatchObject({ message: 'failed', error: { message: 'boom' } });
    expect(String((lines[0]!['error'] as { stack: string }).stack)).toContain('logger.spec');
  });
});

describe('requestIdFrom', () => {
  it('keeps a sane caller id and replaces anything else', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom(['x1', 'x2'])).toBe('x1');
    expect(requestIdFrom('bad id with spaces')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('a'.repeat(200))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

import type { Watch } from '@kubernetes/client-node';
import { Informer } from './informer';
import type { ControllerLogger } from './logger';
import type { Pod } from './wire';

const silent: ControllerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

type Callback = (type: string, object: unknown) => void;
type Done = (error: unknown) => void;

/** A scripted API server: each watch call runs the next session, which emits events and ends the stream. */
class FakeWatch {
  readonly calls: Record<string, unknown>[] = [];
  constructor(private readonly sessions: ((emit: Callback, done: Done) => void)[]) {}
  async watch(
    _path: string,
    query: Record<string, unknown>,
    callback: Callback,
    done: Done,
  ): Promise<AbortController> {
    this.calls.push(query);
    const session = this.sessions.shift();
    const controller = new AbortController();
    let ended = false;
    const end: Done = (error) => {
      if (!ended) done(error);
      ended = true;
    };
    controller.signal.addEventListener('abort', () => end(null));
    if (session) setImmediate(() => session(callback, end));
    return controller;
  }
}

const pod = (name: string, rv: string): Pod => ({
  metadata: { name, namespace: 'ns', uid: name, resourceVersion: rv },
});

describe('Informer', () => {
  it('lists, watches from the list version, re-lists after 410 Gone and reconnects after failures with backoff', async () => {
    const lists = [
      { items: [pod('a', '1')], metadata: { resourceVersion: '10' } },
      { items: [pod('b', '20')], metadata: { resourceVersion: '21' } },
    ];
    const delays: number[] = [];
    const fake = new FakeWatch([
      (emit, done) => {
        emit('ADDED', pod('c', '11'));
        emit('MODIFIED', pod('a', '12'));
        emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
        done(null);
      },
      (emit) => emit('ERROR', { kind: 'Status', code: 500, message: 'boom' }),
      (emit) => emit('DELETED', pod('b', '22')),
    ]);
    const informer = new Informer<Pod>(
      { name: 'pods', path: '/api/v1/pods', list: async () => lists.shift() ?? { items: [] } },
      fake as unknown as Watch,
      { logger: silent, delay: async (ms) => void delays.push(ms) },
    );
    const seen: string[] = [];
    informer.addHandlers({
      add: (p) => seen.push(`add ${p.metadata?.name}`),
      update: (p, old) =>
        seen.push(
          `update ${p.metadata?.name} ${old.metadata?.resourceVersion}→${p.metadata?.resourceVersion}`,
        ),
      delete: (p) => seen.push(`delete ${p.metadata?.name}`),
    });
    informer.start();
    await informer.synced;
    await waitFor(() => seen.includes('delete b'));
    expect(seen).toEqual([
      'add a',
      'add c',
      'update a 1→12',
      // the re-list after 410: a and c are gone, b is new
      'delete a',
      'delete c',
      'add b',
      'delete b',
    ]);
    expect(fake.calls.map((query) => query['resourceVersion'])).toEqual(['10', '21', '21']);
    expect(delays).toEqual([100]);
    expect(informer.store.list()).toEqual([]);
    await informer.stop();
  });

  it('replays what it holds to handlers added later, as adds', async () => {
    const fake = new FakeWatch([]);
    const informer = new Informer<Pod>(
      {
        name: 'pods',
        path: '/api/v1/pods',
        list: async () => ({ items: [pod('a', '1'), pod('b', '2')], metadata: { resourceVersion: '3' } }),
      },
      fake as unknown as Watch,
      { logger: silent },
    );
    informer.start();
    await informer.synced;
    const added: string[] = [];
    informer.addHandlers({ add: (p) => added.push(p.metadata?.name ?? '') });
    expect(added.sort()).toEqual(['a', 'b']);
    await informer.stop();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

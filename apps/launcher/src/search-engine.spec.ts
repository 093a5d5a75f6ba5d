import { ProcessStartError } from '@cite/local-services';
import { firstLine, logsUrl, searchEngine, type SearchEngineChoice } from './search-engine';

/** A choice whose `start` records that it was called and resolves or rejects as told. */
function choice(over: Partial<SearchEngineChoice> & { starts?: () => Promise<{ url: string }> }) {
  const calls: string[] = [];
  const made: SearchEngineChoice = {
    given: over.given,
    available: over.available ?? (() => ({ ok: true })),
    start: () => {
      calls.push('start');
      return over.starts ? over.starts() : Promise.resolve({ url: 'http://127.0.0.1:9200' });
    },
  };
  return { made, calls };
}

describe('searchEngine', () => {
  it('starts the embedded engine when one can run here, and gives its URL to the apps', async () => {
    const { made, calls } = choice({});
    const engine = await searchEngine(made);
    expect(engine).toEqual({ kind: 'embedded', url: 'http://127.0.0.1:9200' });
    expect(calls).toEqual(['start']);
    expect(logsUrl(engine)).toBe('http://127.0.0.1:9200');
  });

  it('uses the engine CITE_LOGS_URL names and starts none', async () => {
    const { made, calls } = choice({ given: 'https://search.internal' });
    const engine = await searchEngine(made);
    expect(engine).toEqual({ kind: 'given', url: 'https://search.internal' });
    expect(calls).toEqual([]);
    expect(logsUrl(engine)).toBe('https://search.internal');
  });

  it('is off with the reason when none can run here (no Java), without trying to start one', async () => {
    const reason = 'java is not installed: install a JDK 17 or newer';
    const { made, calls } = choice({ available: () => ({ ok: false, reason }) });
    const engine = await searchEngine(made);
    expect(engine).toEqual({ kind: 'off', reason });
    expect(calls).toEqual([]);
    expect(logsUrl(engine)).toBeUndefined();
  });

  it('resolves as failed, in one line, when the start rejects (a build error, a timeout)', async () => {
    const build = new ProcessStartError(
      'mvn',
      'building the embedded OpenSearch failed (exit 1):\n    [ERROR] Could not resolve dependencies',
    );
    const { made } = choice({ starts: () => Promise.reject(build) });
    const engine = await searchEngine(made);
    expect(engine).toEqual({
      kind: 'failed',
      reason: 'the search engine did not start: building the embedded OpenSearch failed (exit 1)',
    });
    expect(logsUrl(engine)).toBeUndefined();
  });
});

describe('firstLine', () => {
  it.each([
    [
      new Error('OpenSearch (java) was not ready within 60000 ms; the end of its log (x.log):\n    …'),
      'OpenSearch (java) was not ready within 60000 ms; the end of its log (x.log)',
    ],
    [new Error(''), 'no reason given'],
    ['not an error', 'not an error'],
  ])('keeps the first line of %p', (error, line) => {
    expect(firstLine(error)).toBe(line);
  });
});

import { banner, type BannerFacts } from './banner';

const facts: BannerFacts = {
  apiPort: 8080,
  local: '.local',
  etcd: 'http://127.0.0.1:2379',
  redis: 'redis://127.0.0.1:6379',
  registryUrl: 'http://127.0.0.1:5000',
  registryHost: '127.0.0.1:5000',
  clusterPort: 6443,
  searchEngine: { kind: 'embedded', url: 'http://127.0.0.1:9200' },
  batch: ['gc', 'etcd-backup'],
};

describe('banner', () => {
  const text = banner(facts);

  it('names the web UI, the API and its docs page', () => {
    expect(text).toContain(
      '\n    web UI       http://localhost:8080/   (sign in with the admin token below)\n',
    );
    expect(text).toContain(
      '\n    API          http://localhost:8080/api/v1 — docs http://localhost:8080/api/docs\n',
    );
  });

  it('names the scheduled batch tasks, where their runs log, and how to run one by hand', () => {
    expect(text).toContain(
      '\n    batch        gc, etcd-backup on CITE_BATCH_SCHEDULES; runs in .local/logs/batch.log\n' +
        '                 npm run batch -- <task> [--dry-run]; reports at http://localhost:8080/api/v1/batch/reports\n',
    );
    expect(banner({ ...facts, batch: [] })).toContain(
      '    batch        nothing scheduled (CITE_BATCH_SCHEDULES)\n',
    );
  });

  it('says where the search engine the launcher runs listens and keeps its data', () => {
    expect(text).toContain('\n    search engine  http://127.0.0.1:9200  data in .local/opensearch\n');
    expect(text).not.toContain('logs search off');
  });

  it('names an engine CITE_LOGS_URL gave it as one it did not start', () => {
    const given = banner({ ...facts, searchEngine: { kind: 'given', url: 'https://search.internal' } });
    expect(given).toContain(
      '\n    search engine  https://search.internal  (CITE_LOGS_URL; the launcher started none)\n',
    );
    expect(given).not.toContain('.local/opensearch');
  });

  it.each(['off', 'failed'] as const)('says why logs search is off when the engine is %s', (kind) => {
    const reason = 'java is not installed: install a JDK 17 or newer';
    const off = banner({ ...facts, searchEngine: { kind, reason } });
    expect(off).toContain(`\n    logs search off: ${reason}\n`);
    expect(off).not.toContain('search engine ');
    // The rest of the platform is there all the same.
    expect(off).toContain('cite is running');
    expect(off).toContain('cluster      http://127.0.0.1:6443');
  });
});

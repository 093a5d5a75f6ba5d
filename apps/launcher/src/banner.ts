/**
 * The banner `npm start` prints once everything answers: what is where, said exactly — the web UI, the API and its
 * docs page; log search works only with a search engine, and the banner says which.
 */
import type { SearchEngine } from './search-engine';

export interface BannerFacts {
  apiPort: number;
  /** The local directory as the user should type it (`.local`). */
  local: string;
  etcd: string;
  redis: string;
  registryUrl: string;
  registryHost: string;
  clusterPort: number;
  searchEngine: SearchEngine;
  /** The batch tasks the launcher schedules. */
  batch: readonly string[];
}

/** The search engine's line: where it is, or why logs search is off. */
function searchLine(engine: SearchEngine, local: string): string {
  switch (engine.kind) {
    case 'embedded':
      return `    search engine  ${engine.url}  data in ${local}/opensearch`;
    case 'given':
      return `    search engine  ${engine.url}  (CITE_LOGS_URL; the launcher started none)`;
    case 'off':
    case 'failed':
      return `    logs search off: ${engine.reason}`;
  }
}

export function banner(f: BannerFacts): string {
  const base = `http://localhost:${f.apiPort}`;
  const token = `${f.local}/admin-token`;
  return [
    '',
    '  cite is running',
    `    web UI       ${base}/   (sign in with the admin token below)`,
    `    API          ${base}/api/v1 — docs ${base}/api/docs`,
    `    readiness    ${base}/readyz`,
    `    admin token  ${token}   (export CITE_TOKEN=$(cat ${token}))`,
    `    etcd         ${f.etcd}   data in ${f.local}/etcd`,
    `    redis        ${f.redis}   data in ${f.local}/redis`,
    `    registry     ${f.registryUrl}   images ${f.registryHost}/<repo>:<tag>, data in ${f.local}/registry`,
    `    push image   npm run push-image -- demo/web:1   (a minimal one-layer image into the registry)`,
    `    cluster      http://127.0.0.1:${f.clusterPort}   KUBECONFIG=${f.local}/kubeconfig kubectl get nodes`,
    `    logs         ${f.local}/logs/`,
    searchLine(f.searchEngine, f.local),
    `    batch        ${f.batch.length ? `${f.batch.join(', ')} on CITE_BATCH_SCHEDULES; runs in ${f.local}/logs/batch.log` : 'nothing scheduled (CITE_BATCH_SCHEDULES)'}`,
    `                 npm run batch -- <task> [--dry-run]; reports at ${base}/api/v1/batch/reports`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

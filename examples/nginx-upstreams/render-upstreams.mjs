#!/usr/bin/env node
/**
 * An example consumer of cite's load-balancer records (docs/lb-records.md): lists `<prefix>lb/`, renders one nginx
 * `upstream <namespace>__<service> { … }` block per record into one file, then watches etcd from the listed
 * revision and renders again on every change. Plain JavaScript on purpose: it runs with `node` and the `etcd3`
 * package, with nothing of cite's own code, as an external balancer would.
 *
 *   node examples/nginx-upstreams/render-upstreams.mjs --output /etc/nginx/conf.d/cite-upstreams.conf \
 *     --reload-command 'nginx -t && nginx -s reload'
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Etcd3 } from 'etcd3';

const USAGE = `usage: render-upstreams.mjs --output <file> [options]

  --output <file>           the nginx file to write (env CITE_UPSTREAMS_FILE)
  --endpoints <urls>        etcd client URLs, comma-separated (env CITE_ETCD_ENDPOINTS; default http://127.0.0.1:2379)
  --prefix <prefix>         cite's etcd key prefix (env CITE_ETCD_PREFIX; default /cite/v1/)
  --reload-command <cmd>    shell command run after each change of the file (env CITE_UPSTREAMS_RELOAD),
                            e.g. 'nginx -t && nginx -s reload'
  --timeout-ms <ms>         deadline of each etcd call (default 5000)
  --once                    render once and exit
  --help                    show this`;

/** Changes arriving within this long of the first one are rendered together. */
const DEBOUNCE_MS = 100;
/** Waits between two attempts to list and watch again after the watch failed: doubling, capped. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;
/** A DNS label: what Kubernetes namespaces and cite service names are. Nothing else reaches the nginx file. */
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

class UsageError extends Error {}

const log = (message) => process.stdout.write(`render-upstreams: ${message}\n`);
const warn = (message) => process.stderr.write(`render-upstreams: ${message}\n`);
const reasonOf = (error) => (error instanceof Error ? error.message : String(error));

/** Options from the command line, falling back to the environment. Throws `UsageError` on bad input. */
function readOptions(argv, env) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        output: { type: 'string' },
        endpoints: { type: 'string' },
        prefix: { type: 'string' },
        'reload-command': { type: 'string' },
        'timeout-ms': { type: 'string' },
        once: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(reasonOf(error));
  }
  if (parsed.help) return { help: true };
  const output = parsed.output ?? env.CITE_UPSTREAMS_FILE;
  if (!output) throw new UsageError('--output (or CITE_UPSTREAMS_FILE) is required');
  const endpoints = (parsed.endpoints ?? env.CITE_ETCD_ENDPOINTS ?? 'http://127.0.0.1:2379').split(',');
  const badEndpoint = endpoints.find((url) => !/^https?:\/\/[^/\s]+\/?$/.test(url.trim()));
  if (badEndpoint !== undefined) throw new UsageError(`not an etcd URL: "${badEndpoint}"`);
  const prefix = parsed.prefix ?? env.CITE_ETCD_PREFIX ?? '/cite/v1/';
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) {
    throw new UsageError(`the prefix must start and end with "/" (got "${prefix}")`);
  }
  const timeoutMs = Number(parsed['timeout-ms'] ?? 5_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
    throw new UsageError('--timeout-ms must be an integer of at least 100');
  }
  return {
    help: false,
    output,
    endpoints: endpoints.map((url) => url.trim()),
    lbPrefix: `${prefix}lb/`,
    reloadCommand: parsed['reload-command'] ?? env.CITE_UPSTREAMS_RELOAD ?? null,
    timeoutMs,
    once: parsed.once,
  };
}

const isPort = (value) => Number.isInteger(value) && value >= 1 && value <= 65_535;

/**
 * One stored value checked against what the renderer relies on: the key is `lb/<namespace>/<service>` and names
 * the same service as the value, every name is a DNS label and every endpoint an IPv4 `ip:port`. Returns
 * `{ record }` or `{ problem }`. A check here, not trust, because the values end up inside nginx's configuration.
 */
function parseRecord(id, raw) {
  const segments = id.split('/');
  if (segments.length !== 2) return { problem: 'the key is not lb/<namespace>/<service>' };
  let value;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { problem: `not JSON (${reasonOf(error)})` };
  }
  if (typeof value !== 'object' || value === null) return { problem: 'not a JSON object' };
  const { namespace, service, port, endpoints } = value;
  if (namespace !== segments[0] || service !== segments[1]) {
    return { problem: 'namespace and service do not match the key' };
  }
  if (!LABEL.test(namespace) || !LABEL.test(service))
    return { problem: 'namespace or service is not a DNS label' };
  if (!isPort(port)) return { problem: 'port is not an integer in 1..65535' };
  if (!Array.isArray(endpoints)) return { problem: 'endpoints is not a list' };
  const bad = endpoints.find((e) => typeof e !== 'object' || e === null || !isIPv4(e.ip) || !isPort(e.port));
  if (bad !== undefined) return { problem: `endpoint ${JSON.stringify(bad)} is not an IPv4 ip and a port` };
  return {
    record: { namespace, service, port, endpoints: endpoints.map((e) => ({ ip: e.ip, port: e.port })) },
  };
}

/** `<namespace>__<service>`: neither a namespace nor a service name holds `__`, so no two services share one. */
const upstreamName = (record) => `${record.namespace}__${record.service}`;

/**
 * The whole file, for records in any order: blocks sorted by name, endpoints in the record's order (the contract
 * sorts them), nothing that changes unless a record does (no timestamp), so equal input gives equal bytes. A
 * record with no endpoint keeps its block with a server marked `down`: nginx refuses an empty upstream, and a
 * missing one would break every `proxy_pass` naming it; this way requests get 502 until a pod is ready.
 */
function renderUpstreams(records, lbPrefix) {
  const blocks = [...records]
    .sort((a, b) => (upstreamName(a) < upstreamName(b) ? -1 : upstreamName(a) > upstreamName(b) ? 1 : 0))
    .map((record) => {
      const servers =
        record.endpoints.length === 0
          ? ['    server 127.0.0.1:1 down; # no ready endpoint']
          : record.endpoints.map((endpoint) => `    server ${endpoint.ip}:${endpoint.port};`);
      return [
        `# ${record.namespace}/${record.service}, service port ${record.port}`,
        `upstream ${upstreamName(record)} {`,
        ...servers,
        '}',
      ].join('\n');
    });
  const header = `# Generated from etcd ${lbPrefix} by examples/nginx-upstreams/render-upstreams.mjs; do not edit.`;
  return `${[header, ...blocks].join('\n\n')}\n`;
}

/** Replaces `file` with `content` by writing a temporary file beside it and renaming it, unless it already holds it. */
async function writeIfChanged(file, content) {
  const current = await fs.readFile(file, 'utf8').catch((error) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (current === content) return false;
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await fs.writeFile(temporary, content, { mode: 0o644 });
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return true;
}

/** Runs the reload command in a shell and resolves with its exit code (or signal); its output goes to ours. */
function runReload(command) {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) => resolve(reasonOf(error)));
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
}

/** Renders the records, writes the file when its content changed and then runs the reload command. */
async function publish(options, records) {
  const changed = await writeIfChanged(options.output, renderUpstreams(records.values(), options.lbPrefix));
  if (!changed) {
    log(`${options.output} unchanged: ${records.size} upstreams`);
    return;
  }
  log(`wrote ${options.output}: ${records.size} upstreams`);
  if (options.reloadCommand) {
    const result = await runReload(options.reloadCommand);
    if (result !== 0) warn(`the reload command failed (${result})`);
  }
}

/**
 * Renders at most once per `DEBOUNCE_MS`, `DEBOUNCE_MS` after the first change not yet rendered, so a burst of
 * changes costs one write and one reload and a steady stream of them still gets rendered. Renders never overlap.
 */
function createPublisher(options, records) {
  let timer = null;
  let running = Promise.resolve();
  const run = () => {
    clearTimeout(timer);
    timer = null;
    running = running
      .then(() => publish(options, records))
      .catch((error) => warn(`could not write ${options.output}: ${reasonOf(error)}`));
    return running;
  };
  return {
    schedule: () => {
      timer ??= setTimeout(run, DEBOUNCE_MS);
    },
    now: run,
    /** Renders what is pending, if anything, and waits for the render in progress. */
    flush: () => (timer === null ? running : run()),
  };
}

function connect(options) {
  // Each call runs once: this script's own loop decides about trying again (etcd3 would otherwise retry three
  // times and then stop calling a host for five seconds).
  const once = {
    execute: async (call) => call({ signal: new AbortController().signal }),
    onSuccess: () => ({ dispose: () => undefined }),
    onFailure: () => ({ dispose: () => undefined }),
  };
  return new Etcd3({
    hosts: options.endpoints,
    dialTimeout: options.timeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + options.timeoutMs }),
    faultHandling: { host: () => once, global: once },
  });
}

/**
 * Every record under `lb/` at one revision. A value that fails `parseRecord` is reported and left out, or, when
 * `previous` holds a record for its key, that one is kept: a bad value never replaces a good one.
 */
async function listRecords(client, lbPrefix, previous = new Map()) {
  const response = await client.getAll().prefix(lbPrefix).exec();
  const records = new Map();
  for (const kv of response.kvs) {
    const key = kv.key.toString();
    const parsed = parseRecord(key.slice(lbPrefix.length), kv.value.toString());
    if (parsed.record) records.set(key, parsed.record);
    else {
      warn(`skipping ${key}: ${parsed.problem}`);
      if (previous.has(key)) records.set(key, previous.get(key));
    }
  }
  return { records, revision: Number(response.header.revision) };
}

/** Applies one batch of watch events to `records`. */
function applyEvents(records, events, lbPrefix) {
  for (const event of events) {
    const key = event.kv.key.toString();
    if (event.type === 'Delete') {
      records.delete(key);
      continue;
    }
    const parsed = parseRecord(key.slice(lbPrefix.length), event.kv.value.toString());
    if (parsed.record) records.set(key, parsed.record);
    else warn(`skipping ${key}: ${parsed.problem}`);
  }
}

/**
 * Watches `lb/` from `fromRevision`, applying changes and scheduling renders, until the watch fails or `signal`
 * aborts, then cancels it. Resolves with why it ended. Any failure ends it, a lost connection as well as a
 * compaction: the caller lists again, which is always correct and cheap for records this small.
 */
async function watchUntilFailure(client, options, fromRevision, records, publisher, signal) {
  const watcher = client.watch().prefix(options.lbPrefix).startRevision(String(fromRevision)).watcher();
  let ended = false;
  const reason = await new Promise((resolve) => {
    const end = (why) => {
      if (ended) return;
      ended = true;
      signal.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onAbort = () => end('stopped');
    signal.addEventListener('abort', onAbort);
    if (signal.aborted) return end('stopped');
    watcher.on('connected', () => log(`watching ${options.lbPrefix} from revision ${fromRevision}`));
    watcher.on('data', (response) => {
      if (ended) return;
      applyEvents(records, response.events, options.lbPrefix);
      publisher.schedule();
    });
    // Stays attached after the end: a cancelled or closed watch may still emit errors, which must not go unhandled.
    watcher.on('error', (error) => end(`the watch failed: ${reasonOf(error)}`));
    watcher.on('disconnected', (error) => end(`lost the connection to etcd: ${reasonOf(error)}`));
  });
  // A watch left attached would keep reconnecting after the client is closed (and keep the process alive), so
  // cancel it; etcd's answer is not waited for longer than one call's deadline.
  await Promise.race([
    watcher.cancel().catch(() => undefined),
    sleep(options.timeoutMs, undefined, { ref: false }),
  ]);
  return reason;
}

/**
 * Lists, renders and watches; after any failure waits (doubling up to `RETRY_MAX_MS`) and starts again. One map
 * of records for the whole run, replaced in place by each list, so a render always reads the newest state.
 */
async function follow(options, signal) {
  const records = new Map();
  const publisher = createPublisher(options, records);
  let retryMs = RETRY_FIRST_MS;
  while (!signal.aborted) {
    const client = connect(options);
    let reason;
    try {
      const listed = await listRecords(client, options.lbPrefix, records);
      records.clear();
      for (const [key, record] of listed.records) records.set(key, record);
      log(`listed ${records.size} records at revision ${listed.revision}`);
      await publisher.now();
      retryMs = RETRY_FIRST_MS;
      reason = await watchUntilFailure(client, options, listed.revision + 1, records, publisher, signal);
    } catch (error) {
      reason = `could not list ${options.lbPrefix}: ${reasonOf(error)}`;
    } finally {
      client.close();
    }
    if (signal.aborted) break;
    warn(`${reason}; listing again in ${retryMs} ms`);
    await sleep(retryMs, undefined, { signal }).catch(() => undefined);
    retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
  }
  await publisher.flush();
}

async function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`render-upstreams: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.once) {
    // Failures here end the run with exit code 1: a one-shot render that wrote nothing must say so.
    const client = connect(options);
    try {
      const { records, revision } = await listRecords(client, options.lbPrefix).catch((error) => {
        throw new Error(`could not list ${options.lbPrefix} at ${options.endpoints}: ${reasonOf(error)}`);
      });
      log(`listed ${records.size} records at revision ${revision}`);
      await publish(options, records);
    } finally {
      client.close();
    }
    return;
  }
  const stop = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM']) process.once(name, () => stop.abort());
  await follow(options, stop.signal);
  log('stopped');
}

main().catch((error) => {
  warn(reasonOf(error));
  process.exit(1);
});

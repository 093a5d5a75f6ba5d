/**
 * GitHub webhooks (issue 13, "Speed"): etcd, Redis, local-cluster (zero simulated delays), api and deployer as
 * their own processes, loopback only; deliveries are GitHub's example push payload, re-signed.
 * - webhook answer: 50 services claiming a repository each; 300 signed pushes (6 commits per service, newer each
 *   time), 50 in flight, each answered with its release while the deployer rolls the releases out on the same
 *   two cores. Aim: p99 < 50 ms.
 * - push → release running: one push at a time to a warm service, from sending the delivery to the release's
 *   `succeeded` verdict on its event stream (the new pods Running and ready in local-cluster).
 */
import http from 'node:http';
import {
  commitSha,
  pushPayload,
  signedDelivery,
  type SignedDelivery,
} from '../libs/test-support/src/github-deliveries';
import { MetadataStore } from '../libs/store/src/index';
import { beside } from './support/aims';
import { pool } from './support/pool';
import { cpuBetween, cpuUse, startStack, type Stack } from './support/stack';
import { summary, percentile } from './support/stats';

const SECRET = 'bench-webhook-secret-0123456789abcdefghij';
const SERVICES = 50;
const COMMITS_PER_SERVICE = 6;
const IN_FLIGHT = 50;
const SEQUENTIAL_PUSHES = 20;
const IGNORED_PER_SERVICE = 20;
const AIM = { answerP99: 50 };

const hrMicros = () => Number(process.hrtime.bigint() / 1000n);

const repoOf = (service: string) => `bench-org/${service}`;

/** Keep-alive connections, as GitHub's senders keep them; node:http costs the client less per call than fetch. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A signed push delivery, made before it is timed (signing is the sender's cost, not the receiver's). */
function pushDelivery(service: string, seq: number, branch = 'main'): SignedDelivery {
  const sha = commitSha(`${service}-${seq}`);
  const time = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  return signedDelivery('push', pushPayload(repoOf(service), branch, sha, time), SECRET);
}

/** Sends a delivery; answers its latency (ms, to the answer's last byte) and its id. */
function send(stack: Stack, delivery: SignedDelivery): Promise<{ ms: number; id: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      `${stack.base}/api/v1/webhooks/github`,
      {
        method: 'POST',
        agent,
        headers: { ...delivery.headers, 'content-length': Buffer.byteLength(delivery.body) },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          const ms = performance.now() - started;
          if (res.statusCode !== 202) reject(new Error(`delivery answered ${res.statusCode}: ${body}`));
          else resolve({ ms, id: delivery.id });
        });
      },
    );
    req.on('error', reject);
    req.end(delivery.body);
  });
}

/** One signed push delivery, made and sent. */
function push(stack: Stack, service: string, seq: number, branch = 'main') {
  return send(stack, pushDelivery(service, seq, branch));
}

interface Handled {
  releases: { number: number }[];
  durationMs: number;
}

/** The delivery's recorded outcome, once its worker has run. */
async function handled(stack: Stack, id: string): Promise<Handled> {
  for (;;) {
    // The client throws on 404: not handled yet.
    const res = await stack.call('GET', `/api/v1/webhooks/deliveries/${id}`).catch(() => undefined);
    if (res?.status === 200) return res.json as unknown as Handled;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main() {
  const stack = await startStack({
    name: 'github',
    env: { CITE_GITHUB_WEBHOOK_SECRET: SECRET },
    ...(process.env['CITE_BENCH_CPU_PROFILE_DIR']
      ? { cpuProfileDir: process.env['CITE_BENCH_CPU_PROFILE_DIR'] }
      : {}),
  });
  try {
    const names = Array.from({ length: SERVICES }, (_, i) => `gh-${i}`);
    await pool(names, 16, async (name) => {
      const res = await stack.call('POST', '/api/v1/services', {
        name,
        team: 'bench',
        image: `registry.local/bench/${name}`,
        port: 8080,
        repo: repoOf(name),
      });
      if (res.status !== 201) throw new Error(`service ${name}: ${res.status}`);
    });
    // Warm-up: one push per service (first deploys create the Deployments), not measured; their rollouts end
    // before anything is measured.
    await pool(names, IN_FLIGHT, async (name) => {
      const { id } = await push(stack, name, 0);
      await stack.verdictOf(name, (await handled(stack, id)).releases[0]!.number);
    });

    // The receiver's own cost: signed pushes to a branch no service deploys (verified, read, recorded,
    // answered), with the deployer idle.
    const ignoredWork = names.flatMap((name) =>
      Array.from({ length: IGNORED_PER_SERVICE }, (_, i) => ({ name, seq: 1000 + i })),
    );
    // The receiver's code warmed by one unmeasured burst first (the JIT's cost of a process's first few
    // hundred requests is not the steady state the aim is about; the cold burst is printed separately).
    const coldAnswers: number[] = [];
    await pool(
      names.flatMap((name) =>
        Array.from({ length: COMMITS_PER_SERVICE }, (_, i) => pushDelivery(name, 900 + i, 'feature')),
      ),
      IN_FLIGHT,
      async (delivery) => void coldAnswers.push((await send(stack, delivery)).ms),
    );
    console.log(
      `webhook answer, the receiver's first ${coldAnswers.length} signed pushes that deploy nothing, cold, ${IN_FLIGHT} in flight: ${summary(coldAnswers)}`,
    );
    const ignoredAnswers: number[] = [];
    const ignoredIds: string[] = [];
    const ignoredDeliveries = ignoredWork.map(({ name, seq }) => pushDelivery(name, seq, 'feature'));
    const cpuBefore = cpuUse(stack);
    const ignoredStarted = performance.now();
    await pool(ignoredDeliveries, IN_FLIGHT, async (delivery) => {
      const { ms, id } = await send(stack, delivery);
      ignoredAnswers.push(ms);
      ignoredIds.push(id);
    });
    const ignoredSeconds = (performance.now() - ignoredStarted) / 1000;
    if (process.env['CITE_BENCH_CPU_PROFILE_DIR'])
      console.log(
        `  phase window (monotonic µs): ${hrMicros() - Math.round(ignoredSeconds * 1e6)} ${hrMicros()}`,
      );
    const cpu = cpuBetween(cpuBefore, cpuUse(stack));
    await pool(ignoredIds, 10, async (id) => void (await handled(stack, id)));
    console.log(
      `webhook answer, ${ignoredWork.length} signed pushes that deploy nothing (another branch), ${IN_FLIGHT} in flight (${(ignoredWork.length / ignoredSeconds).toFixed(0)}/s): ${summary(ignoredAnswers)}`,
    );
    console.log(
      `  CPU per delivery while they were sent: ${cpu
        .map((use) => `${use.name} ${((use.seconds * 1000) / ignoredWork.length).toFixed(2)} ms`)
        .join(
          ', ',
        )}; ${(cpu.reduce((sum, use) => sum + use.seconds, 0) / ignoredSeconds).toFixed(2)} cores busy`,
    );
    console.log(`  ${beside('p99', percentile(ignoredAnswers, 99), AIM.answerP99)}`);

    const work = names.flatMap((name) =>
      Array.from({ length: COMMITS_PER_SERVICE }, (_, i) => ({ name, seq: i + 1 })),
    );
    // Each service's commits in order (a newer commit after an older one), services interleaved.
    work.sort((a, b) => a.seq - b.seq);
    const answers: number[] = [];
    let released = 0;
    const sentIds: { name: string; id: string }[] = [];
    const prepared = work.map(({ name, seq }) => ({ name, delivery: pushDelivery(name, seq) }));
    const started = performance.now();
    await pool(prepared, IN_FLIGHT, async ({ name, delivery }) => {
      const { ms, id } = await send(stack, delivery);
      answers.push(ms);
      sentIds.push({ name, id });
    });
    const seconds = (performance.now() - started) / 1000;
    // Each delivery's time from receipt to its recorded outcome (the release made and enqueued).
    const last = new Map<string, number>();
    const toOutcome: number[] = [];
    await pool(sentIds, 10, async ({ name, id }) => {
      const outcome = await handled(stack, id);
      toOutcome.push(outcome.durationMs);
      const release = outcome.releases[0]?.number ?? 0;
      if (release > 0) released++;
      last.set(name, Math.max(release, last.get(name) ?? 0));
    });
    console.log(
      `webhook answer, ${work.length} signed pushes that each make a release, ${IN_FLIGHT} in flight (${(work.length / seconds).toFixed(0)}/s, ${released} releases made): ${summary(answers)}`,
    );
    console.log(`  ${beside('p99', percentile(answers, 99), AIM.answerP99)}`);
    console.log(
      `  receipt → outcome recorded (the worker made and enqueued the release): ${summary(toOutcome)}`,
    );

    // Push → release running, one at a time, on a warm service, once every rollout from above has its verdict.
    await pool([...last], 10, async ([name, release]) => void (await stack.verdictOf(name, release)));
    const service = names[0]!;
    const rollouts: number[] = [];
    for (let i = 0; i < SEQUENTIAL_PUSHES; i++) {
      const t = performance.now();
      const { id } = await push(stack, service, 100 + i);
      const release = (await handled(stack, id)).releases[0]!.number;
      const verdict = await stack.verdictOf(service, release);
      if (verdict.status !== 'succeeded')
        throw new Error(`release ${release}: ${verdict.status} ${verdict.message}`);
      rollouts.push(performance.now() - t);
    }
    console.log(`push → release running in local-cluster, one at a time: ${summary(rollouts)}`);

    // For comparison: one etcd read through cite's store, 50 in flight, on the same cores. The receiver answers
    // without one (it only queues); the worker needs at least that (its de-duplication read) and a write.
    const store = await MetadataStore.create({ endpoints: [stack.etcd.endpoint], prefix: '/bench-floor/' });
    try {
      const reads: number[] = [];
      await pool(
        Array.from({ length: 2000 }, (_, i) => i),
        IN_FLIGHT,
        async (i) => {
          const t = performance.now();
          await store.services.get(`floor-${i}`);
          reads.push(performance.now() - t);
        },
      );
      console.log(`the floor: one etcd read, ${IN_FLIGHT} in flight (2,000 reads): ${summary(reads)}`);
    } finally {
      await store.close();
    }
  } finally {
    await stack.stop();
  }
}

await main();

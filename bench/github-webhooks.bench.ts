/**
 * GitHub webhooks (issue 13, "Speed"): etcd, Redis, local-cluster (zero simulated delays), api and deployer as
 * their own processes, loopback only; deliveries are GitHub's example push payload, re-signed.
 * - webhook answer: 50 services claiming a repository each; 300 signed pushes (6 commits per service, newer each
 *   time), 50 in flight, each answered with its release while the deployer rolls the releases out on the same
 *   two cores. Aim: p99 < 50 ms.
 * - push → release running: one push at a time to a warm service, from sending the delivery to the release's
 *   `succeeded` verdict on its event stream (the new pods Running and ready in local-cluster).
 */
import { commitSha, pushPayload, signedDelivery } from '../libs/test-support/src/github-deliveries';
import { MetadataStore } from '../libs/store/src/index';
import { beside } from './support/aims';
import { pool } from './support/pool';
import { startStack, type Stack } from './support/stack';
import { summary, percentile } from './support/stats';

const SECRET = 'bench-webhook-secret-0123456789abcdefghij';
const SERVICES = 50;
const COMMITS_PER_SERVICE = 6;
const IN_FLIGHT = 50;
const SEQUENTIAL_PUSHES = 20;
const AIM = { answerP99: 50 };

const repoOf = (service: string) => `bench-org/${service}`;

/** One signed push delivery; answers its latency (ms) and its delivery id. */
async function push(
  stack: Stack,
  service: string,
  seq: number,
  branch = 'main',
): Promise<{ ms: number; id: string }> {
  const sha = commitSha(`${service}-${seq}`);
  const time = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  const delivery = signedDelivery('push', pushPayload(repoOf(service), branch, sha, time), SECRET);
  const started = performance.now();
  const res = await fetch(`${stack.base}/api/v1/webhooks/github`, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  const body = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 202) throw new Error(`delivery answered ${res.status}: ${body}`);
  return { ms, id: delivery.id };
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
      Array.from({ length: COMMITS_PER_SERVICE }, (_, i) => ({ name, seq: 1000 + i })),
    );
    const ignoredAnswers: number[] = [];
    const ignoredIds: string[] = [];
    await pool(ignoredWork, IN_FLIGHT, async ({ name, seq }) => {
      const { ms, id } = await push(stack, name, seq, 'feature');
      ignoredAnswers.push(ms);
      ignoredIds.push(id);
    });
    await pool(ignoredIds, 10, async (id) => void (await handled(stack, id)));
    console.log(
      `webhook answer, ${ignoredWork.length} signed pushes that deploy nothing (another branch), ${IN_FLIGHT} in flight: ${summary(ignoredAnswers)}`,
    );
    console.log(`  ${beside('p99', percentile(ignoredAnswers, 99), AIM.answerP99)}`);

    const work = names.flatMap((name) =>
      Array.from({ length: COMMITS_PER_SERVICE }, (_, i) => ({ name, seq: i + 1 })),
    );
    // Each service's commits in order (a newer commit after an older one), services interleaved.
    work.sort((a, b) => a.seq - b.seq);
    const answers: number[] = [];
    let released = 0;
    const started = performance.now();
    const sentIds: { name: string; id: string }[] = [];
    await pool(work, IN_FLIGHT, async ({ name, seq }) => {
      const { ms, id } = await push(stack, name, seq);
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

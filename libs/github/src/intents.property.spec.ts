import { createRequire } from 'node:module';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import fc from 'fast-check';
import { parseGitHubEvent, type PushEvent } from './events';
import { decidePush, type ClaimingService, type GitHead } from './intents';

type PushPayload = EmitterWebhookEvent<'push'>['payload'];

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: unknown[];
}[];

/** GitHub's documented push to a branch, copied, as every delivery below starts from it. */
function branchPushExample(): PushPayload {
  const pushes = definitions.find((definition) => definition.name === 'push')?.examples as PushPayload[];
  const found = pushes.find((payload) => payload.ref.startsWith('refs/heads/') && !payload.deleted);
  if (!found) throw new Error('no push-to-branch example');
  return structuredClone(found);
}

const BRANCH = branchPushExample().ref.slice('refs/heads/'.length);

const service: ClaimingService = {
  name: 'app',
  branch: BRANCH,
  autoDeploy: true,
  previews: false,
  image: 'registry.local:5000/team/app',
  tagTemplate: '{sha7}',
  state: 'active',
};

/** `ms` as RFC 3339 in a zone `offsetMinutes` east of UTC: GitHub sends committers' local times. */
function inZone(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString().replace('.000Z', 'Z');
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

interface Commit {
  sha: string;
  /** Commit time, milliseconds since the epoch; strictly increasing along the history. */
  at: number;
  /** The committer's zone, so that the text of the times does not sort like the instants. */
  offsetMinutes: number;
}

/** A linear history on the deploy branch: commit i+1 is made after commit i. */
const history = fc
  .array(
    fc.record({
      gapMs: fc.integer({ min: 1000, max: 86_400_000 }),
      offsetMinutes: fc.constantFrom(0, 120, -420, 330, -720, 840),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((steps) => {
    let at = Date.parse('2024-01-01T00:00:00Z');
    return steps.map(({ gapMs, offsetMinutes }, index): Commit => {
      at += gapMs;
      return { sha: (index + 1).toString(16).padStart(2, '0').repeat(20), at, offsetMinutes };
    });
  });

/** Deliveries of pushes of those commits: any order, any commit any number of times, some forced. */
const scenario = history.chain((commits) =>
  fc.record({
    commits: fc.constant(commits),
    deliveries: fc.array(fc.record({ commit: fc.nat(commits.length - 1), forced: fc.boolean() }), {
      minLength: 1,
      maxLength: 30,
    }),
  }),
);

/** The push of `commit` as GitHub would deliver it (from the documented example, modified). */
function pushOf(commit: Commit, forced: boolean): PushEvent {
  const payload = branchPushExample();
  payload.before = '0'.repeat(40);
  payload.after = commit.sha;
  payload.forced = forced;
  payload.created = false;
  payload.head_commit!.id = commit.sha;
  payload.head_commit!.timestamp = inZone(commit.at, commit.offsetMinutes);
  const event = parseGitHubEvent('push', payload);
  if (event.kind !== 'push') throw new Error('expected a push');
  return event;
}

describe('push deliveries in any order, redelivered or late', () => {
  it('end on the newest commit delivered, deploy no commit twice and never roll back', () => {
    fc.assert(
      fc.property(scenario, ({ commits, deliveries }) => {
        let latest: GitHead | null = null;
        const deployed: number[] = [];
        for (const delivery of deliveries) {
          const commit = commits[delivery.commit]!;
          const intent = decidePush(pushOf(commit, delivery.forced), service, latest);
          if (intent.kind !== 'deploy') continue;
          expect(intent.sha).toBe(commit.sha);
          deployed.push(delivery.commit);
          latest = {
            gitSha: intent.sha,
            ...(intent.committedAt ? { gitCommittedAt: intent.committedAt } : {}),
          };
        }
        const newest = Math.max(...deliveries.map((delivery) => delivery.commit));
        expect(latest?.gitSha).toBe(commits[newest]!.sha);
        expect(new Set(deployed).size).toBe(deployed.length);
        // Each deploy is of a newer commit than the one before it.
        expect(deployed).toEqual([...deployed].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});

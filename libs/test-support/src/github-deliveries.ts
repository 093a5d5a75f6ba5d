/**
 * GitHub webhook deliveries for tests: GitHub's own example payloads (`@octokit/webhooks-examples`), changed
 * where a test needs it and signed the way GitHub signs them (HMAC-SHA256 of the body, `X-Hub-Signature-256`).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];

/** A deep copy of the first example payload of `event` that `matches`. */
// Example payloads are JSON a test edits freely: loosely typed on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export function examplePayload<T = Json>(event: string, matches: (payload: Json) => boolean = () => true): T {
  const found = examples.find((set) => set.name === event)?.examples.find(matches);
  if (!found) throw new Error(`no example ${event} payload matches`);
  return structuredClone(found) as T;
}

/** A 40-digit commit sha made from `seed`. */
export function commitSha(seed: string | number): string {
  return createHash('sha1').update(String(seed)).digest('hex');
}

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
  id: string;
}

/** `payload` as GitHub delivers it: JSON body, event and delivery headers, and the signature with `secret`. */
export function signedDelivery(
  event: string,
  payload: unknown,
  secret: string,
  id: string = randomUUID(),
): SignedDelivery {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return {
    id,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/test',
      'x-github-event': event,
      'x-github-delivery': id,
      'x-github-hook-id': '1',
      'x-hub-signature-256': signature,
    },
  };
}

/** A push of `sha` to `branch` of `repo`, from GitHub's example push, committed at `time`. */
export function pushPayload(repo: string, branch: string, sha: string, time: string, before?: string) {
  const payload = examplePayload('push', (p) => typeof p.ref === 'string' && p.ref.startsWith('refs/heads/'));
  payload.ref = `refs/heads/${branch}`;
  payload.before = before ?? '0'.repeat(40);
  payload.after = sha;
  payload.repository.full_name = repo;
  payload.head_commit = { ...payload.head_commit, id: sha, timestamp: time };
  return payload;
}

/** A pull-request event (`opened`, `synchronize`, `closed`, …) of `repo` into `base` from `head` at `sha`. */
export function pullRequestPayload(
  action: string,
  repo: string,
  number: number,
  base: string,
  head: string,
  sha: string,
) {
  const payload = examplePayload('pull_request', (p) => p.action === action);
  payload.number = number;
  payload.repository.full_name = repo;
  payload.pull_request.number = number;
  payload.pull_request.base.ref = base;
  payload.pull_request.head.ref = head;
  payload.pull_request.head.sha = sha;
  return payload;
}

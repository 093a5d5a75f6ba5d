/**
 * A stand-in for the GitHub REST API: the few endpoints cite calls, with GitHub's status codes and response
 * shapes, on 127.0.0.1 and a free port. It records every request (including ones it fails) so a test asserts
 * what GitHub was told and in which order, and it can misbehave on demand: answer errors (`failNext`), answer
 * late (`delayNext`), or be down altogether (`setDown`). Ids are increasing integers shared by every kind of
 * object, so no two objects have the same id.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** The path without the query string, as sent (percent-encoding kept): `/repos/acme/web/statuses/abc`. */
  path: string;
  /** The parsed JSON body; `undefined` when there was none (or it was not JSON). */
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface FailureOptions {
  /** GitHub's `message`. @defaultValue the status's reason phrase */
  message?: string;
  /** Extra response headers, e.g. `x-ratelimit-remaining: 0` or `retry-after` for a rate limit. */
  headers?: Record<string, string>;
}

export interface FakeGitHub {
  /** The API's base URL, as `baseUrl` for a client: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request so far, in arrival order (the same array throughout; `reset()` empties it). */
  readonly requests: readonly RecordedRequest[];
  /** The next `count` requests answer `status` with GitHub's error body (`{message, documentation_url}`). */
  failNext(count: number, status: number, options?: FailureOptions): void;
  /** The next `count` requests are answered only after `ms` milliseconds. */
  delayNext(count: number, ms: number): void;
  /** While down, every request answers 503 at once. */
  setDown(down: boolean): void;
  /** `GET /repos/{repo}/branches/{branch}` answers this sha (repo is `owner/name`, case-insensitive). */
  setBranchHead(repo: string, branch: string, sha: string): void;
  /** `GET /repos/{repo}/pulls/{number}` answers this state (unknown pull requests are 404). */
  setPullRequest(repo: string, number: number, state: 'open' | 'closed'): void;
  /** Forgets requests, programmed failures and delays, objects and branch heads (ids keep increasing). */
  reset(): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface State {
  nextId: number;
  deployments: Map<number, { repo: string; environment: string }>;
  comments: Map<number, { repo: string; issue: number; body: string; createdAt: string }>;
  branches: Map<string, string>;
  pulls: Map<string, 'open' | 'closed'>;
}

type Handler = (params: string[], body: unknown, state: State) => Answer;

const DOCS = 'https://docs.github.com/rest';
const COMMIT_STATES = new Set(['error', 'failure', 'pending', 'success']);
const DEPLOYMENT_STATES = new Set([
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
]);
const DESCRIPTION_MAX = 140;

const now = () => new Date().toISOString();
const repoKey = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

function error(status: number, message: string, headers?: Record<string, string>): Answer {
  return { status, body: { message, documentation_url: DOCS }, ...(headers ? { headers } : {}) };
}

/** GitHub's 422 for a field that breaks a rule. */
function invalid(resource: string, field: string, message: string): Answer {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, field, code: 'custom', message }],
      documentation_url: DOCS,
    },
  };
}

/** The checks GitHub makes on a status's `state` and `description`; undefined when both are fine. */
function checkStatus(
  resource: string,
  fields: Record<string, unknown>,
  states: Set<string>,
): Answer | undefined {
  if (typeof fields['state'] !== 'string' || !states.has(fields['state'])) {
    return invalid(resource, 'state', `state is not included in the list`);
  }
  const description = fields['description'];
  if (description !== undefined && description !== null) {
    if (typeof description !== 'string')
      return invalid(resource, 'description', 'description is not a string');
    if ([...description].length > DESCRIPTION_MAX) {
      return invalid(
        resource,
        'description',
        `description is too long (maximum is ${DESCRIPTION_MAX} characters)`,
      );
    }
  }
  return undefined;
}

const createCommitStatus: Handler = ([owner, repo, sha], body, state) => {
  const fields = record(body);
  const problem = checkStatus('Status', fields, COMMIT_STATES);
  if (problem) return problem;
  const at = now();
  return {
    status: 201,
    body: {
      id: state.nextId++,
      url: `/repos/${owner}/${repo}/statuses/${sha}`,
      state: fields['state'],
      description: fields['description'] ?? null,
      target_url: fields['target_url'] ?? null,
      context: fields['context'] ?? 'default',
      created_at: at,
      updated_at: at,
    },
  };
};

const createDeployment: Handler = ([owner, repo], body, state) => {
  const fields = record(body);
  const ref = fields['ref'];
  if (typeof ref !== 'string' || ref === '') return invalid('Deployment', 'ref', 'ref is missing');
  const key = repoKey(owner!, repo!);
  const environment = typeof fields['environment'] === 'string' ? fields['environment'] : 'production';
  const id = state.nextId++;
  state.deployments.set(id, { repo: key, environment });
  const at = now();
  return {
    status: 201,
    body: {
      id,
      url: `/repos/${owner}/${repo}/deployments/${id}`,
      sha: state.branches.get(`${key}#${ref}`) ?? ref,
      ref,
      task: fields['task'] ?? 'deploy',
      payload: fields['payload'] ?? {},
      environment,
      original_environment: environment,
      description: fields['description'] ?? null,
      transient_environment: fields['transient_environment'] === true,
      production_environment: fields['production_environment'] ?? environment === 'production',
      created_at: at,
      updated_at: at,
    },
  };
};

const createDeploymentStatus: Handler = ([owner, repo, id], body, state) => {
  const deployment = state.deployments.get(Number(id));
  if (!deployment || deployment.repo !== repoKey(owner!, repo!)) return error(404, 'Not Found');
  const fields = record(body);
  const problem = checkStatus('DeploymentStatus', fields, DEPLOYMENT_STATES);
  if (problem) return problem;
  const at = now();
  return {
    status: 201,
    body: {
      id: state.nextId++,
      state: fields['state'],
      description: fields['description'] ?? '',
      environment: fields['environment'] ?? deployment.environment,
      log_url: fields['log_url'] ?? '',
      target_url: fields['log_url'] ?? '',
      environment_url: fields['environment_url'] ?? '',
      deployment_url: `/repos/${owner}/${repo}/deployments/${id}`,
      created_at: at,
      updated_at: at,
    },
  };
};

function commentBody(
  owner: string,
  repo: string,
  id: number,
  comment: { issue: number; body: string; createdAt: string },
) {
  return {
    id,
    body: comment.body,
    html_url: `https://github.com/${owner}/${repo}/pull/${comment.issue}#issuecomment-${id}`,
    issue_url: `/repos/${owner}/${repo}/issues/${comment.issue}`,
    created_at: comment.createdAt,
    updated_at: now(),
  };
}

const createComment: Handler = ([owner, repo, issue], body, state) => {
  const text = record(body)['body'];
  if (typeof text !== 'string' || text === '') return invalid('IssueComment', 'body', 'body is missing');
  const id = state.nextId++;
  const comment = { repo: repoKey(owner!, repo!), issue: Number(issue), body: text, createdAt: now() };
  state.comments.set(id, comment);
  return { status: 201, body: commentBody(owner!, repo!, id, comment) };
};

const updateComment: Handler = ([owner, repo, id], body, state) => {
  const comment = state.comments.get(Number(id));
  if (!comment || comment.repo !== repoKey(owner!, repo!)) return error(404, 'Not Found');
  const text = record(body)['body'];
  if (typeof text !== 'string' || text === '') return invalid('IssueComment', 'body', 'body is missing');
  comment.body = text;
  return { status: 200, body: commentBody(owner!, repo!, Number(id), comment) };
};

const getBranch: Handler = ([owner, repo, branch], _body, state) => {
  const sha = state.branches.get(`${repoKey(owner!, repo!)}#${branch}`);
  if (sha === undefined) return error(404, 'Branch not found');
  return {
    status: 200,
    body: { name: branch, commit: { sha, url: `/repos/${owner}/${repo}/commits/${sha}` }, protected: false },
  };
};

const getPullRequest: Handler = ([owner, repo, number], _body, state) => {
  const found = state.pulls.get(`${repoKey(owner!, repo!)}#${number}`);
  if (found === undefined) return error(404, 'Not Found');
  return {
    status: 200,
    body: {
      number: Number(number),
      state: found,
      merged: false,
      head: { ref: 'feature', sha: 'f'.repeat(40) },
    },
  };
};

const getInstallation: Handler = ([owner]) => ({
  status: 200,
  body: { id: 1, account: { login: owner }, app_id: 1, target_type: 'Organization', permissions: {} },
});

const createAccessToken: Handler = ([id], _body, state) => ({
  status: 201,
  body: {
    token: `ghs_fake${state.nextId++}_installation${id}`,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    permissions: {},
    repository_selection: 'all',
  },
});

const SEGMENT = '([^/]+)';
const ROUTES: { method: string; pattern: RegExp; handler: Handler }[] = [
  {
    method: 'POST',
    pattern: route(`/repos/${SEGMENT}/${SEGMENT}/statuses/${SEGMENT}`),
    handler: createCommitStatus,
  },
  { method: 'POST', pattern: route(`/repos/${SEGMENT}/${SEGMENT}/deployments`), handler: createDeployment },
  {
    method: 'POST',
    pattern: route(`/repos/${SEGMENT}/${SEGMENT}/deployments/(\\d+)/statuses`),
    handler: createDeploymentStatus,
  },
  {
    method: 'POST',
    pattern: route(`/repos/${SEGMENT}/${SEGMENT}/issues/(\\d+)/comments`),
    handler: createComment,
  },
  {
    method: 'PATCH',
    pattern: route(`/repos/${SEGMENT}/${SEGMENT}/issues/comments/(\\d+)`),
    handler: updateComment,
  },
  // A branch name may hold slashes (sent as %2F, or raw by some clients).
  { method: 'GET', pattern: route(`/repos/${SEGMENT}/${SEGMENT}/branches/(.+)`), handler: getBranch },
  { method: 'GET', pattern: route(`/repos/${SEGMENT}/${SEGMENT}/pulls/(\\d+)`), handler: getPullRequest },
  { method: 'GET', pattern: route(`/repos/${SEGMENT}/${SEGMENT}/installation`), handler: getInstallation },
  { method: 'POST', pattern: route(`/app/installations/(\\d+)/access_tokens`), handler: createAccessToken },
];

function route(source: string): RegExp {
  return new RegExp(`^${source}$`);
}

function answerRoute(method: string, path: string, body: unknown, state: State): Answer {
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(path);
    if (match && candidate.method === method) {
      return candidate.handler(match.slice(1).map(decodeURIComponent), body, state);
    }
  }
  return error(404, 'Not Found');
}

async function readBody(request: IncomingMessage): Promise<{ text: string; json: unknown; ok: boolean }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return { text, json: undefined, ok: true };
  try {
    return { text, json: JSON.parse(text) as unknown, ok: true };
  } catch {
    return { text, json: undefined, ok: false };
  }
}

function send(response: ServerResponse, answer: Answer): void {
  if (response.destroyed || response.writableEnded) return;
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': 'FAKE',
    ...answer.headers,
  });
  response.end(JSON.stringify(answer.body));
}

function freshState(nextId: number): State {
  return { nextId, deployments: new Map(), comments: new Map(), branches: new Map(), pulls: new Map() };
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  let state = freshState(1);
  let down = false;
  let failures: { status: number; options: FailureOptions }[] = [];
  let delays: number[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://fake.invalid').pathname;
    const body = await readBody(request);
    requests.push({ method, path, body: body.json, headers: request.headers });
    if (down) return send(response, error(503, 'Service Unavailable'));
    const delay = delays.shift();
    if (delay !== undefined) await wait(delay);
    const failure = failures.shift();
    if (failure) {
      const message = failure.options.message ?? defaultMessage(failure.status);
      return send(response, error(failure.status, message, failure.options.headers));
    }
    if (!body.ok) return send(response, error(400, 'Problems parsing JSON'));
    send(response, answerRoute(method, path, body.json, state));
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((cause: unknown) =>
      send(
        response,
        error(500, `fake GitHub failed: ${cause instanceof Error ? cause.message : String(cause)}`),
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status, options = {}) {
      failures.push(...Array.from({ length: count }, () => ({ status, options })));
    },
    delayNext(count, ms) {
      delays.push(...Array.from({ length: count }, () => ms));
    },
    setDown(value) {
      down = value;
    },
    setBranchHead(repo, branch, sha) {
      state.branches.set(`${repo.toLowerCase()}#${branch}`, sha);
    },
    setPullRequest(repo, number, pullState) {
      state.pulls.set(`${repo.toLowerCase()}#${number}`, pullState);
    },
    reset() {
      requests.length = 0;
      state = freshState(state.nextId);
      down = false;
      failures = [];
      delays = [];
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((cause) => (cause ? reject(cause) : resolve())),
      );
    },
  };
}

function defaultMessage(status: number): string {
  const messages: Record<number, string> = {
    401: 'Bad credentials',
    403: 'Forbidden',
    404: 'Not Found',
    422: 'Validation Failed',
    429: 'Too Many Requests',
    500: 'Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return messages[status] ?? `HTTP ${status}`;
}

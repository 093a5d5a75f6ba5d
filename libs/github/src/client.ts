/**
 * The few GitHub REST calls cite makes to report back (commit statuses, deployments and their statuses, the
 * preview comment on a pull request, a branch's head), over octokit, with a token or as a GitHub App.
 *
 * octokit's own retries and throttling are off: the report runs in a queue job that retries with backoff, so a
 * call here fails fast and says whether trying again can help. Network errors, timeouts, 5xx, 429 and rate-limit
 * 403s are `UnavailableError('github')` (retry later); every other refusal is a `GitHubRejectedError`
 * (permanent). The token never appears in an error: octokit redacts the `authorization` header of the request
 * it keeps on its errors, and no message here includes it.
 */
import { createPrivateKey } from 'node:crypto';
import { CiteError, ConfigError, InputError, UnavailableError, isCiteError } from '@cite/errors';
import { App, Octokit, RequestError } from 'octokit';

export interface GitHubClientOptions {
  /** https://api.github.com, or GitHub Enterprise's `https://host/api/v3`. */
  baseUrl?: string;
  token?: string;
  /** GitHub App auth: installation tokens per repository. */
  app?: { appId: string; privateKey: string };
  /** Per request. @defaultValue 10000 */
  timeoutMs?: number;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';
export type DeploymentState = 'pending' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface GitHubApi {
  createCommitStatus(i: {
    repo: string;
    sha: string;
    state: CommitState;
    context: string;
    description?: string;
    targetUrl?: string;
  }): Promise<void>;
  createDeployment(i: {
    repo: string;
    ref: string;
    environment: string;
    description?: string;
    transientEnvironment?: boolean;
    productionEnvironment?: boolean;
  }): Promise<{ id: number }>;
  createDeploymentStatus(i: {
    repo: string;
    deploymentId: number;
    state: DeploymentState;
    description?: string;
    logUrl?: string;
    environmentUrl?: string;
  }): Promise<void>;
  /** Edits `commentId` when given and still there, else creates one; answers the comment's id. */
  upsertComment(i: {
    repo: string;
    issue: number;
    commentId?: number;
    body: string;
  }): Promise<{ id: number }>;
  /** The branch's head sha; null when GitHub says the branch does not exist. */
  branchHead(repo: string, branch: string): Promise<string | null>;
  /** A pull request's state; null when GitHub says there is no such pull request. */
  pullRequestState(repo: string, number: number): Promise<'open' | 'closed' | null>;
}

/**
 * GitHub refused a call for a reason retrying will not change (bad credentials, no access, the App not installed
 * on the repository, a field GitHub rejects). The report job drops it and logs it. Its `code` is `internal`: a
 * refusal is cite's setup or cite's bug, never the fault of whoever asked cite for something.
 */
export class GitHubRejectedError extends CiteError {
  readonly code = 'internal' as const;
  constructor(
    /** GitHub's HTTP status (or 0 when it answered something cite cannot use). */
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** GitHub's limit on commit and deployment status descriptions. */
/** The `task` of the deployments cite creates to report a release (GitHub's default task is `deploy`). */
export const REPORT_TASK = 'cite:report';

export const DESCRIPTION_MAX_LENGTH = 140;

/** `text` in at most `max` characters (code points, as GitHub counts), an ellipsis marking a cut. Pure. */
export function clipDescription(text: string, max = DESCRIPTION_MAX_LENGTH): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** `owner/name` split; InputError when it is not that shape. Pure. */
export function splitRepo(repo: string): { owner: string; repo: string } {
  const parts = repo.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new InputError(`not a GitHub repository: ${JSON.stringify(repo)}`, {
      details: [{ path: 'repo', message: 'expected owner/name' }],
    });
  }
  return { owner: parts[0], repo: parts[1] };
}

const header = (headers: Record<string, unknown> | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
};

/**
 * How long GitHub asks to wait, in seconds, from `retry-after` or (for the primary rate limit) `x-ratelimit-reset`;
 * undefined when it does not say. Pure (`nowMs` is the clock).
 */
export function retryAfterSeconds(
  headers: Record<string, unknown> | undefined,
  nowMs: number,
): number | undefined {
  const retryAfter = Number(header(headers, 'retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.ceil(retryAfter);
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  if (header(headers, 'x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(1, Math.ceil(reset - nowMs / 1000));
  }
  return undefined;
}

/** A 403 that is a rate limit (primary: no requests left; secondary: GitHub says so, or asks to wait). Pure. */
export function isRateLimited(
  status: number,
  headers: Record<string, unknown> | undefined,
  message: string,
): boolean {
  if (status !== 403) return false;
  return (
    header(headers, 'x-ratelimit-remaining') === '0' ||
    header(headers, 'retry-after') !== undefined ||
    /rate limit/i.test(message)
  );
}

/** Names the error each failed call throws, by whether a later retry can succeed. */
export function translateGitHubError(error: unknown, action: string, nowMs = Date.now()): Error {
  if (isCiteError(error)) return error;
  if (error instanceof RequestError) {
    const headers = error.response?.headers as Record<string, unknown> | undefined;
    if (!error.response) {
      return new UnavailableError('github', `${action}: GitHub unreachable: ${error.message}`, {
        cause: error,
      });
    }
    const { status } = error;
    if (status >= 500 || status === 429 || isRateLimited(status, headers, error.message)) {
      const wait = retryAfterSeconds(headers, nowMs);
      return new UnavailableError('github', `${action}: GitHub answered ${status}: ${error.message}`, {
        cause: error,
        ...(wait === undefined ? {} : { retryAfterSeconds: wait }),
      });
    }
    return new GitHubRejectedError(status, `${action}: GitHub answered ${status}: ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new UnavailableError('github', `${action}: GitHub did not answer: ${error.message}`, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * fetch with a deadline per request: octokit has no timeout of its own. A request that gets no answer in time
 * fails with a message saying so (octokit turns it into a status-500 RequestError without a response).
 */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      return await fetch(input, { ...init, signal });
    } catch (error) {
      if (deadline.aborted) throw new Error(`no answer within ${timeoutMs} ms`, { cause: error });
      throw error;
    }
  };
}

type Client = InstanceType<typeof Octokit>;

/** Answers the octokit to use for a repository (`owner`, `repo`). */
type ClientFor = (owner: string, repo: string) => Promise<Client>;

/** The App's client per repository: its installation looked up once, then octokit keeps the installation token. */
function appClients(
  ConfiguredOctokit: typeof Octokit,
  app: { appId: string; privateKey: string },
): ClientFor {
  // Keys often come through environment variables with their newlines escaped.
  const privateKey = app.privateKey.includes('\\n') ? app.privateKey.replace(/\\n/g, '\n') : app.privateKey;
  try {
    createPrivateKey(privateKey);
  } catch {
    // Said now, not as a failure of every report later; the key itself stays out of the message.
    throw new ConfigError(
      'CITE_GITHUB_APP_PRIVATE_KEY_FILE',
      'the GitHub App private key is not a PEM private key',
    );
  }
  const githubApp = new App({ appId: app.appId, privateKey, Octokit: ConfiguredOctokit });
  const clients = new Map<string, Promise<Client>>();
  return (owner, repo) => {
    const key = `${owner}/${repo}`.toLowerCase();
    let client = clients.get(key);
    if (!client) {
      client = (async () => {
        const { data } = await githubApp.octokit.rest.apps.getRepoInstallation({ owner, repo });
        return (await githubApp.getInstallationOctokit(data.id)) as Client;
      })();
      clients.set(key, client);
      // A failed lookup is not kept: the next call asks again.
      client.catch(() => clients.delete(key));
    }
    return client;
  };
}

function clientsFor(options: GitHubClientOptions): ClientFor {
  const ConfiguredOctokit = Octokit.defaults({
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'cite',
    retry: { enabled: false },
    throttle: { enabled: false },
    request: { fetch: fetchWithTimeout(options.timeoutMs ?? 10_000) },
  });
  if (options.app) return appClients(ConfiguredOctokit, options.app);
  if (options.token) {
    const client = new ConfiguredOctokit({ auth: options.token });
    return () => Promise.resolve(client);
  }
  throw new ConfigError('CITE_GITHUB_TOKEN', 'reporting to GitHub needs a token or a GitHub App');
}

const isCommentGone = (error: unknown) => error instanceof RequestError && error.status === 404;
const isBranchMissing = (error: unknown) =>
  error instanceof RequestError && error.status === 404 && /branch not found/i.test(error.message);

/** Runs one call for a repository, its failure translated (`action` names it in the error). */
type Call = <T>(
  repoName: string,
  action: string,
  run: (client: Client, owner: string, repo: string) => Promise<T>,
) => Promise<T>;

const description = (text: string | undefined) =>
  text === undefined ? {} : { description: clipDescription(text) };

/** Commit statuses, deployments and deployment statuses. */
function statusCalls(
  call: Call,
): Pick<GitHubApi, 'createCommitStatus' | 'createDeployment' | 'createDeploymentStatus'> {
  return {
    async createCommitStatus(i) {
      await call(i.repo, `commit status ${i.context} on ${i.repo}@${i.sha}`, (client, owner, repo) =>
        client.rest.repos.createCommitStatus({
          owner,
          repo,
          sha: i.sha,
          state: i.state,
          context: i.context,
          ...description(i.description),
          ...(i.targetUrl === undefined ? {} : { target_url: i.targetUrl }),
        }),
      );
    },

    createDeployment(i) {
      return call(
        i.repo,
        `deployment of ${i.repo}@${i.ref} to ${i.environment}`,
        async (client, owner, repo) => {
          const { status, data } = await client.rest.repos.createDeployment({
            owner,
            repo,
            ref: i.ref,
            environment: i.environment,
            // cite has already deployed this ref: GitHub must neither merge the default branch into it nor wait for
            // commit statuses (cite's own pending status among them).
            auto_merge: false,
            required_contexts: [],
            // Marks the deployment as cite's report, so its own `deployment` webhook deploys nothing.
            task: REPORT_TASK,
            ...description(i.description),
            ...(i.transientEnvironment === undefined
              ? {}
              : { transient_environment: i.transientEnvironment }),
            ...(i.productionEnvironment === undefined
              ? {}
              : { production_environment: i.productionEnvironment }),
          });
          // 202 (a merge instead of a deployment) only happens with auto_merge, which is off.
          if (!('id' in data)) {
            throw new GitHubRejectedError(status, `GitHub created no deployment: ${data.message ?? ''}`);
          }
          return { id: data.id };
        },
      );
    },

    async createDeploymentStatus(i) {
      await call(
        i.repo,
        `deployment ${i.deploymentId} status ${i.state} on ${i.repo}`,
        (client, owner, repo) =>
          client.rest.repos.createDeploymentStatus({
            owner,
            repo,
            deployment_id: i.deploymentId,
            state: i.state,
            ...description(i.description),
            ...(i.logUrl === undefined ? {} : { log_url: i.logUrl }),
            ...(i.environmentUrl === undefined ? {} : { environment_url: i.environmentUrl }),
          }),
      );
    },
  };
}

/** The preview comment and branch heads. */
function repositoryCalls(call: Call): Pick<GitHubApi, 'upsertComment' | 'branchHead' | 'pullRequestState'> {
  return {
    upsertComment(i) {
      return call(i.repo, `comment on ${i.repo}#${i.issue}`, async (client, owner, repo) => {
        if (i.commentId !== undefined) {
          try {
            const { data } = await client.rest.issues.updateComment({
              owner,
              repo,
              comment_id: i.commentId,
              body: i.body,
            });
            return { id: data.id };
          } catch (error) {
            // Someone deleted it: post a new one.
            if (!isCommentGone(error)) throw error;
          }
        }
        const { data } = await client.rest.issues.createComment({
          owner,
          repo,
          issue_number: i.issue,
          body: i.body,
        });
        return { id: data.id };
      });
    },

    pullRequestState(repoName, number) {
      return call(repoName, `pull request ${repoName}#${number}`, async (client, owner, repo) => {
        try {
          const { data } = await client.rest.pulls.get({ owner, repo, pull_number: number });
          return data.state === 'open' ? 'open' : 'closed';
        } catch (error) {
          if ((error as { status?: number }).status === 404) return null;
          throw error;
        }
      });
    },

    branchHead(repoName, branch) {
      return call(repoName, `head of ${repoName}:${branch}`, async (client, owner, repo) => {
        try {
          const { data } = await client.rest.repos.getBranch({ owner, repo, branch });
          return data.commit.sha;
        } catch (error) {
          if (isBranchMissing(error)) return null;
          throw error;
        }
      });
    },
  };
}

/** The GitHub API as cite uses it. With `app`, each repository is reached through the App's installation on it. */
export function createGitHubApi(options: GitHubClientOptions): GitHubApi {
  const clientFor = clientsFor(options);
  const call: Call = async (repoName, action, run) => {
    const { owner, repo } = splitRepo(repoName);
    try {
      return await run(await clientFor(owner, repo), owner, repo);
    } catch (error) {
      throw translateGitHubError(error, action);
    }
  };
  return { ...statusCalls(call), ...repositoryCalls(call) };
}

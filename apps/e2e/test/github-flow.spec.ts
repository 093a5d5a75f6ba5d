/**
 * GitHub Flow end to end, against real processes (etcd, Redis, docker-registry, local-cluster, api, deployer)
 * and a stand-in GitHub API that records what cite sends: a signed push ships the commit once (waiting for CI
 * to push its image), GitHub hears pending → in_progress → success; a redelivery changes nothing; a pull request
 * gets a running preview with its own host, and closing it removes the preview from the cluster and etcd.
 */
import { jest } from '@jest/globals';
import { KubeHttp, KubeHttpError, PATHS, PooledKubeConfig } from '@cite/kube';
import { pushImage } from '@cite/local-services';
import {
  commitSha,
  pullRequestPayload,
  pushPayload,
  signedDelivery,
  startFakeGitHub,
  type FakeGitHub,
} from '@cite/test-support';
import { startPlatform, until, type Platform } from './support/platform';

jest.setTimeout(180_000);

const SECRET = 'e2e-webhook-secret-0123456789abcdefghij';
const REPO = 'octo-org/shop';

describe('GitHub Flow, end to end', () => {
  let platform: Platform;
  let github: FakeGitHub;

  beforeAll(async () => {
    github = await startFakeGitHub();
    platform = await startPlatform(
      {
        CITE_GITHUB_WEBHOOK_SECRET: SECRET,
        CITE_GITHUB_TOKEN: 'ghp_e2etoken0123456789abcdefghijklmnopqrstuv',
        CITE_GITHUB_API_URL: github.url,
        CITE_GITHUB_IMAGE_WAIT_SECONDS: '60',
        CITE_PREVIEW_DOMAIN: 'preview.test',
      },
      // The deployer checks (and waits for) images on the registry the cluster pulls from.
      { checkImages: true },
    );
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await github?.close();
  });

  const deliver = async (event: string, payload: unknown, id?: string) => {
    const delivery = signedDelivery(event, payload, SECRET, id);
    const res = await fetch(`${platform.base}/api/v1/webhooks/github`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    const answer = (await res.json()) as { outcome: string };
    if (res.status !== 202) return { status: res.status, body: answer as any, id: delivery.id }; // eslint-disable-line @typescript-eslint/no-explicit-any
    // Queued: the api's delivery worker acts on it; its outcome is in the delivery log.
    const handled = await until(
      `delivery ${delivery.id} to be handled`,
      () => platform.call('GET', `/webhooks/deliveries/${delivery.id}`),
      (a) => a.status === 200,
    );
    return { status: res.status, body: handled.body, answer, id: delivery.id };
  };
  const release = (service: string, n: number) =>
    platform.call('GET', `/services/${service}/releases/${n}`).then((a) => a.body);
  const finished = (service: string, n: number) =>
    until(
      `release ${n} of ${service} to finish`,
      () => release(service, n),
      (r) => ['succeeded', 'failed', 'superseded'].includes(r?.status),
      60_000,
    );
  /** The Ingress's hosts, or null when the cluster has none (404). */
  const ingressHosts = async (namespace: string, name: string): Promise<string[] | null> => {
    const config = new PooledKubeConfig();
    config.loadFromFile(platform.kubeconfig);
    try {
      const ingress = await new KubeHttp(config).json<{ spec?: { rules?: { host?: string }[] } }>(
        PATHS.ingresses(namespace, name),
      );
      return (ingress.spec?.rules ?? []).map((rule) => rule.host ?? '');
    } catch (error) {
      if (error instanceof KubeHttpError && error.code === 404) return null;
      throw error;
    }
  };
  /** The states GitHub was sent for `sha`, in order, from request number `from` on. */
  const statesFor = (sha: string, from = 0) => ({
    commit: github.requests
      .slice(from)
      .filter((r) => r.method === 'POST' && r.path === `/repos/${REPO}/statuses/${sha}`)
      .map((r) => (r.body as { state: string }).state),
    deployment: github.requests
      .slice(from)
      .filter((r) => r.method === 'POST' && /\/deployments\/\d+\/statuses$/.test(r.path))
      .map((r) => (r.body as { state: string }).state),
  });

  it('ships a signed push once, waits for its image, and reports pending, in_progress and success', async () => {
    const image = `${platform.registry.host}/octo/shop`;
    const created = await platform.call('POST', '/services', {
      name: 'shop',
      team: 'octo',
      image,
      port: 8080,
      replicas: 2,
      repo: REPO,
      deployPolicy: { branch: 'main', previews: true },
    });
    expect(created.status).toBe(201);

    const sha = commitSha('e2e-push');
    const push = pushPayload(REPO, 'main', sha, '2026-06-01T10:00:00Z');
    // cite confirms the branch head with GitHub before deploying (the payload is a hint).
    github.setBranchHead(REPO, 'main', sha);
    const first = await deliver('push', push);
    expect(first.status).toBe(202);
    expect(first.body.releases).toEqual([{ service: 'shop', number: 1 }]);
    // CI pushes the image after the webhook: the deployer waits for the tag.
    await until(
      'the release to wait for its image',
      () => release('shop', 1),
      (r) => r?.status === 'in_progress',
    );
    await pushImage(platform.registry.url, 'octo/shop', sha);
    expect(await finished('shop', 1)).toMatchObject({
      status: 'succeeded',
      gitSha: sha,
      image: `${image}:${sha}`,
    });
    const deployment = await platform.cluster.getDeployment('cite-octo', 'shop');
    expect(deployment?.status?.readyReplicas).toBe(2);

    await until(
      'GitHub to hear success',
      async () => statesFor(sha),
      (states) => states.commit.includes('success') && states.deployment.includes('success'),
    );
    expect(statesFor(sha)).toEqual({
      commit: ['pending', 'success'],
      deployment: ['pending', 'in_progress', 'success'],
    });

    // The same delivery again: queued, and nothing changes — the same outcome, no new release, nothing more
    // sent to GitHub.
    const sent = github.requests.length;
    const again = await deliver('push', push, first.id);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ releases: [{ service: 'shop', number: 1 }] });
    expect((await platform.call('GET', '/services/shop/releases')).body.items).toHaveLength(1);
    expect(github.requests.length).toBe(sent);

    const log = await platform.call('GET', '/webhooks/deliveries?service=shop');
    expect(log.body.items[0]).toMatchObject({ id: first.id, outcome: 'accepted', status: 202 });
  });

  it('loses no status while GitHub is down: the reports go out once it is back', async () => {
    const sha = commitSha('e2e-down');
    await pushImage(platform.registry.url, 'octo/shop', sha);
    github.setDown(true);
    let back = 0;
    try {
      // GitHub cannot confirm the branch head either: the payload is deployed as it is.
      const res = await deliver('push', pushPayload(REPO, 'main', sha, '2026-06-01T11:00:00Z'));
      expect(res.body.releases).toEqual([{ service: 'shop', number: 2 }]);
      expect(await finished('shop', 2)).toMatchObject({ status: 'succeeded' });
    } finally {
      back = github.requests.length;
      github.setDown(false);
    }
    // Every call so far was answered 503; the retries send what GitHub has not heard, in order, once.
    await until(
      'the reports after GitHub came back',
      async () => statesFor(sha, back).commit,
      (states) => states.includes('success'),
      60_000,
    );
    expect(statesFor(sha, back)).toEqual({
      commit: ['pending', 'success'],
      deployment: ['pending', 'in_progress', 'success'],
    });
  });

  it('runs a preview for a pull request under its own host, and removes it when the pull request closes', async () => {
    const sha = commitSha('e2e-pr');
    await pushImage(platform.registry.url, 'octo/shop', sha);
    const opened = await deliver('pull_request', pullRequestPayload('opened', REPO, 12, 'main', 'feat', sha));
    expect(opened.body.releases).toEqual([{ service: 'shop-pr-12', number: 1 }]);
    expect(await finished('shop-pr-12', 1)).toMatchObject({ status: 'succeeded', cause: 'preview' });
    expect(await ingressHosts('cite-octo', 'shop-pr-12')).toEqual(['shop-pr-12.preview.test']);
    await until(
      'the preview comment',
      async () => github.requests.filter((r) => r.path === `/repos/${REPO}/issues/12/comments`),
      (comments) => comments.length === 1,
    );

    const closed = await deliver('pull_request', pullRequestPayload('closed', REPO, 12, 'main', 'feat', sha));
    expect(closed.status).toBe(202);
    await until(
      'the preview to leave etcd',
      () => platform.call('GET', '/services/shop-pr-12'),
      (a) => a.status === 404,
    );
    expect(await platform.cluster.getDeployment('cite-octo', 'shop-pr-12')).toBeNull();
    expect(await ingressHosts('cite-octo', 'shop-pr-12')).toBeNull();
    expect((await platform.call('GET', '/services/shop-pr-12/releases')).status).toBe(404);
  });
});

/**
 * The GitHub webhook receiver against the real etcd and Redis, with GitHub's own example payloads re-signed:
 * signatures, de-duplication, pushes, pull-request previews, GitHub deployments, the delivery log.
 */
import {
  commitSha,
  examplePayload,
  pullRequestPayload,
  pushPayload,
  signedDelivery,
  startFakeGitHub,
  type FakeGitHub,
} from '@cite/test-support';
import { GitHubFlow, ServiceCatalog } from '@cite/catalog';
import { createGitHubApi } from '@cite/github';
import { ObservedStatusStore, ReleaseLog } from '@cite/store';
import request from 'supertest';
import { startHarness, type Harness } from './testing/harness';

const SECRET = 'global-webhook-secret-0123456789abcdef';
const REPO = 'Octo-Org/Shop';

/**
 * Sends a signed delivery; for one that was queued (202), waits for its worker and answers its recorded outcome
 * as `body` (what the delivery log shows).
 */
async function deliver(h: Harness, event: string, payload: unknown, secret = SECRET, id?: string) {
  const delivery = signedDelivery(event, payload, secret, id);
  const res = await request(h.app).post('/api/v1/webhooks/github').set(delivery.headers).send(delivery.body);
  const body = res.status === 202 ? { answer: res.body, ...(await h.delivery(delivery.id)) } : res.body;
  return { status: res.status, body, deliveryId: delivery.id };
}

/** Services, releases, deliveries, the outbox and the release queue: what a refused delivery must not change. */
async function snapshot(h: Harness) {
  const services = (await h.store.services.list({ limit: 1000 })).items;
  const releases = await Promise.all(services.map((s) => h.store.releases.list(s.value.name)));
  return {
    services: services.map((s) => [s.value.name, s.modRevision]),
    releases: releases.map((page) => page.items.map((r) => [r.value.service, r.value.number])),
    deliveries: (await h.store.deliveries.list({ limit: 1000 })).items.map((d) => d.value.id),
    outbox: (await h.store.outbox.list()).items.length,
    jobs: await h.queue.counts('releases'),
  };
}

describe('POST /api/v1/webhooks/github', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('webhooks', {
      github: { webhookSecret: SECRET, previewDomain: 'preview.test', previewLimit: 2 },
    });
    await h.service('shop', {
      repo: REPO,
      image: 'registry.test/shop/web',
      deployPolicy: { branch: 'main' },
    });
  });
  afterAll(() => h?.close());

  it('refuses an unsigned delivery with 401 and changes nothing', async () => {
    const before = await snapshot(h);
    const payload = pushPayload(REPO, 'main', commitSha('unsigned'), '2026-01-01T00:00:00Z');
    const res = await request(h.app)
      .post('/api/v1/webhooks/github')
      .set({ 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'abc-1' })
      .send(JSON.stringify(payload));
    expect(res.status).toBe(401);
    expect(await snapshot(h)).toEqual(before);
  });

  it('refuses a tampered payload (or a wrong secret) with 401 and changes nothing', async () => {
    const before = await snapshot(h);
    const delivery = signedDelivery(
      'push',
      pushPayload(REPO, 'main', commitSha('a'), '2026-01-01T00:00:00Z'),
      SECRET,
    );
    const tampered = delivery.body.replace(commitSha('a'), commitSha('b'));
    const res = await request(h.app).post('/api/v1/webhooks/github').set(delivery.headers).send(tampered);
    expect(res.status).toBe(401);
    const wrong = await deliver(
      h,
      'push',
      pushPayload(REPO, 'main', commitSha('c'), '2026-01-01T00:00:00Z'),
      'x'.repeat(40),
    );
    expect(wrong.status).toBe(401);
    expect(await snapshot(h)).toEqual(before);
  });

  it('answers ping with the services that claim the repository', async () => {
    const ping = examplePayload('ping', (p) => p.repository !== undefined);
    ping.repository.full_name = REPO;
    const res = await deliver(h, 'ping', ping);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'accepted', services: ['shop'] });
  });

  it('makes one release for a push to the deploy branch; the same delivery again changes nothing', async () => {
    const sha = commitSha('push-1');
    const first = await deliver(h, 'push', pushPayload(REPO, 'main', sha, '2026-01-02T00:00:00Z'));
    expect(first.status).toBe(202);
    expect(first.body.releases).toEqual([{ service: 'shop', number: 1 }]);
    const release = await h.store.releases.require('shop', 1);
    expect(release.value).toMatchObject({
      image: `registry.test/shop/web:${sha}`,
      gitSha: sha,
      gitRef: 'main',
      gitCommittedAt: '2026-01-02T00:00:00.000Z',
      cause: 'deploy',
    });
    expect(release.value.actor).toMatch(/^github:/);
    const before = await snapshot(h);
    const again = await deliver(
      h,
      'push',
      pushPayload(REPO, 'main', sha, '2026-01-02T00:00:00Z'),
      SECRET,
      first.deliveryId,
    );
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ releases: [{ service: 'shop', number: 1 }] });
    expect(await snapshot(h)).toEqual(before);
  });

  it('ignores, with the reason, what must not deploy', async () => {
    const other = await deliver(
      h,
      'push',
      pushPayload(REPO, 'feature/x', commitSha('f'), '2026-01-03T00:00:00Z'),
    );
    expect(other.status).toBe(202);
    expect(other.body.outcome).toBe('ignored');
    expect(other.body.reason).toMatch(/feature\/x/);
    const again = await deliver(
      h,
      'push',
      pushPayload(REPO, 'main', commitSha('push-1'), '2026-01-02T00:00:00Z'),
    );
    expect(again.body).toMatchObject({ outcome: 'ignored', releases: [] });
    const older = await deliver(
      h,
      'push',
      pushPayload(REPO, 'main', commitSha('older'), '2025-12-31T00:00:00Z'),
    );
    expect(older.body.outcome).toBe('ignored');
    expect(older.body.reason).toMatch(/older/);
    const deletion = pushPayload(REPO, 'main', '0'.repeat(40), '2026-01-04T00:00:00Z');
    deletion.deleted = true;
    deletion.head_commit = null;
    expect((await deliver(h, 'push', deletion)).body.outcome).toBe('ignored');
    const unclaimed = await deliver(
      h,
      'push',
      pushPayload('someone/else', 'main', commitSha('u'), '2026-01-04T00:00:00Z'),
    );
    expect(unclaimed.status).toBe(202);
    expect(unclaimed.body.outcome).toBe('ignored');
    expect((await h.store.releases.latest('shop'))?.value.number).toBe(1);
  });

  it('answers a signed but malformed payload with 400 at the bad field, and records it as refused', async () => {
    const payload = pushPayload(REPO, 'main', commitSha('m'), '2026-01-05T00:00:00Z');
    payload.after = 42;
    const res = await deliver(h, 'push', payload);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toMatch(/after/);
    const recorded = await h.store.deliveries.get(res.deliveryId);
    expect(recorded?.value).toMatchObject({ outcome: 'refused', status: 400 });
  });

  it('answers 413 beyond the body limit', async () => {
    const small = await startHarness('webhooks-limit', { github: { webhookSecret: SECRET, maxBytes: 2048 } });
    try {
      const payload = pushPayload(REPO, 'main', commitSha('big'), '2026-01-05T00:00:00Z');
      payload.padding = 'x'.repeat(4096);
      expect((await deliver(small, 'push', payload)).status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('lets one service claim a repository branch: a second one gets 409 at repo', async () => {
    const res = await request(h.app).post('/api/v1/services').set('authorization', h.admin).send({
      name: 'shop-copy',
      team: 'payments',
      image: 'registry.test/x',
      port: 8080,
      repo: REPO.toLowerCase(),
    });
    expect(res.status).toBe(409);
    expect(res.body.error.details[0].path).toBe('repo');
    const otherBranch = await request(h.app)
      .post('/api/v1/services')
      .set('authorization', h.admin)
      .send({
        name: 'shop-staging',
        team: 'payments',
        image: 'registry.test/x',
        port: 8080,
        repo: REPO,
        deployPolicy: { branch: 'staging' },
      });
    expect(otherBranch.status).toBe(201);
  });

  it("accepts a delivery signed with the service's own secret, which the API never shows", async () => {
    const own = await startHarness('webhooks-own-secret');
    try {
      const secret = 'the-shop-service-own-secret-000';
      await own.service('own', { repo: 'octo-org/own', deployPolicy: { webhookSecret: secret } });
      const shown = await request(own.app).get('/api/v1/services/own').set('authorization', own.admin);
      expect(shown.body.deployPolicy).toMatchObject({ webhookSecretSet: true });
      expect(JSON.stringify(shown.body)).not.toContain(secret);
      const push = pushPayload('octo-org/own', 'main', commitSha('own'), '2026-01-06T00:00:00Z');
      expect((await deliver(own, 'push', push, secret)).status).toBe(202);
      expect((await deliver(own, 'push', push, SECRET)).status).toBe(401);
    } finally {
      await own.close();
    }
  });
});

describe('pull-request previews', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('webhooks-previews', {
      github: { webhookSecret: SECRET, previewDomain: 'preview.test', previewLimit: 1 },
    });
    await h.service('web', {
      repo: REPO,
      image: 'registry.test/shop/web',
      replicas: 3,
      deployPolicy: { branch: 'main', previews: true, tagTemplate: '{branch}-{sha7}' },
    });
  });
  afterAll(() => h?.close());

  it('opens a preview with one replica and its own host, deploys each push to it, and removes it on close', async () => {
    const sha = commitSha('pr-1');
    const opened = await deliver(
      h,
      'pull_request',
      pullRequestPayload('opened', REPO, 7, 'main', 'feat/login', sha),
    );
    expect(opened.status).toBe(202);
    expect(opened.body.releases).toEqual([{ service: 'web-pr-7', number: 1 }]);
    const preview = (await h.store.services.require('web-pr-7')).value;
    expect(preview).toMatchObject({
      replicas: 1,
      domains: ['web-pr-7.preview.test'],
      preview: { parent: 'web', pullRequest: 7, branch: 'feat/login' },
    });
    const first = (await h.store.releases.require('web-pr-7', 1)).value;
    expect(first).toMatchObject({
      cause: 'preview',
      image: `registry.test/shop/web:feat-login-${sha.slice(0, 7)}`,
    });

    const next = commitSha('pr-1b');
    const pushed = await deliver(
      h,
      'pull_request',
      pullRequestPayload('synchronize', REPO, 7, 'main', 'feat/login', next),
    );
    expect(pushed.body.releases).toEqual([{ service: 'web-pr-7', number: 2 }]);

    const listed = await request(h.app).get('/api/v1/services/web/previews').set('authorization', h.admin);
    expect(listed.body.items.map((s: { name: string }) => s.name)).toEqual(['web-pr-7']);

    const limited = await deliver(
      h,
      'pull_request',
      pullRequestPayload('opened', REPO, 8, 'main', 'other', commitSha('8')),
    );
    expect(limited.body).toMatchObject({ outcome: 'ignored' });
    expect(limited.body.reason).toMatch(/limit/);

    const closed = await deliver(
      h,
      'pull_request',
      pullRequestPayload('closed', REPO, 7, 'main', 'feat/login', next),
    );
    expect(closed.status).toBe(202);
    expect((await h.store.services.require('web-pr-7')).value.state).toBe('deleting');
    expect(await h.queue.counts('deletions')).toMatchObject({ waiting: 1 });
  });

  it('lists deliveries per service; a member sees only their teams', async () => {
    const list = await request(h.app)
      .get('/api/v1/webhooks/deliveries?service=web')
      .set('authorization', h.admin);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThanOrEqual(3);
    expect(list.body.items[0].receivedAt >= list.body.items.at(-1).receivedAt).toBe(true);
    const stranger = await h.token({ teams: ['elsewhere'] });
    expect(
      (await request(h.app).get('/api/v1/webhooks/deliveries?service=web').set('authorization', stranger))
        .status,
    ).toBe(403);
    expect(
      (await request(h.app).get('/api/v1/webhooks/deliveries').set('authorization', stranger)).status,
    ).toBe(403);
    expect((await request(h.app).get('/api/v1/webhooks/deliveries')).status).toBe(401);
  });
});

describe('a push payload is a hint: the branch head is confirmed with GitHub', () => {
  let h: Harness;
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub();
    const api = createGitHubApi({ baseUrl: github.url, token: 'ghp_test0123456789abcdefghijklmnopqrstu' });
    h = await startHarness('webhooks-heads', {
      github: { webhookSecret: SECRET, branchHead: (repo, branch) => api.branchHead(repo, branch) },
    });
    await h.service('api', { repo: REPO, image: 'registry.test/shop/api' });
  });
  afterAll(async () => {
    await h.close();
    await github.close();
  });

  it('does not deploy a delayed delivery once the branch moved on, and deploys the head', async () => {
    const old = commitSha('head-old');
    const head = commitSha('head-new');
    github.setBranchHead(REPO, 'main', head);
    const stale = await deliver(h, 'push', pushPayload(REPO, 'main', old, '2026-02-01T00:00:00Z'));
    expect(stale.body).toMatchObject({ outcome: 'ignored', releases: [] });
    expect(stale.body.reason).toMatch(/stale/);
    const fresh = await deliver(h, 'push', pushPayload(REPO, 'main', head, '2026-02-02T00:00:00Z'));
    expect(fresh.body.releases).toEqual([{ service: 'api', number: 1 }]);
    expect(
      github.requests.filter((r) => r.path === `/repos/${REPO.toLowerCase()}/branches/main`),
    ).toHaveLength(2);
  });

  it('deploys from the payload when GitHub cannot be reached', async () => {
    github.setDown(true);
    try {
      const sha = commitSha('head-down');
      const res = await deliver(h, 'push', pushPayload(REPO, 'main', sha, '2026-02-03T00:00:00Z'));
      expect(res.body.releases).toEqual([{ service: 'api', number: 2 }]);
    } finally {
      github.setDown(false);
    }
  });
});

describe('GitHub deployments and preview lifetimes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('webhooks-deployments', {
      github: { webhookSecret: SECRET, previewDomain: 'preview.test', previewLimit: 5 },
    });
    await h.service('site', {
      repo: REPO,
      image: 'registry.test/shop/site',
      deployPolicy: { branch: 'main', previews: true },
    });
  });
  afterAll(() => h?.close());

  const deploymentPayload = (environment: string, sha: string, task = 'deploy') => {
    const payload = examplePayload('deployment');
    payload.repository.full_name = REPO;
    Object.assign(payload.deployment, { environment, sha, ref: 'main', task });
    return payload;
  };

  it('deploys the sha a GitHub deployment asks for, and ignores the deployments cite made to report', async () => {
    const sha = commitSha('deployment-1');
    const res = await deliver(h, 'deployment', deploymentPayload('production', sha));
    expect(res.status).toBe(202);
    expect(res.body.releases).toEqual([{ service: 'site', number: 1 }]);
    expect((await h.store.releases.require('site', 1)).value).toMatchObject({
      gitSha: sha,
      image: `registry.test/shop/site:${sha}`,
    });
    const own = await deliver(
      h,
      'deployment',
      deploymentPayload('production', commitSha('own'), 'cite:report'),
    );
    expect(own.body).toMatchObject({ outcome: 'ignored', releases: [] });
    const noPreview = await deliver(h, 'deployment', deploymentPayload('pr-3', commitSha('p3')));
    expect(noPreview.body).toMatchObject({ outcome: 'ignored', releases: [] });
  });

  it('removes previews older than their TTL, and only those', async () => {
    await deliver(h, 'pull_request', pullRequestPayload('opened', REPO, 21, 'main', 'a', commitSha('ttl-a')));
    const catalog = new ServiceCatalog({
      store: h.store,
      queue: h.queue,
      observed: new ObservedStatusStore(h.store.etcd),
      logs: new ReleaseLog(h.store.etcd),
    });
    const week = 7 * 24 * 3600 * 1000;
    const today = new GitHubFlow({ catalog, store: h.store, previewLimit: 5 });
    expect(await today.removeExpiredPreviews(week)).toEqual([]);
    const later = new GitHubFlow({
      catalog,
      store: h.store,
      previewLimit: 5,
      now: () => new Date(Date.now() + week + 60_000),
    });
    expect(await later.removeExpiredPreviews(week)).toEqual(['site-pr-21']);
    expect((await h.store.services.require('site-pr-21')).value.state).toBe('deleting');
    expect((await h.store.services.require('site')).value.state).toBe('active');
  });
});

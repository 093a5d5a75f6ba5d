/**
 * Property, against the real etcd and Redis through the API and its delivery workers: any sequence of push
 * deliveries of a branch's history — redelivered (the same delivery id), delivered again (a new id), out of order, some concurrently —
 * leaves the service on the newest commit delivered, with one release per distinct commit at most and never a
 * release of an older commit after a newer one.
 */
import fc from 'fast-check';
import request from 'supertest';
import { commitSha, pushPayload, signedDelivery } from '@cite/test-support';
import { startHarness, type Harness } from './testing/harness';

const SECRET = 'property-webhook-secret-0123456789abcd';

let h: Harness;
let run = 0;

beforeAll(async () => {
  h = await startHarness('webhooks-property', { github: { webhookSecret: SECRET } });
});
afterAll(() => h?.close());

/** One delivery: which commit of the history, and whether it repeats an earlier delivery's id. */
const delivery = fc.record({ commit: fc.nat({ max: 5 }), redeliver: fc.boolean(), together: fc.boolean() });

it('ends on the newest commit delivered, with one release per commit, whatever the order', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 10 }), async (deliveries) => {
      const name = `prop-${run++}`;
      const repo = `octo-org/${name}`;
      await h.service(name, { repo });
      const history = Array.from({ length: 6 }, (_, i) => ({
        sha: commitSha(`${name}-${i}`),
        time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      }));
      const sent: { id: string; commit: number }[] = [];
      const send = async (commit: number, id?: string) => {
        const { sha, time } = history[commit]!;
        const signed = signedDelivery('push', pushPayload(repo, 'main', sha, time), SECRET, id);
        const res = await request(h.app)
          .post('/api/v1/webhooks/github')
          .set(signed.headers)
          .send(signed.body);
        expect([200, 202]).toContain(res.status);
        sent.push({ id: signed.id, commit });
      };
      // Deliveries marked `together` go out at once with the next one, racing each other.
      let batch: Promise<void>[] = [];
      for (const next of deliveries) {
        const again = next.redeliver && sent.length > 0 ? sent[next.commit % sent.length]! : undefined;
        batch.push(again ? send(again.commit, again.id) : send(next.commit));
        if (!next.together) {
          await Promise.all(batch);
          batch = [];
        }
      }
      await Promise.all(batch);
      // The workers act on the queued deliveries: wait until every one has its outcome.
      await Promise.all(sent.map((s) => h.delivery(s.id)));

      const releases = (await h.store.releases.list(name, { order: 'asc' })).items.map((r) => r.value);
      const newest = Math.max(...sent.map((s) => s.commit));
      expect(releases.at(-1)?.gitSha).toBe(history[newest]!.sha);
      const shas = releases.map((r) => r.gitSha);
      expect(new Set(shas).size).toBe(shas.length);
      const order = shas.map((sha) => history.findIndex((c) => c.sha === sha));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }),
    { numRuns: 25 },
  );
}, 120_000);

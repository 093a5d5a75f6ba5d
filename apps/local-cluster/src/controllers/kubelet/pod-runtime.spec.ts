import { T0, at, pod } from '../testing/fixtures';
import type { Pod } from '../kit/wire';
import { type KubeletTimings, behaviourOf } from './behaviour';
import { adoptPodRuntime } from './adopt';
import { type PodRuntime, stepPod } from './pod-runtime';
import { ownedStatusPatch, podPhase, qosClassOf, renderPodStatus } from './pod-status';

const timings: KubeletTimings = {
  containerCreatingMs: 100,
  startMs: 100,
  readyMs: 100,
  backOffScale: 0.001,
  crashAfterMs: 1000,
};

function run(p: Pod, times: number[], options: { freeIp?: string | null; pullFailure?: string | null } = {}) {
  let runtime: PodRuntime | undefined;
  const reasons: string[] = [];
  let last;
  for (const t of times) {
    last = stepPod({
      pod: p,
      runtime,
      now: T0 + t,
      timings,
      behaviour: behaviourOf(p),
      freeIp: options.freeIp === undefined ? '10.60.240.2' : options.freeIp,
      pullFailureOf: () => options.pullFailure ?? null,
    });
    runtime = last.runtime;
    reasons.push(...last.events.map((e) => e.reason));
  }
  return { runtime: runtime!, reasons, last: last! };
}

const bound = (extra: { annotations?: Record<string, string> } = {}): Pod => {
  const p = pod({ name: 'web-1', node: 'n1', ...extra });
  p.status = {};
  return p;
};

describe('stepPod and the status it implies', () => {
  it('walks Pending → ContainerCreating → Running → Ready on the configured delays', () => {
    const p = bound();
    const pending = run(p, [0]);
    expect(pending.last.wakeAt).toBe(T0 + 100);
    let status = renderPodStatus(p, pending.runtime, '10.60.25.139', T0);
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses).toBeUndefined();
    expect(status.hostIP).toBe('10.60.25.139');

    const creating = run(p, [0, 100]);
    status = renderPodStatus(p, creating.runtime, '10.60.25.139', T0 + 100);
    expect(status.podIP).toBe('10.60.240.2');
    expect(status.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'ContainerCreating' } });

    const running = run(p, [0, 100, 200]);
    status = renderPodStatus(p, running.runtime, '10.60.25.139', T0 + 200);
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses?.[0]).toMatchObject({ ready: false, started: true, restartCount: 0 });
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');

    const ready = run(p, [0, 100, 200, 300]);
    status = renderPodStatus(p, ready.runtime, '10.60.25.139', T0 + 300);
    expect(status.containerStatuses?.[0]).toMatchObject({
      ready: true,
      imageID: expect.stringMatching(/@sha256:/),
    });
    expect(status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    expect(ready.reasons).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
  });

  it('does everything at once with zero delays', () => {
    const p = bound();
    const { runtime } = stepPod({
      pod: p,
      runtime: undefined,
      now: T0,
      timings: { ...timings, containerCreatingMs: 0, startMs: 0, readyMs: 0 },
      behaviour: behaviourOf(p),
      freeIp: '10.60.240.9',
      pullFailureOf: () => null,
    });
    expect(renderPodStatus(p, runtime, '10.60.25.139', T0).containerStatuses?.[0]?.ready).toBe(true);
  });

  it('fails pulls with the image-pull annotation: Pending with ErrImagePull, then ImagePullBackOff', () => {
    const p = bound({ annotations: { 'local-cluster.cite.dev/image-pull': 'fail' } });
    const failed = run(p, [0, 100, 200]);
    const status = renderPodStatus(p, failed.runtime, 'h', T0 + 200);
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses?.[0]?.state?.waiting).toMatchObject({
      reason: 'ErrImagePull',
      message: expect.stringContaining('not found'),
    });
    const backOff = run(p, [0, 100, 200, 203]);
    expect(
      renderPodStatus(p, backOff.runtime, 'h', T0 + 203).containerStatuses?.[0]?.state?.waiting?.reason,
    ).toBe('ImagePullBackOff');
    expect(backOff.reasons).toEqual(['Pulling', 'Failed', 'Failed', 'BackOff', 'Failed']);
  });

  it('fails pulls the registry says are missing', () => {
    const failed = run(bound(), [0, 100, 200], { pullFailure: 'manifest unknown' });
    expect(failed.runtime.containers[0]?.pullMessage).toBe('manifest unknown');
  });

  it('crash-loops with the crash annotation: restartCount grows, CrashLoopBackOff, lastState.terminated', () => {
    const p = bound({ annotations: { 'local-cluster.cite.dev/crash': 'loop' } });
    const crashed = run(p, [0, 100, 200, 1200, 2200]);
    const status = renderPodStatus(p, crashed.runtime, 'h', T0 + 2200);
    expect(status.phase).toBe('Running');
    const container = status.containerStatuses?.[0];
    expect(container?.restartCount).toBe(1);
    expect(container?.state?.waiting).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: expect.stringContaining(
        'back-off 10s restarting failed container=web pod=web-1_ns(web-1-uid)',
      ),
    });
    // While it waits to restart, lastState is the exit that just happened (kubectl: "2 (5s ago)").
    expect(container?.lastState?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
      finishedAt: at(2),
    });
  });

  it('keeps Running but never Ready with ready: never', () => {
    const p = bound({ annotations: { 'local-cluster.cite.dev/ready': 'never' } });
    const { runtime, reasons } = run(p, [0, 100, 200, 5000]);
    const status = renderPodStatus(p, runtime, 'h', T0 + 5000);
    expect(status.phase).toBe('Running');
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
    expect(reasons).toContain('Unhealthy');
  });

  it('waits for an address when the pod range is full', () => {
    const { runtime, reasons, last } = run(bound(), [0, 100], { freeIp: null });
    expect(runtime.ip).toBeUndefined();
    expect(reasons).toEqual(['FailedCreatePodSandBox']);
    expect(last.wakeAt).toBe(T0 + 1100);
  });

  it('stops containers of a pod being deleted, then asks for its removal', () => {
    const p = bound();
    const { runtime } = run(p, [0, 100, 200, 300]);
    const deleting = { ...p, metadata: { ...p.metadata, deletionTimestamp: '2025-01-01T00:01:00Z' } };
    const result = stepPod({
      pod: deleting,
      runtime,
      now: T0 + 400,
      timings,
      behaviour: behaviourOf(p),
      freeIp: null,
      pullFailureOf: () => null,
    });
    expect(result.deletePod).toBe(true);
    expect(result.events.map((e) => `${e.reason} ${e.fieldPath}`)).toEqual(['Killing spec.containers{web}']);
    const status = renderPodStatus(deleting, result.runtime, 'h', T0 + 400);
    expect(status.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('runs init containers to completion first', () => {
    const p = bound();
    p.spec!.initContainers = [{ name: 'migrate', image: 'tool' }];
    const { runtime } = run(p, [0, 100, 200, 300]);
    const status = renderPodStatus(p, runtime, 'h', T0 + 300);
    expect(status.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(status.phase).toBe('Running');
  });
});

describe('pod status helpers', () => {
  it('computes the QoS class', () => {
    const p = pod({ name: 'p' });
    expect(qosClassOf(p)).toBe('BestEffort');
    p.spec!.containers[0]!.resources = { requests: { cpu: '1' } };
    expect(qosClassOf(p)).toBe('Burstable');
    p.spec!.containers[0]!.resources = {
      requests: { cpu: '1', memory: '1Gi' },
      limits: { cpu: '1', memory: '1Gi' },
    };
    expect(qosClassOf(p)).toBe('Guaranteed');
  });

  it('patches only kubelet-owned fields, and nothing when they agree', () => {
    const p = bound();
    const { runtime } = run(p, [0, 100, 200, 300]);
    const status = renderPodStatus(p, runtime, 'h', T0 + 300);
    const written = { ...p, status: { ...status, nominatedNodeName: 'kept' } };
    expect(ownedStatusPatch(written, status)).toBeUndefined();
    expect(ownedStatusPatch(p, status)?.['status']).toMatchObject({ phase: 'Running', podIP: '10.60.240.2' });
  });

  it('adopts a running pod from its status, keeping its IP and restart count', () => {
    const p = bound({ annotations: { 'local-cluster.cite.dev/crash': 'loop' } });
    const { runtime } = run(p, [0, 100, 200, 1200]);
    const reported = { ...p, status: renderPodStatus(p, runtime, 'h', T0 + 1200) };
    const adopted = adoptPodRuntime(reported, T0 + 1300)!;
    expect(adopted.ip).toBe('10.60.240.2');
    expect(adopted.containers[0]).toMatchObject({ phase: 'running', restartCount: 1 });
    expect(podPhase(adopted, 'Always')).toBe('Running');
    expect(adoptPodRuntime(bound(), T0)).toBeUndefined();
  });
});

/**
 * A tiny in-memory cluster for the controllers' pure decisions (specs only): applies the actions of
 * `reconcileDeployment` and `reconcileReplicaSet` the way the API server would, and plays a kubelet that makes
 * pods ready a number of ticks after they are created.
 */
import type { DeploymentAction } from '../deployment/context';
import { reconcileDeployment } from '../deployment/reconcile-deployment';
import { statusPatch } from '../kit/status-fields';
import { reconcileReplicaSet, REPLICASET_STATUS_FIELDS } from '../replicaset/reconcile-replicaset';
import type { Deployment, Pod, ReplicaSet } from '../kit/wire';
import { T0 } from './fixtures';

export class World {
  deployment: Deployment;
  replicaSets: ReplicaSet[] = [];
  pods: Pod[] = [];
  now = T0;
  events: string[] = [];
  private version = 100;
  private readyAt = new Map<string, number>();

  constructor(
    deployment: Deployment,
    private readonly readyAfterMs = 1000,
  ) {
    this.deployment = structuredClone(deployment);
  }

  private rv(): string {
    return String(++this.version);
  }

  /** One Deployment sync; returns its actions. */
  syncDeployment(): DeploymentAction[] {
    const decision = reconcileDeployment({
      deployment: this.deployment,
      replicaSets: this.replicaSets,
      pods: this.pods,
      now: this.now,
    });
    for (const action of decision.actions) this.apply(action);
    return decision.actions;
  }

  private apply(action: DeploymentAction): void {
    switch (action.type) {
      case 'createReplicaSet': {
        const rs = structuredClone(action.replicaSet);
        rs.metadata = {
          ...rs.metadata,
          uid: `${rs.metadata?.name}-uid`,
          resourceVersion: this.rv(),
          generation: 1,
          creationTimestamp: new Date(this.now).toISOString(),
        };
        rs.status = { replicas: 0 };
        this.replicaSets.push(rs);
        return;
      }
      case 'updateReplicaSet': {
        const rs = this.replicaSets.find((candidate) => candidate.metadata?.name === action.name)!;
        if (action.replicas !== undefined && action.replicas !== rs.spec?.replicas) {
          rs.spec!.replicas = action.replicas;
          rs.metadata!.generation = (rs.metadata?.generation ?? 1) + 1;
        }
        if (action.minReadySeconds !== undefined) rs.spec!.minReadySeconds = action.minReadySeconds;
        if (action.annotations)
          rs.metadata!.annotations = { ...rs.metadata?.annotations, ...action.annotations };
        rs.metadata!.resourceVersion = this.rv();
        return;
      }
      case 'deleteReplicaSet':
        this.replicaSets = this.replicaSets.filter((rs) => rs.metadata?.name !== action.rs.metadata?.name);
        return;
      case 'adoptReplicaSet':
      case 'releaseReplicaSet': {
        const rs = this.replicaSets.find((candidate) => candidate.metadata?.uid === action.rs.metadata?.uid)!;
        rs.metadata!.ownerReferences = action.ownerReferences;
        return;
      }
      case 'setDeploymentRevision':
        this.deployment.metadata!.annotations = {
          ...this.deployment.metadata?.annotations,
          'deployment.kubernetes.io/revision': action.revision,
        };
        return;
      case 'updateStatus':
        this.deployment.status = structuredClone(action.status);
        return;
      case 'event':
        this.events.push(`${action.reason}: ${action.message}`);
        return;
    }
  }

  /** One ReplicaSet controller pass over every set: pods created (not ready) or deleted at once, statuses written. */
  syncReplicaSets(): void {
    for (const rs of this.replicaSets) {
      const decision = reconcileReplicaSet(rs, this.pods, this.now);
      for (const action of decision.actions) {
        if (action.type === 'createPods') {
          for (let i = 0; i < action.count; i++) {
            const pod = structuredClone(action.pod);
            const name = `${pod.metadata?.generateName}${this.rv()}`;
            pod.metadata = {
              ...pod.metadata,
              name,
              uid: `${name}-uid`,
              resourceVersion: this.rv(),
              creationTimestamp: new Date(this.now).toISOString(),
            };
            pod.spec = { ...pod.spec!, nodeName: 'n1' };
            pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] };
            this.readyAt.set(name, this.now + this.readyAfterMs);
            this.pods.push(pod);
          }
        } else if (action.type === 'deletePods') {
          const doomed = new Set(action.pods.map((pod) => pod.metadata?.uid));
          this.pods = this.pods.filter((pod) => !doomed.has(pod.metadata?.uid));
        }
      }
      const patch = statusPatch(
        rs.status as Record<string, unknown>,
        { ...decision.status },
        REPLICASET_STATUS_FIELDS,
      );
      if (patch) rs.status = { ...rs.status, ...decision.status };
    }
  }

  /** Time passes; pods due become ready. */
  advance(ms: number): void {
    this.now += ms;
    for (const pod of this.pods) {
      const due = this.readyAt.get(pod.metadata?.name ?? '');
      if (due !== undefined && due <= this.now)
        pod.status = {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(due).toISOString() }],
        };
    }
  }

  readyPods(): number {
    return this.pods.filter((pod) =>
      pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
  }

  /** Deployment, then ReplicaSets, until nothing changes. */
  settle(maxRounds = 50): void {
    for (let round = 0; round < maxRounds; round++) {
      const before = JSON.stringify([this.deployment, this.replicaSets, this.pods]);
      this.syncDeployment();
      this.syncReplicaSets();
      if (JSON.stringify([this.deployment, this.replicaSets, this.pods]) === before) return;
    }
  }
}

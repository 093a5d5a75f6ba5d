/** A Deployment's revisions from its ReplicaSets, as `kubectl rollout history` lists them. Pure. */
import type { V1ReplicaSet } from '@kubernetes/client-node';
import { ANNOTATIONS } from './labels';

export interface Revision {
  revision: number;
  replicaSet: string;
  changeCause?: string;
  image?: string;
  replicas: number;
}

/** Oldest first; ReplicaSets without a revision annotation are left out. */
export function rolloutHistory(replicaSets: readonly V1ReplicaSet[]): Revision[] {
  const revisions: Revision[] = [];
  for (const replicaSet of replicaSets) {
    const revision = Number(replicaSet.metadata?.annotations?.[ANNOTATIONS.revision]);
    if (!Number.isInteger(revision) || revision < 1) continue;
    const changeCause = replicaSet.metadata?.annotations?.[ANNOTATIONS.changeCause];
    const image = replicaSet.spec?.template?.spec?.containers[0]?.image;
    revisions.push({
      revision,
      replicaSet: replicaSet.metadata?.name ?? '',
      ...(changeCause ? { changeCause } : {}),
      ...(image ? { image } : {}),
      replicas: replicaSet.status?.replicas ?? 0,
    });
  }
  return revisions.sort((a, b) => a.revision - b.revision);
}

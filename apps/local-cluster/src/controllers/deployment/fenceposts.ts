/**
 * maxSurge and maxUnavailable as kube resolves them (deploymentutil.ResolveFenceposts): ints or percentages
 * of spec.replicas, surge rounded up and unavailability rounded down, and never both zero (then one pod may be
 * unavailable). Defaults 25%/25%.
 */
import type { Deployment } from '../kit/wire';

/** intstr.GetScaledValueFromIntOrPercent. Throws for a string that is neither a percentage nor a number. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  if (percent) {
    const exact = (Number(percent[1]) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (/^\d+$/.test(value)) return Number(value);
  throw new RangeError(
    `invalid value for IntOrString: invalid type: string is not a percentage: ${JSON.stringify(value)}`,
  );
}

export function isRollingUpdate(deployment: Deployment): boolean {
  return (deployment.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function replicasOf(deployment: Deployment): number {
  return deployment.spec?.replicas ?? 1;
}

export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function fenceposts(deployment: Deployment): { surge: number; unavailable: number } {
  const rolling = deployment.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, replicasOf(deployment));
}

/** How many pods may be missing during a rollout (0 for Recreate or zero replicas). */
export function maxUnavailable(deployment: Deployment): number {
  const replicas = replicasOf(deployment);
  if (!isRollingUpdate(deployment) || replicas === 0) return 0;
  return Math.min(fenceposts(deployment).unavailable, replicas);
}

/** How many pods above spec.replicas a rollout may run (0 for Recreate). */
export function maxSurge(deployment: Deployment): number {
  if (!isRollingUpdate(deployment)) return 0;
  return fenceposts(deployment).surge;
}

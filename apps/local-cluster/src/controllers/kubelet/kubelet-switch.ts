/**
 * Stopping and starting a node's simulated kubelet from outside (tests, `LocalCluster`): the switch is the Node's
 * `local-cluster.cite.dev/kubelet` annotation (behaviour.ts), so it works over HTTP whatever process runs the
 * controllers, survives their restarts, and `kubectl annotate node <name> local-cluster.cite.dev/kubelet=stopped`
 * does the same.
 */
import { NODE_PATHS, type RawApi } from '../kit/raw-api';
import type { Node } from '../kit/wire';
import { kubeletSwitchPatch } from './behaviour';

/** Stops (`running: false`) or starts the kubelet of `node`; answers the Node as written (404 when absent). */
export function switchKubelet(raw: RawApi, node: string, running: boolean): Promise<Node> {
  return raw.mergePatch<Node>(NODE_PATHS.node(node), kubeletSwitchPatch(running));
}

/**
 * The kubelets' runtimes by pod uid, and the pod IPs they hold per node, so a new pod gets an address no
 * running pod of its node has. A pod a previous run of the kubelet started gets its runtime rebuilt from its
 * reported status (adopt.ts), keeping its IP.
 */
import type { Pod } from '../kit/wire';
import { adoptPodRuntime } from './adopt';
import type { PodRuntime } from './pod-runtime';

export class PodRuntimes {
  private readonly byUid = new Map<string, PodRuntime>();
  private readonly ipsByNode = new Map<string, Set<string>>();

  /** The pod's runtime: the one this process runs, or one rebuilt from the pod's status (then kept). */
  known(pod: Pod, now: number): PodRuntime | undefined {
    const uid = pod.metadata?.uid ?? '';
    const running = this.byUid.get(uid);
    if (running) return running;
    const adopted = adoptPodRuntime(pod, now);
    if (adopted) this.set(uid, adopted);
    return adopted;
  }

  get(uid: string): PodRuntime | undefined {
    return this.byUid.get(uid);
  }

  /** Keeps `runtime` for the pod and holds its IP. */
  set(uid: string, runtime: PodRuntime): void {
    this.byUid.set(uid, runtime);
    if (!runtime.ip) return;
    let used = this.ipsByNode.get(runtime.nodeName);
    if (!used) this.ipsByNode.set(runtime.nodeName, (used = new Set()));
    used.add(runtime.ip);
  }

  /** Forgets the pod's runtime and frees its IP (the pod is gone). */
  release(uid: string): void {
    const runtime = this.byUid.get(uid);
    if (!runtime) return;
    this.byUid.delete(uid);
    if (runtime.ip) this.ipsByNode.get(runtime.nodeName)?.delete(runtime.ip);
  }

  /** The IPs pods of `nodeName` hold. */
  usedIps(nodeName: string): Set<string> {
    return this.ipsByNode.get(nodeName) ?? new Set<string>();
  }
}

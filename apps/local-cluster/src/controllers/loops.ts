/** Every controller loop, started over the shared clients, informers and event recorder. */
import type { ValidatedPool } from '@cite/ip-pool';
import { startDeploymentController } from './deployment/deployment-controller';
import { startEndpointsController } from './endpoints/endpoints-controller';
import { startGarbageCollector } from './gc/gc-controller';
import type { GcKind } from './gc/gc-kind-table';
import type { Clients } from './kit/clients';
import type { EventSink } from './kit/events';
import type { InformerSet } from './kit/informer-set';
import type { ControllerLogger } from './kit/logger';
import type { Workers } from './kit/run-workers';
import type { Clock } from './kit/time';
import type { KubeletTimings } from './kubelet/behaviour';
import { startKubelets } from './kubelet/kubelet-controller';
import type { ImageChecker } from './kubelet/registry';
import { startNamespaceController } from './namespace/namespace-controller';
import { startNodeLifecycleController } from './node-lifecycle/node-lifecycle-controller';
import { startTaintEvictionController } from './node-lifecycle/taint-eviction-controller';
import { startNodeController } from './nodes/node-controller';
import { startNodeLeases } from './nodes/node-lease-controller';
import type { NodeCapacity } from './nodes/nodes';
import { startReplicaSetController } from './replicaset/replicaset-controller';
import { startScheduler } from './scheduler/scheduler-controller';

/** The node heartbeat and lifecycle timings, resolved (see `NodeLifecycleOptions`). */
export interface NodeLifecycleTimings {
  heartbeatMs: number;
  statusReportMs: number;
  gracePeriodMs: number;
}

export interface LoopContext {
  clients: Clients;
  informers: InformerSet;
  gcKinds: GcKind[];
  pool: ValidatedPool;
  capacity: NodeCapacity;
  timings: KubeletTimings;
  nodeLifecycle: NodeLifecycleTimings;
  images: ImageChecker;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
}

/**
 * Starts node registration and heartbeats, the scheduler, the kubelets and the controller-manager's loops
 * (node lifecycle and taint eviction among them).
 */
export function startLoops(context: LoopContext): Workers[] {
  const { clients, informers, pool, capacity, timings, images, events, clock, logger } = context;
  const { pods, nodes, nodeLeases: leases, replicaSets, deployments, namespaces } = informers;
  const { heartbeatMs, statusReportMs, gracePeriodMs } = context.nodeLifecycle;
  return [
    startNodeController({ clients, nodes, pool, capacity, statusReportMs, events, clock, logger }),
    startNodeLeases({ clients, nodes, leases, pool, heartbeatMs, clock, logger }),
    startNodeLifecycleController({ clients, nodes, leases, pods, events, gracePeriodMs, clock, logger }),
    startTaintEvictionController({ clients, nodes, pods, events, clock, logger }),
    startScheduler({ clients, pods, nodes, events, clock, logger }),
    startKubelets({ clients, pods, nodes, pool, timings, images, events, clock, logger }),
    startReplicaSetController({ clients, replicaSets, pods, events, clock, logger }),
    startDeploymentController({ clients, deployments, replicaSets, pods, events, clock, logger }),
    startEndpointsController({
      clients,
      services: informers.services,
      endpoints: informers.endpoints,
      endpointSlices: informers.endpointSlices,
      pods,
      logger,
    }),
    startGarbageCollector({ kinds: context.gcKinds, logger }),
    startNamespaceController({ clients, namespaces, clock, logger }),
  ];
}

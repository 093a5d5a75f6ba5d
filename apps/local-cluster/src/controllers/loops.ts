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
import { startNodeController } from './nodes/node-controller';
import type { NodeCapacity } from './nodes/nodes';
import { startReplicaSetController } from './replicaset/replicaset-controller';
import { startScheduler } from './scheduler/scheduler-controller';

export interface LoopContext {
  clients: Clients;
  informers: InformerSet;
  gcKinds: GcKind[];
  pool: ValidatedPool;
  capacity: NodeCapacity;
  timings: KubeletTimings;
  images: ImageChecker;
  events: EventSink;
  clock: Clock;
  logger: ControllerLogger;
}

/** Starts node registration, the scheduler, the kubelets and the controller-manager's loops. */
export function startLoops(context: LoopContext): Workers[] {
  const { clients, informers, pool, capacity, timings, images, events, clock, logger } = context;
  const { pods, nodes, replicaSets, deployments, namespaces } = informers;
  return [
    startNodeController({ clients, nodes, pool, capacity, clock, logger }),
    startScheduler({ clients, pods, nodes, events, clock, logger }),
    startKubelets({ clients, pods, pool, timings, images, events, clock, logger }),
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

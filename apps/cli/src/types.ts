/** The shapes of the API's answers the CLI reads (the OpenAPI document at /api/v1/openapi.json has them all). */
export interface Service {
  name: string;
  team: string;
  image: string;
  port: number;
  replicas: number;
  resources: { cpu: { request: string; limit: string }; memory: { request: string; limit: string } };
  env: { name: string; value: string }[];
  domains: string[];
  labels: Record<string, string>;
  repo?: string;
  state: string;
  currentRelease?: number;
  createdAt: string;
  status?: {
    release: {
      number: number;
      status: string;
      image: string;
      failureReason?: string;
      createdAt: string;
    } | null;
    running: number | null;
    pods: { desired: number; ready: number };
  };
}

export interface Release {
  service: string;
  number: number;
  image: string;
  status: string;
  cause: string;
  actor: string;
  gitSha?: string;
  rollbackOf?: number;
  message?: string;
  failureReason?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface Pod {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node?: string;
  ip?: string;
  createdAt?: string;
  waitingReason?: string;
}

export interface StatusView {
  service: string;
  state: string;
  observed: { release?: number; replicas: { desired: number; ready: number }; pods: Pod[] } | null;
}

/** Where a service and its releases live in the API, for 201/202 answers and `Location` headers. */
export const API_BASE = '/api/v1';

export interface ReleaseLinks {
  self: string;
  status: string;
  /** SSE: `status`, `progress`, `done`. */
  events: string;
  /** Text; SSE (`log`, `done`) with `Accept: text/event-stream`. */
  log: string;
}

export function releaseLinks(service: string, number: number): ReleaseLinks {
  const serviceUrl = `${API_BASE}/services/${encodeURIComponent(service)}`;
  const self = `${serviceUrl}/releases/${number}`;
  return { self, status: `${serviceUrl}/status`, events: `${self}/events`, log: `${self}/log` };
}

export function serviceLinks(service: string) {
  const self = `${API_BASE}/services/${encodeURIComponent(service)}`;
  return { self, releases: `${self}/releases`, status: `${self}/status` };
}

/** A small client of cite's REST API as the benches use it: JSON in and out, one bearer token, 3xx+ throws. */

export interface ApiResponse {
  status: number;
  json: Record<string, unknown>;
  /** Length of the response body in characters. */
  size: number;
}

export type ApiCall = (method: string, url: string, body?: unknown) => Promise<ApiResponse>;

export function apiClient(base: string, token: string): ApiCall {
  return async (method, url, body) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, size: text.length };
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, internalError } from '../errors';

/** Writes a JSON body (encoded once: the bytes give the Content-Length and are the body). */
export function writeJsonText(response: ServerResponse, code: number, json: string | Buffer): void {
  const body = typeof json === 'string' ? Buffer.from(json) : json;
  response.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache, private',
  });
  response.end(body);
}

export function writeJson(response: ServerResponse, code: number, body: unknown): void {
  writeJsonText(response, code, JSON.stringify(body));
}

export function writeError(response: ServerResponse, error: unknown): void {
  const status =
    error instanceof StatusError
      ? error
      : internalError(error instanceof Error ? error.message : String(error));
  if (response.headersSent) {
    response.destroy();
    return;
  }
  writeJson(response, status.code, status.status);
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The request body as text (kube's limit is 3 MiB). */
export async function readBody(request: IncomingMessage): Promise<string> {
  return (await readRawBody(request)).toString('utf8');
}

/**
 * The request body as bytes. Read with plain `data`/`end` listeners: an async iterator costs a few promises
 * per request, which shows at a thousand creates a second.
 */
export function readRawBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.off('data', onData);
        request.destroy();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function tooLarge(): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Request entity too large: limit is 3145728',
    reason: 'RequestEntityTooLarge',
    code: 413,
  });
}

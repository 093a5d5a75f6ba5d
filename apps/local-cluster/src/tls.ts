import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServingCertificate {
  /** PEM of the self-signed CA that signed the serving certificate (goes into the kubeconfig). */
  caCert: string;
  key: string;
  cert: string;
}

/**
 * A fresh CA and a serving certificate for `host` (plus localhost and 127.0.0.1), made with the `openssl` CLI:
 * node:crypto generates keys but cannot issue X.509 certificates.
 */
export async function generateServingCertificate(host: string): Promise<ServingCertificate> {
  const directory = await mkdtemp(join(tmpdir(), 'local-cluster-tls-'));
  const path = (name: string) => join(directory, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      path('ca.key'),
      '-out',
      path('ca.crt'),
      '-days',
      '365',
      '-subj',
      '/CN=local-cluster-ca',
    ]);
    await run('openssl', [
      'req',
      ...ec,
      '-keyout',
      path('server.key'),
      '-out',
      path('server.csr'),
      '-subj',
      '/CN=local-cluster',
    ]);
    const names = new Set([
      'DNS:localhost',
      'IP:127.0.0.1',
      /^[\d.]+$/.test(host) || host.includes(':') ? `IP:${host}` : `DNS:${host}`,
    ]);
    await writeFile(path('san.cnf'), `subjectAltName=${[...names].join(',')}\nextendedKeyUsage=serverAuth\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      path('server.csr'),
      '-CA',
      path('ca.crt'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-out',
      path('server.crt'),
      '-days',
      '365',
      '-extfile',
      path('san.cnf'),
    ]);
    const [caCert, key, cert] = await Promise.all(
      ['ca.crt', 'server.key', 'server.crt'].map((name) => readFile(path(name), 'utf8')),
    );
    return { caCert: caCert as string, key: key as string, cert: cert as string };
  } catch (error) {
    throw new Error(`cannot generate a TLS certificate with openssl: ${(error as Error).message}`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

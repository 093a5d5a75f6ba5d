import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  caCert?: string;
  token?: string;
  name?: string;
}

/** A kubeconfig document with one cluster, user and context (all named `local-cluster`). */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const name = spec.name ?? 'local-cluster';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: spec.server,
          ...(spec.caCert
            ? { 'certificate-authority-data': Buffer.from(spec.caCert).toString('base64') }
            : {}),
          // @kubernetes/client-node refuses plain http unless told to skip TLS verification; there is no TLS to verify.
          ...(spec.server.startsWith('http:') ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [{ name, user: spec.token ? { token: spec.token } : {} }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes the kubeconfig (mode 0600: it may hold a token) and returns it loaded. */
export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<KubeConfig> {
  const text = kubeconfigYaml(spec);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode: 0o600 });
  const config = new KubeConfig();
  config.loadFromString(text);
  return config;
}

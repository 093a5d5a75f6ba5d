/**
 * The suites run against local-cluster, or against a real cluster (kind, k3d, a staging cluster) when
 * `CITE_TEST_KUBECONFIG` names its kubeconfig. Tests of behaviour only the emulator has (its failure
 * annotations, a shrunken watch cache, snapshots, TLS and token serving, zero-delay timing, its node pool) are
 * declared through `emulatorOnly`, which skips them there with a printed reason and is plain `it`/`describe`
 * otherwise (normal runs allow no skipped tests).
 */

/** The kubeconfig of the real cluster to test against, or undefined to start local-cluster. */
export function realClusterKubeconfig(): string | undefined {
  return process.env['CITE_TEST_KUBECONFIG'] || undefined;
}

export function onRealCluster(): boolean {
  return realClusterKubeconfig() !== undefined;
}

type TestFn = jest.It | jest.Describe;

/**
 * `emulatorOnly(it, reason)('name', fn)`: `it` on local-cluster; on a real cluster prints
 * `skipped on a real cluster: <reason>` and declares the test with `.skip`. Works for `describe` too.
 */
export function emulatorOnly<T extends TestFn>(test: T, reason: string): T {
  if (!onRealCluster()) return test;
  const skipped = (name: string, ...rest: unknown[]) => {
    process.stdout.write(`skipped on a real cluster: ${reason} (${name})\n`);
    return (test.skip as (name: string, ...rest: unknown[]) => unknown)(name, ...rest);
  };
  return skipped as unknown as T;
}

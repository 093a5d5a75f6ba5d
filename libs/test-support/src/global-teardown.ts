export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__citeTestProcesses ?? [];
  globalThis.__citeTestProcesses = [];
  await Promise.all(started.map((p) => p.stop()));
}

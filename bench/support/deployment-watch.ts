/**
 * A raw watch of every Deployment in the cluster (`/apis/apps/v1/deployments?watch=true`), to see when a new pod
 * template reaches the cluster. Reconnects from the last resourceVersion if the server ends the stream.
 */

interface WatchEvent {
  type: string;
  object: {
    metadata?: { name?: string; resourceVersion?: string };
    spec?: { template?: { spec?: { containers?: { image?: string }[] } } };
  };
}

export interface DeploymentWatch {
  /** Resolves once the watch is connected. */
  ready: Promise<void>;
  stop(): void;
}

/** Calls `seen("<name> <image>", at)` for each container image on an ADDED or MODIFIED Deployment. */
export function watchDeployments(
  clusterUrl: string,
  seen: (key: string, at: number) => void,
): DeploymentWatch {
  const controller = new AbortController();
  let rv = '';
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const onLine = (line: string, at: number) => {
    const event = JSON.parse(line) as WatchEvent;
    if (event.type === 'ERROR') {
      rv = '';
      return;
    }
    rv = event.object.metadata?.resourceVersion ?? rv;
    if (event.type !== 'ADDED' && event.type !== 'MODIFIED') return;
    const name = event.object.metadata?.name;
    for (const c of event.object.spec?.template?.spec?.containers ?? [])
      if (name && c.image) seen(`${name} ${c.image}`, at);
  };
  const follow = async () => {
    const res = await fetch(
      `${clusterUrl}/apis/apps/v1/deployments?watch=true${rv ? `&resourceVersion=${rv}` : ''}`,
      { signal: controller.signal, headers: { accept: 'application/json' } },
    );
    if (!res.ok || !res.body) throw new Error(`watch: ${res.status}`);
    connected();
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of res.body) {
      const at = performance.now();
      pending += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line) onLine(line, at);
      }
    }
  };
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        await follow();
      } catch (error) {
        if (controller.signal.aborted) return;
        process.stderr.write(`deployment watch restarts: ${String(error)}\n`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  })();
  return { ready, stop: () => controller.abort() };
}

/** Ports and readiness for the launcher: which port to take, and whether the server answering is ours. */
import net from 'node:net';
import { freePort, listensOn } from '@cite/local-services';

export async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `port` when `wellKnown` and it is free, any free port otherwise. */
export async function choosePort(port: number, wellKnown: boolean): Promise<number> {
  return wellKnown && (await portFree(port)) ? port : freePort();
}

export interface ReadyWait {
  /** `/readyz` of the server. */
  url: string;
  port: number;
  /** The PID of the process this run started for it (it may change while the supervisor restarts it). */
  pid(): number | undefined;
  timeoutMs: number;
  /** Gives up at once when this turns true (the launcher is stopping). */
  cancelled(): boolean;
}

/**
 * Waits until `/readyz` answers 200 from the process this run started: a server of an earlier run still holding
 * the port does not count, however healthy it is.
 */
export async function waitReady(wait: ReadyWait): Promise<boolean> {
  const deadline = Date.now() + wait.timeoutMs;
  while (Date.now() < deadline && !wait.cancelled()) {
    try {
      const res = await fetch(wait.url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      const pid = wait.pid();
      if (res.status === 200 && pid !== undefined && listensOn(pid, wait.port)) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

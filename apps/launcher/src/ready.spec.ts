import { spawn } from 'node:child_process';
import http from 'node:http';
import { waitReady } from './ready';

describe('waitReady', () => {
  it('counts a healthy /readyz only from the process this run started', async () => {
    // A healthy server in this process stands for an api of an earlier run still holding the port.
    const server = http.createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const ours = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const wait = (pid: number | undefined) =>
        waitReady({
          url: `http://127.0.0.1:${port}/readyz`,
          port,
          pid: () => pid,
          timeoutMs: 1_000,
          cancelled: () => false,
        });
      expect(await wait(ours.pid)).toBe(false);
      expect(await wait(undefined)).toBe(false);
      expect(await wait(process.pid)).toBe(true);
    } finally {
      ours.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

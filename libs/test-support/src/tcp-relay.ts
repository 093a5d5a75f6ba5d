/**
 * A TCP relay on loopback in front of a server (etcd, an API server): `cut()` drops every connection and refuses
 * new ones until `restore()`, as a network partition would.
 */
import net from 'node:net';

export class TcpRelay {
  private readonly sockets = new Set<net.Socket>();
  private open = true;

  private constructor(private readonly server: net.Server) {}

  /** Relays to `target` (`http://host:port`). */
  static async start(target: string): Promise<TcpRelay> {
    const { hostname, port } = new URL(target);
    const server = net.createServer();
    const relay = new TcpRelay(server);
    server.on('connection', (client) => {
      if (!relay.open) return void client.destroy();
      const upstream = net.connect(Number(port), hostname);
      for (const [socket, other] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        relay.sockets.add(socket);
        socket.on('error', () => other.destroy());
        socket.on('close', () => {
          relay.sockets.delete(socket);
          other.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

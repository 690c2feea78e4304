/**
 * A TCP pass-through in front of the gateway simulator: the browser connects
 * here, every byte goes on to the simulator and back, and the tap records each
 * connection (the requests it carried, when it opened and closed). It is how
 * the engines suite sees, on the API's side, whether a browser closed the
 * connection to the API: when a page stops reading a stream, or aborts.
 */
import { connect, createServer, type Socket } from 'node:net';
import { listenOnLoopback } from '../../src/playwright/listen.js';

export interface TapConnection {
  id: number;
  openedAt: number;
  /** When the browser's side closed (or the simulator's, whichever first). */
  closedAt?: number;
  /** Request lines seen on it, as `METHOD /path?query`. */
  requests: string[];
}

export interface SocketTap {
  origin: string;
  port: number;
  connections: TapConnection[];
  /** The connection that carried a request whose line contains `needle`; the latest if several. */
  find(needle: string): TapConnection | undefined;
  clear(): void;
  close(): Promise<void>;
}

const REQUEST_LINE = /(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/g;

export async function startSocketTap(targetPort: number, targetHost = '127.0.0.1'): Promise<SocketTap> {
  const connections: TapConnection[] = [];
  let next = 0;
  const server = createServer((client: Socket) => {
    const conn: TapConnection = { id: ++next, openedAt: Date.now(), requests: [] };
    connections.push(conn);
    const upstream = connect(targetPort, targetHost);
    // Request lines may straddle two chunks: scan with the tail of the previous one.
    let carry = '';
    client.on('data', (d: Buffer) => {
      const text = carry + d.toString('latin1');
      for (const m of text.matchAll(REQUEST_LINE)) if (m.index! + m[0].length > carry.length) conn.requests.push(`${m[1]} ${m[2]}`);
      carry = text.slice(-512);
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const closed = () => {
      conn.closedAt ??= Date.now();
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closed);
    upstream.on('close', closed);
    client.on('error', closed);
    upstream.on('error', closed);
  });
  const { port, close } = await listenOnLoopback(server as unknown as import('node:http').Server, 0, targetHost);
  return {
    origin: `http://${targetHost}:${port}`,
    port,
    connections,
    find: (needle) => [...connections].reverse().find((c) => c.requests.some((r) => r.includes(needle))),
    // Connections still open stay (a browser reuses them), with what they carried so far forgotten.
    clear: () => {
      const open = connections.filter((c) => c.closedAt === undefined);
      for (const c of open) c.requests.length = 0;
      connections.splice(0, connections.length, ...open);
    },
    close,
  };
}

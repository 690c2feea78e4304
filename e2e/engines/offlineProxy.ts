/**
 * The only way to take WebKitGTK offline from a test: MiniBrowser sends every
 * request through this HTTP proxy (`--proxy=`), which forwards to loopback
 * while online and drops every connection while offline, open ones included.
 * The browser sees connections fail as they would with the cable pulled, but
 * nothing tells it it is offline: `navigator.onLine` stays true, in the page
 * and in the worker. Anything not on loopback is refused either way.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from '../../src/playwright/listen.js';

export interface OfflineProxy {
  port: number;
  setOffline(offline: boolean): void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function startOfflineProxy(): Promise<OfflineProxy> {
  let offline = false;
  const clients = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      req.socket.destroy();
      return;
    }
    if (offline || !LOOPBACK.has(target.hostname)) {
      req.socket.destroy();
      return;
    }
    const upstream = request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(res);
        answer.on('error', () => req.socket.destroy());
      },
    );
    upstream.on('error', () => req.socket.destroy());
    // The browser closing its side (a cancelled read) closes the upstream one too.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s: Socket) => {
    clients.add(s);
    s.on('close', () => clients.delete(s));
  });
  // HTTPS through the proxy: never needed on loopback here, and never allowed elsewhere.
  server.on('connect', (_req, socket: Socket) => socket.destroy());
  const { port, close } = await listenOnLoopback(server, 0);
  return {
    port,
    setOffline(value) {
      offline = value;
      if (value) for (const s of clients) s.destroy();
    },
    close,
  };
}

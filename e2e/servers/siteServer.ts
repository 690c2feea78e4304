/**
 * Serves a site's files on loopback: the e2e harness page, the built worker,
 * and whatever a test overrides (a new worker version, say). Every response is
 * `no-cache`, so a test that swaps a file sees the new one.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { listenOnLoopback } from '../../src/playwright/listen.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface SiteServerOptions {
  port?: number;
  host?: string;
  /** `{{NAME}}` in served HTML is replaced by these values (the site's deploy-time config). */
  vars?: Record<string, string>;
}

export interface SiteServer {
  origin: string;
  port: number;
  /** Serve this content at this path instead of the file, until cleared. */
  override(path: string, body: string, type?: string): void;
  clearOverrides(): void;
  /** Changes the values put into served HTML. */
  setVars(vars: Record<string, string>): void;
  close(): Promise<void>;
}

/** `mounts` maps a URL path prefix to a folder; the first that has the file wins. */
export async function startSiteServer(mounts: Array<[string, string]>, options: SiteServerOptions = {}): Promise<SiteServer> {
  const overrides = new Map<string, { body: string; type: string }>();
  let vars = options.vars ?? {};
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://site').pathname);
    const o = overrides.get(path);
    if (o) {
      res.writeHead(200, { 'content-type': o.type, 'cache-control': 'no-cache' }).end(o.body);
      return;
    }
    const file = path.endsWith('/') ? `${path}index.html` : path;
    for (const [prefix, dir] of mounts) {
      if (!file.startsWith(prefix)) continue;
      const rel = normalize(file.slice(prefix.length)).replace(/^(\.\.[/\\])+/, '');
      try {
        let body: Buffer | string = await readFile(join(dir, rel));
        if (extname(file) === '.html') body = body.toString('utf8').replace(/\{\{(\w+)\}\}/g, (m, name: string) => vars[name] ?? m);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
        res.end(body);
        return;
      } catch {
        /* try the next mount */
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const host = options.host ?? '127.0.0.1';
  const { port, close } = await listenOnLoopback(server, options.port ?? 0, host);
  return {
    // `localhost` rather than 127.0.0.1: the site and the gateway are different origins.
    origin: `http://localhost:${port}`,
    port,
    override: (path, body, type = 'text/javascript; charset=utf-8') => overrides.set(path, { body, type }),
    clearOverrides: () => overrides.clear(),
    setVars: (v) => {
      vars = v;
    },
    close,
  };
}

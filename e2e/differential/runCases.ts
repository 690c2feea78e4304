/**
 * What runs in the page: builds each case's request from its spec, fetches it,
 * and returns everything the page can see of the outcome. Passed to
 * `page.evaluate`, so each function here is self-contained (no imports, no
 * helpers from outside its own body).
 */
import type { RequestSpec, ServerName } from './generate.js';

export interface PageResponse {
  status: number;
  statusText: string;
  ok: boolean;
  redirected: boolean;
  type: ResponseType;
  url: string;
  /** Every header the page can read, as `Headers` iterates them (sorted, repeated names joined). */
  headers: Array<[string, string]>;
  /** `response.body !== null`. */
  hasBody: boolean;
  body: { bytes: number; sha256: string; error?: string };
}

export interface PageResult {
  id: string;
  /** The browser refused to build the request (`new Request` threw). */
  refused?: string;
  /** `fetch` rejected. */
  error?: string;
  response?: PageResponse;
  /** The same request made again once the first was read (`repeat`): what the HTTP cache gives. */
  again?: PageResult;
}

export interface RunInput {
  origins: Record<ServerName, string>;
  cases: Array<{ id: string; request: RequestSpec }>;
  /** A case that has not settled by then is reported as such, so one stuck case names itself. */
  deadlineMs: number;
}

/** Runs the cases in parallel from the page, each in its own fetch. */
export async function runCases(input: RunInput): Promise<PageResult[]> {
  const fromBase64 = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
  const hex = (buf: ArrayBuffer): string => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

  const body = (spec: RequestSpec['body']): BodyInit | undefined => {
    switch (spec.kind) {
      case 'none':
        return undefined;
      case 'text':
        return spec.text;
      case 'json':
        return spec.json;
      case 'bytes':
        return fromBase64(spec.base64);
      case 'blob':
        return new Blob([fromBase64(spec.base64)], { type: spec.type });
      case 'form': {
        const form = new FormData();
        for (const [k, v] of spec.fields) form.append(k, v);
        form.append(spec.file.field, new File([fromBase64(spec.file.base64)], spec.file.name, { type: spec.file.type }));
        return form;
      }
      case 'params':
        return new URLSearchParams(spec.entries);
      case 'stream': {
        const chunks = spec.chunks.map(fromBase64);
        return new ReadableStream<Uint8Array>({
          start(controller) {
            for (const c of chunks) controller.enqueue(c);
            controller.close();
          },
        });
      }
    }
  };

  const readBody = async (res: Response, how: RequestSpec['read']): Promise<PageResponse['body']> => {
    const chunks: Uint8Array[] = [];
    let error: string | undefined;
    try {
      if (how === 'arrayBuffer') chunks.push(new Uint8Array(await res.arrayBuffer()));
      else if (res.body) {
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          if (how === 'slowReader') await new Promise((r) => setTimeout(r, 40));
        }
      }
    } catch (err) {
      error = describe(err);
    }
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    const out: PageResponse['body'] = { bytes: all.byteLength, sha256: hex(await crypto.subtle.digest('SHA-256', all)) };
    if (error) out.error = error;
    return out;
  };

  const attempt = async (id: string, spec: RequestSpec): Promise<PageResult> => {
    let request: Request;
    try {
      const init: RequestInit & { duplex?: 'half'; priority?: string } = {
        method: spec.method,
        mode: spec.mode,
        headers: spec.headers,
        body: body(spec.body),
        credentials: spec.credentials,
        redirect: spec.redirect,
        cache: spec.cache,
        keepalive: spec.keepalive,
        referrerPolicy: spec.referrerPolicy,
        priority: spec.priority,
      };
      if (spec.body.kind === 'stream') init.duplex = 'half';
      request = new Request(input.origins[spec.server] + spec.path, init);
    } catch (err) {
      return { id, refused: describe(err) };
    }
    let res: Response;
    try {
      res = await fetch(request);
    } catch (err) {
      return { id, error: describe(err) };
    }
    return {
      id,
      response: {
        status: res.status,
        statusText: res.statusText,
        ok: res.ok,
        redirected: res.redirected,
        type: res.type,
        url: res.url,
        headers: [...res.headers],
        hasBody: res.body !== null,
        body: await readBody(res, spec.read),
      },
    };
  };

  const one = async ({ id, request: spec }: RunInput['cases'][number]): Promise<PageResult> => {
    const first = await attempt(id, spec);
    return spec.repeat ? { ...first, again: await attempt(id, spec) } : first;
  };

  return Promise.all(
    input.cases.map((c) =>
      Promise.race([
        one(c),
        new Promise<PageResult>((resolve) => setTimeout(() => resolve({ id: c.id, error: `harness: not settled within ${input.deadlineMs} ms` }), input.deadlineMs)),
      ]),
    ),
  );
}

/**
 * Logs the page's context in at both servers (they set the session cookies)
 * and returns the cookies each server then receives with `credentials: 'include'`.
 */
export async function logIn(origins: Record<ServerName, string>): Promise<Record<ServerName, string[]>> {
  const out = {} as Record<ServerName, string[]>;
  for (const name of Object.keys(origins) as ServerName[]) {
    await fetch(`${origins[name]}/__diff/login`, { credentials: 'include' });
    const res = await fetch(`${origins[name]}/__diff/whoami`, { credentials: 'include' });
    out[name] = ((await res.json()) as { cookies: string[] }).cookies;
  }
  return out;
}

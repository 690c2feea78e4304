import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineName } from './types.js';

/** The profile a driver runs on: the caller's (kept), or a temporary one removed on close. */
export async function profileDir(engine: EngineName, given?: string): Promise<{ dir: string; remove(): Promise<void> }> {
  if (given) return { dir: given, remove: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), `gatewayz-engines-${engine}-`));
  // Retried: a browser that just quit may still be writing into its profile (ENOTEMPTY).
  return { dir, remove: () => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }) };
}

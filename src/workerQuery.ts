import { readWorkerOptions, toQuery, WORKER_OPTIONS, type OptionsAt, type WorkerOptionName } from '../sw/options.js';

/** The worker's options, as a page gives them: the worker rows of the README's option table (from sw/options.ts). */
export type WorkerOptions = Pick<OptionsAt<'register'>, WorkerOptionName>;

/**
 * Turns page options into the worker URL's query: read with the option table
 * (the same parser and messages as every entry point), then written as the
 * worker reads them (each option's value as JSON). Options other than the
 * worker's are left to the caller.
 */
export function workerQuery(options: WorkerOptions): { query: URLSearchParams; errors: string[] } {
  const given = Object.fromEntries(Object.entries(options).filter(([k]) => (WORKER_OPTIONS as string[]).includes(k)));
  const { values, errors } = readWorkerOptions(given);
  return { query: toQuery(values), errors };
}

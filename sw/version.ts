import { version } from '../package.json';

/** The package version, inlined by the bundler; page and worker compare it in their hello. */
export const VERSION: string = version;

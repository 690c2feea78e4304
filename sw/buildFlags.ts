/**
 * What a build decides (scripts/build.mjs defines the two globals). This file
 * imports nothing, so that esbuild can inline both constants into every module
 * that uses them and fold away what they switch off.
 */
declare const __GATEWAYZ_DOCS__: boolean | undefined;
declare const __GATEWAYZ_WORKER_BUILD__: boolean | undefined;

/**
 * False in every build that runs in a browser: the option table's
 * documentation folds away there, and stays for the README's generator and
 * the build plugins.
 */
export const DOCS = typeof __GATEWAYZ_DOCS__ === 'undefined' || __GATEWAYZ_DOCS__ !== false;

/**
 * True in the standalone worker's build: the long explanations in option
 * errors fold away there (the page and the build plugins read the same
 * options first, with them).
 */
export const terse = typeof __GATEWAYZ_WORKER_BUILD__ !== 'undefined' && __GATEWAYZ_WORKER_BUILD__ === true;

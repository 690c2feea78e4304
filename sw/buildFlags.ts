/**
 * What a build decides (scripts/build.mjs defines the two globals). This file
 * imports nothing, so that esbuild can inline both constants into every module
 * that uses them and fold away what they switch off.
 */
declare const __GATEWAYZ_DOCS__: boolean | undefined;
declare const __GATEWAYZ_TERSE__: boolean | undefined;

/**
 * False in every build that runs in a browser: the option table's
 * documentation folds away there, and stays for the README's generator and
 * the build plugins.
 */
export const DOCS = typeof __GATEWAYZ_DOCS__ === 'undefined' || __GATEWAYZ_DOCS__ !== false;

/**
 * True in the standalone worker's build and the script tag's
 * (gatewayz-register.js): the long explanations in option errors fold away
 * there, and a message names the option and the value alone. The page and the
 * build plugins read the worker's options first, with them; the script tag
 * loads them (gatewayz-options.js) only when an attribute is invalid.
 */
export const terse = typeof __GATEWAYZ_TERSE__ !== 'undefined' && __GATEWAYZ_TERSE__ === true;

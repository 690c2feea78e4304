/**
 * `gatewayz-options.js`: loaded by `gatewayz-register.js` only when one of
 * its `data-` attributes is invalid. The register script reads them with the
 * option table's reader built terse (a mistake is named with its value, not
 * explained), which keeps what every page loads small; this file is the same
 * reader with every explanation, so that the console says the same sentence
 * as every other entry point.
 */
import { readOptions } from '../../sw/options.js';
import { OPTIONS_GLOBAL, type ExplainOptions } from './lazy.js';

(globalThis as Record<string, unknown>)[OPTIONS_GLOBAL] = readOptions satisfies ExplainOptions;

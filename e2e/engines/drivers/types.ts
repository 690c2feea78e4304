/**
 * The engines suite's driver interface: one small adapter per engine
 * (Chromium through Playwright, Firefox through puppeteer-core over WebDriver
 * BiDi, WebKitGTK through selenium-webdriver and WebKitWebDriver), so the
 * scenarios are written once. Each adapter drives one page.
 */

export type EngineName = 'chromium' | 'firefox' | 'webkit';

export const ENGINES: readonly EngineName[] = ['chromium', 'firefox', 'webkit'];

export interface LaunchOptions {
  /** A profile directory kept after close, for `restart()`; a fresh temporary one when absent (removed on close). */
  profileDir?: string;
  /** Be able to go offline. WebKit needs a proxy for it, put in front of every request of that session. */
  offline?: boolean;
  /** Let `stopWorker()` work: in Firefox the browser's own idle timeout is shortened to one second. */
  stoppable?: boolean;
}

/** How this engine's driver does what the scenarios need; said in the results, never assumed. */
export interface EngineAbilities {
  /** How `offline()` works, in a few words. */
  offline: string;
  /**
   * Whether going offline this way sets `navigator.onLine` false inside the
   * service worker (what the monitor reads to tell offline from a network error).
   */
  offlineSetsWorkerOnLine: boolean;
  /** How `stopWorker()` stops the worker. */
  stop: string;
  /** How `restart()` reopens the profile, or why it cannot. */
  restart: string;
  canRestart: boolean;
}

export interface EngineDriver {
  readonly engine: EngineName;
  /** The browser and version, e.g. `Chromium 156.0.7739.0`. */
  readonly version: string;
  readonly abilities: EngineAbilities;
  /** Loads a URL in the driver's page and waits for its load event. */
  goto(url: string): Promise<void>;
  /**
   * Runs `fn(arg)` in the page and returns its (awaited) result, passed
   * through JSON on every engine alike. `fn` must be self-contained: it is sent
   * as source text.
   */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Takes the browser offline (see `abilities.offline`); requires `LaunchOptions.offline` in WebKit. */
  offline(): Promise<void>;
  online(): Promise<void>;
  /**
   * The automation protocol's own offline emulation, where it has one
   * (Chromium: the context's network emulation; Firefox: BiDi's); what a team
   * testing its own app's offline behaviour would use. Absent in WebKitGTK.
   */
  emulateOffline?(offline: boolean): Promise<void>;
  /**
   * Stops the site's service worker the way this engine can (see
   * `abilities.stop`). Call it with the page away from the site (`about:blank`);
   * the next event starts the worker again.
   */
  stopWorker(): Promise<void>;
  /** Closes the browser and opens it again on the same profile (see `abilities.canRestart`). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The source sent to every engine: the page function, called with its argument, its result as JSON. */
export function pageScript(fn: (arg: never) => unknown, arg: unknown): string {
  return `(async () => JSON.stringify(await (${fn.toString()})(${JSON.stringify(arg) ?? 'undefined'}) ?? null))()`;
}

export function parseResult<R>(json: unknown): R {
  if (typeof json !== 'string') throw new Error(`the page returned ${String(json)} where the driver expected a JSON string`);
  return JSON.parse(json) as R;
}

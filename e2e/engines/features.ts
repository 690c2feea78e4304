/**
 * The rows of the feature × engine table: what the engines suite measures.
 * Each scenario records a value for the features it covers; the results
 * reporter turns them into e2e/engines/results.md and the README's table.
 */
export const FEATURES = {
  classify: '4xx, 5xx, 429, timeout, network error: one event each, checked field by field',
  network_error_message: "The page's error for a dropped connection, with the monitor / without a worker",
  error_forms: "What the page sees of a worker's network failure: `respondWith(Response.error())` / a rejected `respondWith`",
  offline: 'Offline: how the failure is reported',
  offline_emulation: "The automation's offline emulation reaches the worker's own fetches",
  bodies: 'Bodies byte-identical through the worker (64 KB binary, 5 MB, SSE)',
  stream_error: 'A cut stream gives one `stream_error`',
  stop_reading: 'A page that stops reading a stream: the API connection closes',
  delivery_stop: 'Delivery after the browser stopped the worker',
  delivery_restart: 'Delivery after a browser restart on the same profile',
  kill_switch: 'Kill switch (`data-enabled="false"` / `enabled: false`, and `gatewayz-sw-disabled.js`)',
  secrets: 'Secrets sample: none in the raw envelopes',
  fail_open: 'Fail-open: a throwing beforeReport hook, IndexedDB that throws, a malformed config',
  static_routes: 'Static routes (`InstallEvent.addRoutes`)',
  unwatched: "Requests to unwatched origins that reach the worker's fetch handler",
  abort_signal: "Page aborts its fetch: the worker's `FetchEvent.request.signal` aborts",
  abort_upstream: "Page aborts its fetch: the monitor's request to the API is cancelled",
  rules: "Rules (`data-rules` / the plugin's `rules`): an ignored 404 makes no event but is counted; a level rule makes an `info` event folded apart",
  trace: 'A failure on a request carrying `traceparent`, or `sentry-trace` with `baggage`: the event is on that trace, the header reaches the API unchanged',
  named_network_error: "An app with its own Sentry: its unhandled fetch `TypeError` for an API that is down (the engine's wording) names the request and the monitor's event, and is named back",
} as const;

export type FeatureId = keyof typeof FEATURES;

/** A measured value, as a test annotation (`type: RESULT`) carries it to the reporter. */
export interface Measured {
  feature: FeatureId;
  engine: string;
  /** The adoption path, for scenarios that run on both. */
  site?: string;
  /** Short, stable (no timings): the table's cell. */
  value: string;
  /** What was seen, with figures: results.md only. */
  detail?: string;
}

export const RESULT = 'engines:result';
export const COVERS = 'engines:covers';
export const VERSION = 'engines:version';

// The app's Sentry setup, as a team writes it: noise filtering, its own rate
// limit, events kept while offline; and the monitor's one integration line.
import * as Sentry from '@sentry/nextjs';
import { backendMonitorIntegration } from 'gatewayz-sw-monitor';

declare global {
  interface Window {
    __ENV: { API_ORIGIN: string; SENTRY_DSN: string };
    /** For the e2e suite: the worker's counters (monitor.stats()). */
    gatewayz?: ReturnType<typeof backendMonitorIntegration>;
  }
}

/** Browser noise the team does not want in Sentry. */
const NOISE = [/ResizeObserver loop/, /Non-Error promise rejection captured/, /network error/i, /Failed to fetch/];
/** Endpoints known to fail while they are being built: not worth an issue. */
const IGNORED = /\/v1\/experimental\//;
const MAX_EVENTS_PER_MINUTE = 30;
let minuteStart = 0;
let sentThisMinute = 0;

function messageOf(event: Sentry.ErrorEvent): string {
  return event.message ?? event.exception?.values?.[0]?.value ?? '';
}

const params = new URLSearchParams(location.search);
// `?monitor={...}`: extra monitor options, for the e2e suite only.
const monitor = backendMonitorIntegration({ origins: [window.__ENV.API_ORIGIN], ...JSON.parse(params.get('monitor') ?? '{}') });
window.gatewayz = monitor;

Sentry.init({
  dsn: window.__ENV.SENTRY_DSN,
  release: 'next-app@3.1.0',
  environment: 'e2e',
  // Where the monitor's integration sits among the defaults is the app's choice (`?order=first` puts it before them).
  integrations: (defaults) => (params.get('order') === 'first' ? [monitor, ...defaults] : [...defaults, monitor]),
  transport: Sentry.makeBrowserOfflineTransport(Sentry.makeFetchTransport),
  beforeSend(event) {
    const message = messageOf(event);
    if (IGNORED.test(message)) return null;
    // Backend API events say "network error" too, but the monitor already folds
    // and rate-limits them: the noise filter is for the browser's own errors.
    if (event.tags?.error_category !== 'backend_api' && NOISE.some((re) => re.test(message))) return null;
    const now = Date.now();
    if (now - minuteStart >= 60_000) {
      minuteStart = now;
      sentThisMinute = 0;
    }
    if (++sentThisMinute > MAX_EVENTS_PER_MINUTE) return null;
    return event;
  },
});

// The signed-in user (a session, in a real app).
const user = params.get('user');
if (user) Sentry.setUser({ id: user, username: user });

export const onRouterTransitionStart = Sentry.captureRouterTransitionStart;

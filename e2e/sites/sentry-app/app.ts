// An app that set Sentry up itself, after the script tag ran. No monitoring code.
import * as Sentry from '@sentry/browser';

declare global {
  interface Window {
    API_ORIGIN: string;
    SENTRY_DSN: string;
    /** Set by late.html: Sentry is set up only when the user opts in (a consent banner, say). */
    SENTRY_AFTER_CONSENT?: boolean;
    app: { call(path: string): Promise<unknown>; consent(): void };
  }
}

function initSentry(): void {
  Sentry.init({ dsn: window.SENTRY_DSN, release: 'own-app@2.0.0', initialScope: { tags: { app: 'own-client' }, user: { id: 'own-user' } } });
}

if (!window.SENTRY_AFTER_CONSENT) initSentry();

window.app = {
  async call(path) {
    try {
      const res = await fetch(window.API_ORIGIN + path);
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { error: String(err) };
    }
  },
  consent: initSentry,
};

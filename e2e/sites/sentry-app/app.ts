// An app that set Sentry up itself, after the script tag ran. No monitoring code.
import * as Sentry from '@sentry/browser';

declare global {
  interface Window {
    API_ORIGIN: string;
    SENTRY_DSN: string;
    app: { call(path: string): Promise<unknown> };
  }
}

Sentry.init({ dsn: window.SENTRY_DSN, release: 'own-app@2.0.0', initialScope: { tags: { app: 'own-client' }, user: { id: 'own-user' } } });

window.app = {
  async call(path) {
    try {
      const res = await fetch(window.API_ORIGIN + path);
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { error: String(err) };
    }
  },
};

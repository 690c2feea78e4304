import { defineConfig } from 'vite';
import gatewayzMonitor from 'gatewayz-sw-monitor/vite';

export default defineConfig({
  plugins: [gatewayzMonitor({ origins: [process.env.VITE_API_ORIGIN], dsn: process.env.SENTRY_DSN, enabled: process.env.MONITOR_ENABLED !== 'false' })],
});

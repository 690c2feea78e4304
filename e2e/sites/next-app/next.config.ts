// The fixture's Next config: the app's own, wrapped by Sentry's and by the monitor's.
import { withSentryConfig } from '@sentry/nextjs/config';
import type { NextConfig } from 'next';
import { withGatewayzMonitor } from 'gatewayz-sw-monitor/next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Each run builds into its own folder (the e2e setup builds once per test run).
  distDir: process.env.NEXT_DIST_DIR || '.next',
};

export default withSentryConfig(withGatewayzMonitor(nextConfig), {
  // Nothing leaves the machine: no telemetry, no source map upload.
  telemetry: false,
  silent: true,
  sourcemaps: { disable: true },
});

import { defineConfig } from 'vite';

/**
 * The demo app that `npm start` serves: `src/demo/`, with `public/` (where the
 * build puts `gatewayz-sw.js`) served at the site root, since a worker's scope
 * is the folder it is served from.
 */
export default defineConfig({
  root: 'src/demo',
  publicDir: '../../public',
  server: { host: '127.0.0.1', port: Number(process.env.DEMO_PORT ?? 5173), strictPort: true },
  clearScreen: false,
  logLevel: 'warn',
});

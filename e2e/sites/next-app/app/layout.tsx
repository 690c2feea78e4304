import type { ReactNode } from 'react';

// Rendered per request: the API origin and the Sentry DSN come from the server's
// environment at run time, as `next-runtime-env`'s PublicEnvScript does, so one
// build serves every deployment (and every test server).
export const dynamic = 'force-dynamic';

export const metadata = { title: 'Gatewayz models' };

export default function RootLayout({ children }: { children: ReactNode }) {
  const env = { API_ORIGIN: process.env.API_ORIGIN ?? '', SENTRY_DSN: process.env.SENTRY_DSN ?? '' };
  return (
    <html lang="en">
      <head>
        <script dangerouslySetInnerHTML={{ __html: `window.__ENV = ${JSON.stringify(env)};` }} />
      </head>
      <body>{children}</body>
    </html>
  );
}

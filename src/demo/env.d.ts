/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_GATEWAY_ORIGIN?: string;
  readonly VITE_SENTRY_DSN?: string;
  readonly VITE_SPOTLIGHT_DSN?: string;
  readonly VITE_SPOTLIGHT_ERRORS?: string;
}

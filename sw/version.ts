declare const __GATEWAYZ_VERSION__: string | undefined;

/** Stamped by the build; page and worker compare it in their hello. */
export const VERSION: string = typeof __GATEWAYZ_VERSION__ === 'string' ? __GATEWAYZ_VERSION__ : 'dev';

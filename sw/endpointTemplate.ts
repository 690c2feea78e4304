/**
 * Turns a request path into a template so one endpoint is one Sentry issue:
 * `/v1/models/3f2a9c0e1b7d4a6f` → `/v1/models/{id}`. A segment becomes `{id}`
 * when it is a number, a UUID, a hex hash, or a long opaque token mixing letters
 * and digits. Readable names (`gpt-4o`, `llama-3.1-8b`) stay.
 */
const NUMBER = /^\d+$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX = /^(?=.*\d)[0-9a-f]{12,}$/i;
const OPAQUE = /^(?=.*\d)(?=.*[a-z])[a-z0-9_-]{20,}$/i;

export function templateSegment(segment: string): string {
  if (segment === '') return segment;
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    /* keep the raw segment */
  }
  if (NUMBER.test(decoded) || UUID.test(decoded) || HEX.test(decoded) || OPAQUE.test(decoded)) return '{id}';
  // An email or anything with an @ in a path is an identifier and personal data.
  if (decoded.includes('@')) return '{id}';
  return segment;
}

export function endpointTemplate(pathname: string): string {
  return pathname.split('/').map(templateSegment).join('/') || '/';
}

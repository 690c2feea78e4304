/**
 * What counts as a leak, for the corpus test and the e2e spec alike: any
 * 8-character piece of a secret (the whole of a shorter one) found in the
 * output. Pieces across a line break are left out: in JSON the break is
 * escaped, and the pieces on either side of it are searched anyway.
 */
export function pieces(secret: string): string[] {
  if (secret.length <= 8) return [secret];
  const out = new Set<string>();
  for (let i = 0; i + 8 <= secret.length; i++) {
    const piece = secret.slice(i, i + 8);
    if (!/[\r\n]/.test(piece)) out.add(piece);
  }
  return [...out];
}

/**
 * Walks the JSON string literals of a text without parsing it whole: an error
 * preview is often JSON cut short, or JSON inside a log line, or JSON quoted as
 * a string inside JSON (an upstream's error relayed by a gateway). Only the
 * values that change are rewritten, so everything else (spacing, key order,
 * escapes) stays byte for byte, and a preview that was valid JSON stays valid.
 */

/** How the walker asks about what it finds. */
export interface JsonScrubber {
  /** The text between literals (punctuation, numbers, or plain text around JSON). */
  gap(text: string): string;
  /** A value literal's content (unescaped); `key` is the key it belongs to, when known. */
  value(content: string, key: string | undefined): string;
  /** A sensitive key: every value under it is replaced, numbers included. */
  sensitive(key: string): boolean;
  replacement: string;
}

// A double-quoted literal, up to its closing quote or (cut short) the end of the text.
const LITERAL = /"(?:[^"\\\n]|\\.)*(?:"|$)/g;
// `name: ` or `name = ` just before a literal, in text that is not JSON (`password = "..."`; a weak ETag's `etag: W/"..."`).
const NAME_BEFORE = /([A-Za-z_][\w.-]*)["']?\s*(?:=>|:=|[:=])\s*(?:W\/)?$/;
const NUMBER_AFTER_KEY = /^(\s*:\s*)(-?\d[\d.eE+-]*)/;

function decode(literal: string): string | undefined {
  try {
    return JSON.parse(literal.endsWith('"') && literal.length > 1 ? literal : `${literal.replace(/\\u?[0-9a-fA-F]{0,3}$|\\$/, '')}"`) as string;
  } catch {
    return undefined;
  }
}

export function scrubJsonLiterals(text: string, s: JsonScrubber): string {
  let out = '';
  let last = 0;
  // The key the next value belongs to, and the depth of an object or array under a sensitive key.
  let key: string | undefined;
  let depth = 0;
  let hiddenFrom = -1;
  const gap = (g: string): string => {
    if (key !== undefined && s.sensitive(key)) g = g.replace(NUMBER_AFTER_KEY, (_m, sep: string) => `${sep}"${s.replacement}"`);
    for (const c of g) {
      if (c === '{' || c === '[') {
        if (hiddenFrom < 0 && key !== undefined && s.sensitive(key)) hiddenFrom = depth;
        depth++;
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth <= hiddenFrom) hiddenFrom = -1;
      } else if (c === ',') key = undefined;
    }
    return s.gap(g);
  };
  // matchAll works on its own copy of the regex: the walk recurses into literals that hold JSON.
  for (const m of text.matchAll(LITERAL)) {
    const literal = m[0];
    const between = text.slice(last, m.index);
    last = m.index + literal.length;
    const isKey = /^\s*:/.test(text.slice(last, last + 8)) && literal.endsWith('"');
    const content = decode(literal);
    out += gap(between);
    if (content === undefined) {
      out += s.gap(literal);
      continue;
    }
    let owner = key;
    if (owner === undefined && !isKey) owner = NAME_BEFORE.exec(between)?.[1];
    let next: string;
    if (isKey) {
      // A key's own text is scrubbed as text (a key can be a secret too), then it names what follows.
      next = s.value(content, undefined);
      key = content;
    } else {
      next = hiddenFrom >= 0 ? s.replacement : s.value(content, owner);
      key = undefined;
    }
    if (next === content) out += literal;
    else {
      const encoded = JSON.stringify(next);
      out += literal.endsWith('"') && literal.length > 1 ? encoded : encoded.slice(0, -1);
    }
  }
  return out + gap(text.slice(last));
}

/** RFC 4180 quoting of one field: quoted when it holds the delimiter, a quote or a line end. */
export function quoteCsvField(s: string, delim: string): string {
  if (s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r')) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/**
 * Control characters shown visibly (`\x1b`), so text from data can neither retitle, clear or
 * spoof a terminal nor hide in a file: every C0 and C1 control and DEL, and also line breaks
 * and tabs unless `keepLayout` (CSV keeps them inside quotes).
 */
export function visibleControls(s: string, keepLayout = false): string {
  // eslint-disable-next-line no-control-regex
  const re = keepLayout ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g : /[\u0000-\u001f\u007f-\u009f]/g;
  if (!re.test(s)) return s;
  re.lastIndex = 0;
  return s.replace(re, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

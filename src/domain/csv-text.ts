/** RFC 4180 quoting of one field: quoted when it holds the delimiter, a quote or a line end. */
export function quoteCsvField(s: string, delim: string): string {
  if (s.includes(delim) || s.includes('"') || s.includes('\n') || s.includes('\r')) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/**
 * The database URL of --db / CLM_DB and the one rule about it: its password never leaves this
 * process. Every text that may hold it (the URL itself, the driver's errors) goes through
 * `redact` before anyone sees it: output, stderr, errors and manifest.json.
 */

/** The URL with its password replaced by ***, or a fixed text when it is no URL at all. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // query parameters may carry a password too (?password=…)
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return '(a --db value that is not a URL)';
  }
}

/** The secrets of a URL as they may appear in a message: the password raw and percent-decoded, and the whole URL. */
function secretsOf(url: string): string[] {
  const out = [url];
  try {
    const u = new URL(url);
    if (u.password) out.push(u.password, decodeURIComponent(u.password));
    for (const [key, value] of u.searchParams) if (/pass|secret|key|token/i.test(key) && value) out.push(value);
  } catch {
    // not a URL: the whole text is the secret
  }
  return out.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** `text` with the URL redacted and every appearance of its password replaced by ***. */
export function redact(text: string, url: string): string {
  let out = text;
  const secrets = secretsOf(url);
  if (secrets.includes(url)) out = out.split(url).join(redactUrl(url));
  for (const s of secrets) if (s !== url) out = out.split(s).join('***');
  return out;
}

/** Whether the URL names a Postgres server. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}

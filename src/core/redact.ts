/**
 * Credentials never leave pgwarden: every message, log line and report passes through `redact`.
 * Passwords seen in connection strings are remembered so they are masked even where they appear bare.
 */
const knownSecrets = new Set<string>();
const MASK = '***';

export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 3) {
    knownSecrets.add(secret);
    try {
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) knownSecrets.add(encoded);
    } catch {
      // a lone surrogate cannot be URI-encoded; the raw form is registered already
    }
  }
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@\s]*)@/gi;
const KEYWORD_PASSWORD = /\b(password|passwd|pwd)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s&;]+)/gi;

export function redact(text: string): string {
  let out = text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string, password: string) => {
    registerSecret(safeDecode(password));
    return `${scheme}${user}:${MASK}@`;
  });
  out = out.replace(KEYWORD_PASSWORD, (_m, key: string) => `${key}=${MASK}`);
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** A connection URL as it may be shown: the password replaced by `***`. */
export function redactUrl(url: string): string {
  return redact(url);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

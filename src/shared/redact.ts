/**
 * Outbound redaction: secrets that could end up in a log line, a comment or a prompt are replaced.
 * Patterns cover the credential shapes the app itself handles (installation tokens in both formats,
 * private keys, model API keys) plus common provider tokens a tool output might print.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  // PEM private keys (RSA, EC, OpenSSH, PKCS#8), possibly with escaped newlines as in env files.
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // GitHub installation tokens since 2026: ghs_<APPID>_<JWT>. A token starts where a run of token
  // characters starts (not after `-` either): otherwise `ghs_1_-ghs_1_-…` makes every start rescan
  // the rest of the run, quadratic on text a model or attacker writes.
  /(?<![\w-])ghs_\d+_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  // Classic GitHub tokens: ghp_, gho_, ghu_, ghs_, ghr_ + 36 characters, and fine-grained PATs.
  /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
  // OpenAI / Anthropic style keys.
  /\bsk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d{2}-)?[A-Za-z0-9_-]{20,}\b/g,
  // AWS access key ids.
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  // Slack tokens.
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  // JWTs (also covers GitHub App JWTs minted from the private key); same start rule as above.
  /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  // Basic-auth credentials in URLs: scheme://user:password@host (the user may be empty: redis://:pw@host).
  /(?<=[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+(?=@)/gi,
];

export const REDACTED = "[REDACTED]";

/** Replace every known secret shape, plus any extra literal values the caller knows are secret. */
export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** Show enough of a secret to recognise it, never enough to use it: `ghp_AB…(40 chars)`. */
export function maskSecret(secret: string): string {
  const visible = Math.min(6, Math.max(2, Math.floor(secret.length / 8)));
  return `${secret.slice(0, visible)}…(${secret.length} chars)`;
}

/**
 * Look-alike filters: what a secret rule matched but a person would not call a leak. Documented
 * placeholders (AWS's EXAMPLE keys), references to a secret store or the environment, hashes,
 * UUIDs, integrity strings, and values in variables that say they are fake.
 */

const PLACEHOLDER_WORDS = [
  "example", "sample", "dummy", "fake", "placeholder", "changeme", "change_me", "change-me", "your_", "your-", "yourpassword",
  "xxxx", "****", "....", "redacted", "<", ">", "todo", "insert", "replace_me", "replaceme", "notasecret", "not-a-secret", "not_a_secret",
];
/** Only for the generic assignment rule: a provider token containing these is still a token. */
const TEST_WORDS = ["test", "mock", "foobar", "lorem"];
const WEAK_DEFAULTS = new Set(["password", "passwd", "pass", "secret", "postgres", "root", "admin", "guest", "user", "mysql", "redis", "changeit", "none", "null", "undefined", "true", "false", "string"]);
const REFERENCE_PREFIXES = ["$", "{{", "%(", "%{", "#{", "@{", "!vault", "!ref", "!sub", "ref+", "vault:", "arn:aws:secretsmanager", "sm://", "op://", "env(", "env."];
const REFERENCE_PARTS = ["process.env", "os.environ", "os.getenv", "getenv(", "system.getenv", "env[", "secrets.", "import.meta.env", "config.get", "environment.getenvironmentvariable"];
const FAKE_NAME = /(^|[^a-z])(fake|dummy|example|sample|placeholder|mock)/i;

export function isPlaceholder(value: string, generic = false): boolean {
  const v = value.toLowerCase();
  if (PLACEHOLDER_WORDS.some((w) => v.includes(w))) return true;
  if (generic && TEST_WORDS.some((w) => v.includes(w))) return true;
  if (new Set(v).size <= 3) return true;
  if (/^(0123456789|123456789|abcdefghij|qwerty)/.test(v)) return true;
  return false;
}

export function isWeakDefault(value: string): boolean {
  return WEAK_DEFAULTS.has(value.toLowerCase());
}

export function isReference(value: string): boolean {
  const v = value.toLowerCase();
  return REFERENCE_PREFIXES.some((p) => v.startsWith(p)) || REFERENCE_PARTS.some((p) => v.includes(p));
}

/** Hex digests, UUIDs, SRI integrity strings and bcrypt/argon hashes are not credentials. */
export function isHashLike(value: string): boolean {
  if (/^[a-f0-9]{32}$|^[a-f0-9]{40}$|^[a-f0-9]{64}$|^[a-f0-9]{96}$|^[a-f0-9]{128}$/i.test(value)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return true;
  if (/^sha(1|256|384|512)-[A-Za-z0-9+/=]+$/.test(value)) return true;
  if (/^\$(2[aby]|argon2(id|i|d)|scrypt|pbkdf2)/.test(value)) return true;
  return false;
}

/** The line names its value as fake (`FAKE_TOKEN = ...`, `exampleKey: ...`). */
export function lineSaysFake(lineText: string): boolean {
  const assignment = /^[^=:]*[=:]/.exec(lineText)?.[0] ?? "";
  return FAKE_NAME.test(assignment);
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function charClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
}

/** Random enough to be a generated key rather than a word, an identifier or a sentence. */
export function looksRandom(value: string): boolean {
  if (value.length < 12) return false;
  if (charClasses(value) < 2) return false;
  const threshold = value.length >= 20 ? 3.3 : 3.0;
  return shannonEntropy(value) >= threshold;
}

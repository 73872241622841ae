/**
 * The catch-all for credentials without a vendor format: a value assigned to a key that says it is
 * a password, secret, token or key (in any syntax secret-assignments.ts reads), a password in a
 * URL's user-info or a curl `-u`, a credential in an Authorization header. The key decides what to
 * expect; the value must be a literal, not a reference, template, ciphertext or placeholder, and
 * (except for passwords) look generated. Hex strings and UUIDs count when the key names a credential
 * and nothing on the line makes them a hash or an ID.
 */
import type { Assignment } from "./secret-assignments.js";
import {
  isDigestFormat,
  isDocumentationHost,
  hasPlaceholderShape,
  isEncrypted,
  isExplicitPlaceholder,
  isExpressionReference,
  isHashShaped,
  isNaturalText,
  isWordCased,
  isPlaceholder,
  isReference,
  isTemplate,
  isTranslationPath,
  isVendorExample,
  isWeakDefault,
  isWordy,
  looksRandom,
  type LookAlike,
} from "./secret-context.js";

export type GenericKind = "password" | "key";

export interface GenericVerdict {
  ruleId: "generic-password" | "generic-secret" | "url-password" | "auth-header";
  title: string;
  /** A credential's syntax (URL user-info) holding a made-up value: reported at low severity. */
  placeholder?: boolean;
}

/** The last word of a key that makes it about a secret rather than the secret itself. */
const STOP_LAST = new Set([
  "path",
  "paths",
  "file",
  "files",
  "filename",
  "filepath",
  "dir",
  "directory",
  "folder",
  "url",
  "uri",
  "urls",
  "endpoint",
  "host",
  "hostname",
  "port",
  "name",
  "names",
  "id",
  "ids",
  "len",
  "length",
  "size",
  "count",
  "type",
  "types",
  "kind",
  "mode",
  "format",
  "field",
  "fields",
  "header",
  "headers",
  "env",
  "var",
  "variable",
  "prefix",
  "suffix",
  "regex",
  "regexp",
  "re",
  "pattern",
  "expiry",
  "expires",
  "expiration",
  "expire",
  "ttl",
  "timeout",
  "enabled",
  "enable",
  "disabled",
  "required",
  "optional",
  "hash",
  "hashed",
  "digest",
  "checksum",
  "sha",
  "sha1",
  "sha256",
  "sha512",
  "md5",
  "label",
  "placeholder",
  "hint",
  "help",
  "policy",
  "policies",
  "min",
  "max",
  "minimum",
  "maximum",
  "input",
  "param",
  "params",
  "column",
  "table",
  "selector",
  "class",
  "strength",
  "error",
  "errors",
  "message",
  "msg",
  "text",
  "description",
  "desc",
  "title",
  "prompt",
  "validator",
  "validation",
  "limit",
  "index",
  "location",
  "source",
  "store",
  "provider",
  "ref",
  "reference",
  "arn",
  "version",
  "algorithm",
  "alg",
  "usage",
  "user",
  "username",
  "login",
  "email",
  "reset",
  "confirm",
  "confirmation",
  "visible",
  "visibility",
  "rotation",
  "manager",
  "service",
  "client",
  "status",
  "state",
  "valid",
  "invalid",
  "expired",
  "changed",
  "updated",
  "created",
  "at",
  "date",
  "time",
  "timestamp",
  "key_name",
  "keyname",
  "owner",
  "scope",
  "scopes",
  "audience",
  "issuer",
  "mount",
  "volume",
  "backend",
  "engine",
  "stdin",
  "command",
  "cmd",
  "script",
  "method",
  "flow",
  "grant",
  "store",
  "vault",
  "template",
  "example",
  "sample",
  "test",
  "tests",
  "mock",
  "fake",
  "dummy",
  "placeholder",
  "default",
  "defaults",
  "list",
  "map",
  "set",
  "array",
  "callback",
  "handler",
  "event",
  "events",
  "route",
  "routes",
  "page",
  "view",
  "form",
  "button",
  "link",
  "icon",
  "style",
  "css",
  "color",
  "width",
  "height",
  "position",
  "count",
  "total",
  "number",
  "num",
  "bits",
  "bytes",
  "level",
  "spec",
  "schema",
  "config",
  "settings",
  "option",
  "options",
  "parameter",
  "parameters",
  "attribute",
  "attributes",
  "property",
  "properties",
  "mapping",
  "fingerprint",
  "thumbprint",
  "salt",
  "nonce",
  "iv",
  "uuid",
  "guid",
  "rounds",
  "iterations",
  "cost",
  "factor",
  "identifier",
  "storage",
  "cache",
  "mgr",
  "hashes",
  "factory",
  "builder",
  "util",
  "utils",
  "helper",
  "helpers",
  "impl",
  "interface",
  "exception",
  "dialog",
  "widget",
  "component",
  "module",
  "plugin",
  "prompt",
]);
/** Words anywhere in a key that make it not a credential. */
const NOT_SECRET = new Set([
  "public",
  "pub",
  "publishable",
  "csrf",
  "xsrf",
  "authenticity",
  "recaptcha",
  "captcha",
  "sitekey",
  "turnstile",
  "page",
  "pagination",
  "next",
  "previous",
  "prev",
  "continuation",
  "cancellation",
  "cursor",
  "sync",
  "design",
  "primary",
  "foreign",
  "sort",
  "partition",
  "idempotency",
  "i18n",
  "translation",
  "cache",
  "lookup",
  "dedup",
  "hot",
  "shortcut",
  "keyboard",
  "keystroke",
  "keypress",
  "keycode",
  "monkey",
  "turkey",
  "checksum",
  "integrity",
  "commit",
  "revision",
  "sha",
  "sha1",
  "sha256",
  "md5",
  "etag",
  "fingerprint",
  "thumbprint",
  "uuid",
  "guid",
  "accessor",
  "accessibility",
  "accessible",
  "ssh_public",
  "max",
  "min",
  "num",
  "length",
  "format",
  "tokenizer",
  "tokens",
  "bucket",
  "idx",
  "natural",
  "schema",
  "sequence",
  "composite",
  "surrogate",
  "unique",
  "translation",
]);
const PASSWORD_WORDS = new Set([
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "pass",
  "passw",
  "pw",
  "passcode",
  "userpass",
  "dbpass",
  "pswd",
  "psw",
  "kennwort",
  "senha",
  "contrasena",
  "motdepasse",
]);
const SECRET_WORDS = new Set([
  "secret",
  "secrets",
  "token",
  "apikey",
  "accesskey",
  "authkey",
  "privatekey",
  "secretkey",
  "credential",
  "credentials",
  "creds",
  "cred",
  "auth",
  "authorization",
  "bearer",
  "apitoken",
  "accesstoken",
  "refreshtoken",
  "authtoken",
  "clientsecret",
  "appsecret",
  "sas",
  "jwt",
  "signingkey",
  "masterkey",
  "encryptionkey",
  "sessionsecret",
  "webhooksecret",
  "hmac",
  "connectionstring",
]);
const KEY_QUALIFIERS = new Set([
  "api",
  "access",
  "auth",
  "private",
  "secret",
  "signing",
  "sign",
  "encryption",
  "encrypt",
  "decryption",
  "master",
  "client",
  "app",
  "application",
  "license",
  "licence",
  "account",
  "storage",
  "subscription",
  "service",
  "admin",
  "server",
  "session",
  "webhook",
  "hmac",
  "jwt",
  "cipher",
  "crypto",
  "aes",
  "shared",
  "consumer",
  "merchant",
  "partner",
  "developer",
  "dev",
  "prod",
  "production",
  "live",
  "integration",
  "ingest",
  "ingestion",
  "write",
  "read",
  "deploy",
  "management",
  "mgmt",
  "root",
  "user",
  "personal",
  "project",
  "org",
  "organization",
  "workspace",
  "bot",
  "sdk",
]);

const WORDS_CACHE = new Map<string, string[]>();

/** The words of a key: `DB_PASSWORD`, `dbPassword`, `db.password` and `db-password` all give [db, password]. */
export function keyWords(key: string): string[] {
  const cached = WORDS_CACHE.get(key);
  if (cached) return cached;
  if (WORDS_CACHE.size > 5000) WORDS_CACHE.clear();
  const words = splitWords(key);
  WORDS_CACHE.set(key, words);
  return words;
}

function splitWords(key: string): string[] {
  // A numbered key (`password2`, `api_token_01`) names the same thing as the bare word.
  return key
    .replace(/([A-Za-z])\d+(?=$|[^A-Za-z0-9])/g, "$1")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** What kind of secret a key name announces, or null. */
export function classifyKey(key: string): GenericKind | null {
  const w = keyWords(key.replace(/^--?/, ""));
  if (w.length === 0) return null;
  if (w.some((x) => NOT_SECRET.has(x))) return null;
  // An Azure Key Vault, a keystore, a keychain: a place, not a key.
  if (/key(?:vault|store|chain|ring|tab)/.test(w.join(""))) return null;
  // A CAPTCHA `site_key` is published in the page by design (its pair is the `secret_key`).
  if (w.length >= 2 && w[w.length - 2] === "site" && w[w.length - 1] === "key") return null;
  const last = w[w.length - 1] ?? "";
  if (STOP_LAST.has(last)) return null;
  // `passwordless`, `password_policy_enabled`: the stop word decides, checked above.
  if (w.some((x) => PASSWORD_WORDS.has(x) || (/(?:password|passwd|pass|pwd)$/.test(x) && !/(?:by|com|encom|over|under|sur|tres)pass$/.test(x))))
    return "password";
  const joined = w.join("");
  if (/csrf|xsrf|tokeniz/.test(joined)) return null;
  if (
    w.some((x) => SECRET_WORDS.has(x) || /.(?:token|secret)$/.test(x)) ||
    /(?:api|access|auth|secret|private|client|signing|master|encryption)(?:key|token|secret)$/.test(joined)
  )
    return "key";
  const k = w.lastIndexOf("key");
  if (k > 0 && KEY_QUALIFIERS.has(w[k - 1] ?? "")) return "key";
  // A bare `key` holding a generated value (`"key": "…"`, `key = "…"`); the value's shape decides, as for any key.
  if (w.length === 1 && last === "key") return "key";
  // `STRIPE_KEY`, `SENDGRID_KEY`: a vendor-named key holding a generated value.
  if (k === w.length - 1 && k > 0 && w.length <= 3) return "key";
  return null;
}

/** A value that is a path, a URL, an address, a version, a date, a number or code rather than a credential. */
function isNotCredentialShape(value: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value)) return true;
  if (/^[\w.+-]+@[\w-]+\.[\w.-]+$/.test(value)) return true;
  // Versions and versioned artifact names (`2.4.1`, `jjwt-jackson-0.11.2`).
  if (
    /[-_@]v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/.test(value) ||
    /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/.test(value) ||
    /^\d{4}-\d{2}-\d{2}/.test(value) ||
    /^[\d.,:_ -]+$/.test(value)
  )
    return true;
  if (/^[\w-]+(?:\.[\w-]+)*\.(?:pem|key|crt|cer|p12|pfx|jks|json|ya?ml|txt|env|conf|cfg|ini|xml|js|ts|py|sh|enc|gpg|asc|der|keystore|kdbx)$/i.test(value))
    return true;
  if (/^data:|^#[0-9a-f]{3,8}$/i.test(value)) return true;
  // Identifiers: `privateKeyPkcs8`, `SigningKeyProvider`.
  if (/^[a-z]{2,}(?:[A-Z][a-z]{2,}\d*)+$|^(?:[A-Z][a-z]{2,}\d*){2,}$/.test(value)) return true;
  // Paths and object keys: `uploads/2024/a.png`, `team/service/config`.
  if (value.includes("/") && (/\.[a-z]{2,5}$/.test(value) || /^[a-z0-9_.-]+(?:\/[a-z0-9_.-]+)+\/?$/.test(value))) return true;
  // Windows and registry paths (`HKLM:\Software\Company`, `C:\Program Files\App`, `\\server\share`).
  if (/^(?:[A-Za-z][\w-]*:|\\\\[\w.-]+)?(?:\\[\w .$-]+){2,}\\?$/.test(value)) return true;
  // A list of choices (`true|false`, `on|off`).
  if (/^[a-z]+(?:\|[a-z]+)+$/i.test(value)) return true;
  // Format strings and regular expressions.
  if (/%[-+ #0]?\d*[sdfx]|\{\d*\}|\\[dws]|\(\?[=!:<]|^\^.*\$$|\[[A-Za-z0-9]-[A-Za-z0-9]/.test(value)) return true;
  // Code: calls, member access chains, arrow functions.
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\(.*\)?$/.test(value) || /=>|\)\s*;?$/.test(value)) return true;
  // A subscript cut off at its quote (`request.json_body[`, `params[`).
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\[$/.test(value)) return true;
  return false;
}

/** Why a value under a password-named key is not a hard-coded password, or null. */
export function passwordLookAlike(value: string, path: string, lineText: string, minLength = 6, inUrl = false): LookAlike | "shape" | null {
  if (value.length < minLength || value.length > 200) return "shape";
  if (isReference(value)) return "reference";
  if (isTemplate(value)) return "template";
  if (isEncrypted(value)) return "encrypted";
  if (isWeakDefault(value)) return "weak-default";
  if (isPlaceholder(value, { keyword: true, password: true }) || isVendorExample(value)) return "placeholder";
  if (isTranslationPath(path) || isNaturalText(value)) return "translation";
  if (isDigestFormat(value) || (!inUrl && isNotCredentialShape(value))) return "shape";
  // Base64 of readable text: judge the text (a base64-encoded `changeme` is still `changeme`).
  const text = decodedText(value);
  if (text !== null && text !== value && passwordLookAlike(text, path, "", minLength, inUrl)) return "placeholder";
  // The password repeats the user name on the line (`mysql://mysql:mysql@`, `-u test:test`).
  if (new RegExp(`(?:user(?:name)?|login)["']?\\s*[:=]\\s*["']?${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?(?:[\\s,;]|$)`, "i").test(lineText))
    return "weak-default";
  return null;
}

/** Why a value under a secret/token/key-named key is not a generated credential, or null. */
function secretLookAlike(value: string, path: string): LookAlike | "shape" | null {
  if (value.length < 12 || value.length > 500) return "shape";
  if (isReference(value)) return "reference";
  if (isTemplate(value)) return "template";
  if (isEncrypted(value)) return "encrypted";
  if (isWeakDefault(value)) return "weak-default";
  if (isPlaceholder(value, { keyword: true }) || isVendorExample(value)) return "placeholder";
  if (PUBLISHABLE.test(value)) return "shape";
  if (isTranslationPath(path) || isNaturalText(value) || /\s/.test(value)) return "translation";
  // Letters alone are an identifier or a word (`createOAuthAppAuth`, `gi.repository.`); generated keys mix in digits or symbols.
  // Random letters alone still switch case every letter or two (`tKqZmXoPwRbN`), which words never do.
  if (/^[A-Za-z_.$-]+$/.test(value) && value.split(/[_.$-]/).every(isWordCased)) return "shape";
  if (isDigestFormat(value) || isNotCredentialShape(value) || isWordy(value)) return "shape";
  if (!looksRandom(value)) return "shape";
  // Base64 of readable text is an encoded password (judge the text), encoded `user:password` (judge the password) or prose.
  const text = decodedText(value);
  if (text !== null) {
    const colon = text.indexOf(":");
    const [user, pass] = colon > 0 ? [text.slice(0, colon), text.slice(colon + 1)] : ["", text];
    if (pass === user || passwordLookAlike(pass, path, "", colon > 0 ? 4 : 6)) return "placeholder";
  }
  return null;
}

/** The text a base64 value decodes to, when it is printable text; null otherwise. */
function decodedText(value: string): string | null {
  if (value.length < 12 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  const text = Buffer.from(value, "base64").toString("utf8");
  return /^[\x20-\x7e]+$/.test(text) && /[a-z]{3}/i.test(text) ? text : null;
}

/** Keys vendors publish to browsers on purpose: Stripe and Supabase publishable keys, Mapbox public tokens, Lob and Mailgun public keys. */
const PUBLISHABLE = /^(?:pk_(?:live|test)_|pk\.[A-Za-z0-9]|sb_publishable_|(?:live|test)_pub_|pubkey-|FLWPUBK)/;

const HASH_WORDS = /\b(?:sha\d*|md5|hash(?:ed)?|digest|checksum|fingerprint|integrity|etag|commit|revision|sum)\b/i;

/** Lock files hold integrity hashes under every kind of key. */
const LOCKFILE =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.ya?ml|bun\.lockb?|deno\.lock|go\.sum|Cargo\.lock|Gemfile\.lock|composer\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|pdm\.lock|mix\.lock|pubspec\.lock|Podfile\.lock|packages\.lock\.json|gradle\.lockfile|flake\.lock|\.terraform\.lock\.hcl)$/;

export function isLockfile(path: string): boolean {
  return LOCKFILE.test(path);
}

/** Printable text: no control characters and no replacement character from invalid UTF-8. */
export function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0xfffd) return false;
  }
  return true;
}

/** Decode `Basic <base64>` to user:password, or null. */
function decodeBasic(b64: string): { user: string; password: string } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const text = Buffer.from(b64, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0 || !isPrintable(text)) return null;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Words that describe a password as made up; unlike a slot word (`REPLACE_WITH_…`) the value is still a value. */
const MADE_UP_WORDS = /example|sample|dummy|fake|test|mock|demo|xxx/i;

/**
 * A password in a URL's user-info. `user:password@host` declares a credential the way a vendor prefix
 * does, so a made-up one (filler characters, an example word, a documentation host such as
 * example.com) is reported as a placeholder; references, templates, ciphertext and slots to fill in
 * are not values at all; a product default or the user name repeated is dropped, as for any password.
 */
export function judgeUrlCredential(host: string, user: string, password: string, lineText: string): "real" | "placeholder" | null {
  if (!password) return null;
  if (isReference(user) || isTemplate(user) || isReference(password) || isTemplate(password) || isEncrypted(password)) return null;
  if (isExplicitPlaceholder(user) || isExplicitPlaceholder(password)) return null;
  if (isDocumentationHost(host)) return "placeholder";
  if (user === password) return null;
  if (hasPlaceholderShape(password) || MADE_UP_WORDS.test(password)) return "placeholder";
  return passwordLookAlike(password, "", lineText, 4, true) ? null : "real";
}

/** The generic verdict on one assignment: a finding's rule and title, or null. */
export function judgeGeneric(a: Assignment, path: string, lineText: string): GenericVerdict | null {
  if (isLockfile(path)) return null;
  // A quoted string inside the quotes (`'"__my_variable__"'`) is judged by its content.
  const value = a.value.trim().replace(/^(["'`])(.*)\1$/, "$2");
  if (a.key.startsWith("url:")) {
    const userAndHost = a.key.slice(a.key.indexOf(":", 4) + 1);
    const at = userAndHost.lastIndexOf("@");
    const tier = judgeUrlCredential(userAndHost.slice(at + 1), userAndHost.slice(0, at), value, lineText);
    if (!tier) return null;
    return { ruleId: "url-password", title: "Password in a URL", ...(tier === "placeholder" ? { placeholder: true } : {}) };
  }
  if (a.key.startsWith("header:")) {
    const scheme = /^(Basic|Bearer|Token|Api-Token|Digest|Key|SSWS)\s+/i.exec(value);
    const credential = scheme ? value.slice(scheme[0].length) : value;
    if (/^[<{[$%]/.test(credential) || /^(?:null|undefined|none)$/i.test(credential)) return null;
    if (scheme?.[1]?.toLowerCase() === "basic") {
      const decoded = decodeBasic(credential);
      if (decoded)
        return decoded.password && decoded.password !== decoded.user && !passwordLookAlike(decoded.password, "", "", 4)
          ? { ruleId: "auth-header", title: "Credentials in an Authorization header" }
          : null;
    }
    // `apikey: "…"` read as a header but holding a password-like value (symbols a token never has): judged as the key it names.
    const name = a.key.slice(7);
    if (!scheme && !/^[A-Za-z0-9._~+/=:-]+$/.test(credential) && classifyKey(name)) return judgeGeneric({ ...a, key: name }, path, lineText);
    if (
      credential.length < 16 ||
      !/^[A-Za-z0-9._~+/=:-]+$/.test(credential) ||
      isPlaceholder(credential) ||
      isReference(credential) ||
      isTemplate(credential) ||
      isVendorExample(credential)
    )
      return null;
    return looksRandom(credential) ? { ruleId: "auth-header", title: "Credentials in an Authorization header" } : null;
  }
  if (a.key.startsWith("user:")) {
    const user = a.key.slice(5);
    if (user === value || isReference(user) || isTemplate(user) || (user !== "" && isPlaceholder(user))) return null;
    return passwordLookAlike(value, "", lineText, 4) ? null : { ruleId: "generic-password", title: "Hard-coded password" };
  }
  const kind = classifyKey(a.key);
  if (!kind) return null;
  if (!a.quoted && isExpressionReference(value)) return null;
  // `f("NAME", "value")` is a setting only when NAME reads like one (`DB_PASSWORD`, `api.token`), not a class name (`HTTPPasswordMgr`).
  if (a.syntax === "pair" && (!a.quoted || !/(?:pass(?:word|wd|phrase)?|pwd|secret|token|key|credentials?|auth)(?:_?\d{1,3})?$/i.test(a.key))) return null;
  if (kind === "password") return passwordLookAlike(value, path, lineText) ? null : { ruleId: "generic-password", title: "Hard-coded password" };
  // A bare `key` names cache keys, object keys and IDs as often as credentials: only a long mixed-alphabet value counts there, not hex or a UUID.
  if (keyWords(a.key).join("_") === "key" && (value.length < 20 || /^[0-9a-f-]+$/i.test(value))) return null;
  // Line shape: a hex digest or UUID is a credential under a credential's name, unless the line says it is a hash.
  if (isHashShaped(value) && HASH_WORDS.test(lineText.replace(a.key, ""))) return null;
  return secretLookAlike(value, path) ? null : { ruleId: "generic-secret", title: "Hard-coded secret (high-entropy value)" };
}

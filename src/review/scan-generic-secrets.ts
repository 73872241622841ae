/**
 * The catch-all: `password = "..."`, `api_key: ...`, `"clientSecret": "..."`, `<password>..</password>`,
 * `--token ...` in code, YAML, JSON, .env, INI, TOML, XML and shell. The key names what it holds;
 * the value must be a literal (not a reference) and, except for passwords, look random (entropy).
 */
import { isHashLike, isPlaceholder, isReference, isWeakDefault, lineSaysFake, looksRandom } from "./secret-filters.js";

export interface GenericHit {
  /** Index of the value in the line. */
  index: number;
  value: string;
  key: string;
  kind: "password" | "key";
}

const KEY_WORD = /(pass(?:wd|word|phrase)?|pwd|secret|token|api_?key|apikey|access_?key|auth_?key|private_?key|credentials?|key)/i;
const ASSIGNMENT =
  /(?<key>[A-Za-z_][A-Za-z0-9_.-]{0,80})(?:["'\]]|\s*>)?\s*(?<op>:=|=>|\?=|\|\|=|=(?!=)|:(?!:)|\s+(?=["']))\s*(?:[bBrRuUfF]?(?<q>["'`]))?/g;
const XML_ELEMENT = /<(?<key>[A-Za-z_][A-Za-z0-9_.-]{0,60})>(?<value>[^<\s]{6,200})<\/\k<key>>/g;
const CLI_FLAG = /--(?<key>[a-z][a-z-]{0,40})[ =](?<q>["']?)(?<value>[^\s"']{6,200})/g;

const CODE_EXT = /\.(m?[jt]sx?|cjs|cts|mts|py|go|java|kt|kts|rb|php|cs|rs|swift|scala|c|cc|cpp|h|hpp|m|dart|lua|groovy|vue|svelte)$/i;
const STOP_LAST = new Set([
  "path", "file", "filename", "dir", "url", "uri", "name", "id", "ids", "len", "length", "type", "types", "field", "header", "env", "var",
  "count", "size", "prefix", "suffix", "regex", "re", "pattern", "endpoint", "expiry", "expires", "expiration", "ttl", "enabled", "required",
  "hash", "hashed", "digest", "label", "placeholder", "hint", "policy", "format", "min", "max", "input", "param", "column", "table",
  "selector", "class", "kind", "mode", "strength", "error", "message", "msg", "text", "description", "validator", "limit", "index", "key_name",
  "location", "source", "store", "provider", "ref", "reference", "arn", "version", "algorithm", "alg", "usage", "host", "port", "user", "username",
  "login", "email", "reset", "confirm", "confirmation", "visible", "visibility", "policy", "rotation", "manager", "service", "client", "count",
]);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** What kind of secret a key name announces, or null. */
export function classifyKey(key: string): "password" | "key" | null {
  const w = words(key);
  if (w.length === 0 || w.includes("public") || w.includes("pub")) return null;
  if (STOP_LAST.has(w[w.length - 1] ?? "")) return null;
  if (w.some((x) => ["password", "passwd", "pwd", "passphrase", "pass"].includes(x))) return "password";
  if (w.some((x) => ["secret", "token", "apikey", "accesskey", "authkey", "privatekey", "credential", "credentials"].includes(x))) return "key";
  const k = w.lastIndexOf("key");
  if (k > 0 && ["api", "access", "auth", "private", "secret", "signing", "encryption", "master", "client", "app", "license", "account", "storage", "subscription"].includes(w[k - 1] ?? "")) return "key";
  return null;
}

function acceptValue(value: string, kind: "password" | "key"): boolean {
  if (value.includes("://")) return false;
  if (isReference(value) || isPlaceholder(value, true) || isHashLike(value) || isWeakDefault(value)) return false;
  if (kind === "password") return value.length >= 6;
  return looksRandom(value);
}

/** Read a value that starts at `from`: up to the closing quote, or to a delimiter when unquoted. */
function readValue(line: string, from: number, quote: string | undefined): string {
  if (quote) {
    const end = line.indexOf(quote, from);
    return end < 0 ? "" : line.slice(from, end);
  }
  let end = from;
  while (end < line.length && !/[\s;,)}\]#]/.test(line[end] ?? "")) end++;
  return line.slice(from, end);
}

export function scanGenericLine(path: string, line: string): GenericHit[] {
  if (line.length > 4000 || !KEY_WORD.test(line) || lineSaysFake(line)) return [];
  const code = CODE_EXT.test(path);
  const hits: GenericHit[] = [];
  for (const m of line.matchAll(ASSIGNMENT)) {
    const key = m.groups?.key ?? "";
    // `arn:...:secret:name`, `a.b.token=`: a key inside a longer word or path is not a key.
    if (/[A-Za-z0-9_:/.$-]/.test(line[(m.index ?? 0) - 1] ?? " ")) continue;
    const kind = classifyKey(key);
    if (!kind) continue;
    const quote = m.groups?.q;
    const from = (m.index ?? 0) + m[0].length;
    // Unquoted right-hand sides in code are identifiers or calls, not literals.
    if (!quote && code) continue;
    const value = readValue(line, from, quote);
    if (value.length > 200 || !acceptValue(value, kind)) continue;
    hits.push({ index: from, value, key, kind });
  }
  for (const re of [XML_ELEMENT, CLI_FLAG]) {
    for (const m of line.matchAll(re)) {
      const key = m.groups?.key ?? "";
      const value = m.groups?.value ?? "";
      const kind = classifyKey(key);
      if (!kind || !acceptValue(value, kind)) continue;
      const index = (m.index ?? 0) + m[0].lastIndexOf(value);
      if (!hits.some((h) => h.index === index)) hits.push({ index, value, key, kind });
    }
  }
  return hits;
}

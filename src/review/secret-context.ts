/**
 * The context layer every secret rule goes through: what a rule matched but a person would not call
 * a leak. References to a secret store or the environment, templates, encrypted blobs (SOPS, Ansible
 * Vault, sealed secrets), placeholders (an explicit word list, and shapes: repeated, sequential or
 * filler characters, a value bracketed as a whole), vendors' documentation examples, and default or
 * translated "passwords". Also the randomness measures the keyword rules use.
 */

/** Why a value is not reported; null when it is a credential as far as the context can tell. */
export type LookAlike = "reference" | "template" | "encrypted" | "placeholder" | "vendor-example" | "weak-default" | "translation" | "fake-name";

// ---------------------------------------------------------------- references and templates

/** A value that names where the secret lives instead of holding it. */
const REFERENCE_START =
  /^(?:\$\{\{?\s*[A-Za-z_][\w.:\-?/|'"@ =$#%+,^*!~]*\}|\$\(|\$[A-Za-z_]\w*$|\$[A-Z_][A-Z0-9_]{2,}(?![a-z])|\$\d|%[A-Za-z_][\w.]*%|%\(|#\{|@\{|\{\{|<%|\$env:)/;
const STORE_START =
  /^(?:!(?:vault|ref|sub|getatt|secret|env|include)\b|ref\+|vault:|sm:\/\/|op:\/\/|env:|env\[|env\(|secret:|arn:aws:(?:secretsmanager|ssm|kms)|projects\/[^/\s]+\/secrets\/|https:\/\/[\w-]+\.vault\.azure\.net\/secrets\/|akv:\/\/|gcp:secretmanager|awssm:\/\/)/i;
const REFERENCE_PART =
  /process\.env\b|import\.meta\.env\b|os\.environ\b|os\.getenv\b|\bgetenv\s*\(|System\.getenv\b|Environment\.GetEnvironmentVariable\b|\bENV\.fetch\b|\bENV\[|\$_ENV\[|\$_SERVER\[|\benv\s*\(\s*["']|\$\{\{?\s*(?:secrets|vars|env|inputs|steps|needs|github)\.|\bsecrets\.[A-Z_]|\bSecretManager\b|\bvalueFrom\b|\bsecretKeyRef\b|\blookup\s*\(\s*['"](?:env|file|password|hashi_vault|aws_secret)/;
/** Terraform/HCL, Pulumi and CloudFormation expressions that evaluate to a value held elsewhere. */
const HCL_REFERENCE = /^(?:var|local|module|data|each|self|count|path|terraform)\.[\w.[\]"-]+$|^[a-z][a-z0-9_]*\.[a-z0-9_-]+\.[a-z0-9_.[\]-]+$/;

export function isReference(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return false;
  return REFERENCE_START.test(v) || STORE_START.test(v) || REFERENCE_PART.test(v);
}

/** An unquoted HCL/CloudFormation expression (`var.db_password`, `random_password.db.result`). Quoted values are literals. */
export function isExpressionReference(value: string): boolean {
  const v = value.trim();
  // A YAML alias (`*db_password`) or a JSON/YAML structure is not a literal either.
  return HCL_REFERENCE.test(v) || /^\*[A-Za-z_][\w.-]*$/.test(v) || /^[{[].*[:,].*[}\]]$/.test(v);
}

/** A slot to fill in: `{USER}`, `{0}`, `%s`, `:password`, `<PASSWORD>`, `[PASSWORD]`, `__TOKEN__`, `@@KEY@@`. */
const TEMPLATE_WHOLE =
  /^(?:\{[^{}\s]{0,60}\}|\{\{[^{}]{0,80}\}\}|\$\{[\w.:\-?/|'"@ =$#%+,^*!~]{0,80}\}|<[^<>]{1,80}>|\[[^[\]]{1,60}\]|\(\([^()]{1,60}\)\)|%[-+ #0]?\d*[sdvqxXr]|%\{[\w.]+\}|:[a-z_]+|__[A-Za-z0-9_]+__|@@?[A-Za-z0-9_]+@@?|\$[A-Z_][A-Z0-9_]*\$|\{[A-Za-z_][\w.-]*\}[^{}\s]{0,4}|[^{}\s]{0,4}\{[A-Za-z_][\w.-]*\})$/;
/** A template expression anywhere in the value (`pre-{{ .Values.x }}-post`, `abc${X}def`). */
const TEMPLATE_PART = /\{\{[^{}]{1,80}\}\}|\$\{\{?\s*[A-Za-z_][\w.:\-?/|'"@ =$#%+,^*!~]{0,80}\}|\{%[^%]{1,80}%\}|<%=?[^%]{1,80}%>|#\{[^{}]{1,80}\}/;

export function isTemplate(value: string): boolean {
  return TEMPLATE_WHOLE.test(value.trim()) || TEMPLATE_PART.test(value);
}

// ---------------------------------------------------------------- encrypted values

/** Ciphertext formats: SOPS, Ansible Vault, sealed secrets, eyaml, Jasypt, Spring Cloud Config, dotenvx, Vault transit, KMS blobs, Fernet tokens, age and PGP armour. */
const ENCRYPTED =
  /^(?:ENC\[(?:AES256_GCM|PKCS7|GPG)|\$ANSIBLE_VAULT;|ENC\(|\{cipher\}|encrypted:|vault:v\d+:|AQICAH|gAAAAAB|-----BEGIN (?:PGP MESSAGE|AGE ENCRYPTED FILE)|AgA[A-Za-z0-9+/]{100,}|AgB[A-Za-z0-9+/]{100,}|AgC[A-Za-z0-9+/]{100,})/;

export function isEncrypted(value: string): boolean {
  return ENCRYPTED.test(value.trim());
}

/** The line (or the comment just above it) says the value is ciphertext. */
export function lineSaysEncrypted(line: string, previous = ""): boolean {
  if (/ENC\[(?:AES256_GCM|PKCS7|GPG)|\$ANSIBLE_VAULT;|!vault\s*\||encryptedData:|sealedsecrets|kind:\s*SealedSecret/i.test(line)) return true;
  return /^\s*(?:#|\/\/|--|;|\*)\s*.*\b(?:encrypted|ciphertext|sops|ansible[- ]vault|sealed)\b/i.test(previous);
}

// ---------------------------------------------------------------- placeholders

/** Words that describe a value as made up (`example`, `dummy`) or as a well-known non-secret. */
const DESCRIBING_WORDS = [
  "example",
  "sample",
  "dummy",
  "fake",
  "placeholder",
  "my_secret",
  "my-secret",
  "mysecret",
  "mypassword",
  "my_password",
  "xxxx",
  "****",
  "••••",
  "....",
  "removed",
  "insert",
  "notasecret",
  "not-a-secret",
  "not_a_secret",
  "not_a_real",
  "not-a-real",
  "notreal",
  "not_real",
  "nottherealkey",
  "secret_key_here",
  "dontuse",
  "do_not_use",
  "do-not-use",
  "invalid",
  "supersecret",
  "super_secret",
  "s3cr3t",
  "somesecret",
  "some_secret",
  "some-secret",
  "secretkey123",
  "password123",
  "pass1234",
  "foobar",
  "foo_bar",
  "hunter2",
  "lorem",
  "ipsum",
  "testtest",
  "asdfasdf",
  "qwerty",
  "letmein",
  "abcdefgh",
  "12345678",
];

/**
 * Words that ask for a value to be filled in (`REPLACE_WITH_…`, `your_…_here`, `changeme`): a slot,
 * not a value, so no rule reports it. Words that only describe a value as made up (`example`, `test`,
 * `dummy`) are not here: a vendor-format value carrying them is still reported, as a placeholder.
 */
const SLOT_WORDS = [
  "changeme",
  "change_me",
  "change-me",
  "changethis",
  "change_this",
  "your_",
  "your-",
  "yourpass",
  "yourkey",
  "yourtoken",
  "yoursecret",
  "replace_me",
  "replaceme",
  "replace-me",
  "replace_with",
  "replace-with",
  "replacewith",
  "to_be_replaced",
  "to-be-replaced",
  "put_your",
  "put-your",
  "enter_your",
  "enter-your",
  "goes_here",
  "goes-here",
  "_here",
  "-here",
  "here_",
  "insert_",
  "insert-",
  "redacted",
  "todo",
  "fixme",
];

/** Words that mark a value as written by a person to stand for a secret: slots and descriptions. */
const PLACEHOLDER_WORDS = [...DESCRIBING_WORDS, ...SLOT_WORDS];
/** Only for keyword rules: a value with no vendor prefix containing these is test data. */
const TEST_WORDS = ["test", "mock", "demo", "stub", "sandbox", "fixture", "local", "debug", "sample", "secret", "password", "token", "apikey", "api_key"];
/** The same for passwords (where "token" or "local" inside a value is no marker). */
const PASSWORD_TEST_WORDS = ["test", "mock", "demo", "stub", "fixture", "sample", "password", "secret"];

/** How many characters in a row step by +1 or -1 (`1234`, `abcd`, `DCBA`), the longest such run. */
function longestSequentialRun(value: string): number {
  let best = 1;
  let run = 1;
  let dir = 0;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    const alnum = /[A-Za-z0-9]/.test(value[i] ?? "") && /[A-Za-z0-9]/.test(value[i - 1] ?? "");
    if (alnum && (d === 1 || d === -1) && (dir === 0 || d === dir)) {
      run++;
      dir = d;
    } else if (alnum && (d === 1 || d === -1)) {
      run = 2;
      dir = d;
    } else {
      run = 1;
      dir = 0;
    }
    if (run > best) best = run;
  }
  return best;
}

/** The longest run of one repeated character. */
function longestRepeat(value: string): number {
  let best = 1;
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    run = value[i] === value[i - 1] ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/** A short chunk repeated to fill the value (`abc123abc123abc1`, `EXAMPLEEXAMPLE`, `ABCD-ABCD-ABCD`). */
function isRepeatedChunk(value: string): boolean {
  const v = value.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (v.length < 8) return false;
  for (let size = 1; size <= Math.min(8, Math.floor(v.length / 3)); size++) {
    const chunk = v.slice(0, size);
    let same = 0;
    for (let i = 0; i + size <= v.length; i += size) if (v.slice(i, i + size) === chunk) same++;
    if (same * size >= v.length * 0.7) return true;
  }
  // The same 4+ character chunk (not one repeated character) three times in a short value (`ABCD-ABCD-ABCD`).
  if (v.length > 64) return false;
  for (let size = 4; size <= 8; size++) {
    const seen = new Map<string, number[]>();
    for (let i = 0; i + size <= v.length; i++) {
      const c = v.slice(i, i + size);
      if (new Set(c).size === 1) continue;
      const at = seen.get(c) ?? [];
      if (at.length === 0 || i - (at[at.length - 1] ?? 0) >= size) at.push(i);
      if (at.length >= 3) return true;
      seen.set(c, at);
    }
  }
  return false;
}

/** Alternating-case alphabet filler: `aBcDeF`, `AbCdEfGh`. */
function hasCaseFiller(value: string): boolean {
  return /(?:[a-z][A-Z]){3}|(?:[A-Z][a-z]){3}/.test(value) && longestSequentialRun(value.toLowerCase()) >= 5;
}

/** The shape of a made-up value: few distinct characters, long runs, sequences, filler. */
export function hasPlaceholderShape(value: string): boolean {
  const v = value.replace(/[-_.=/+:]/g, "");
  if (v.length === 0) return true;
  const distinct = new Set(v.toLowerCase()).size;
  if (distinct <= 2 || (v.length >= 8 && distinct <= 3) || (v.length >= 16 && distinct <= 5)) return true;
  if (longestRepeat(v) >= Math.max(5, Math.ceil(v.length / 3))) return true;
  // Long encoded values (base64 of JSON or binary) carry structure of their own; people type filler into short ones.
  if (v.length > 120) return isRepeatedChunk(v);
  const seq = longestSequentialRun(v.toLowerCase());
  if (seq >= 6 || (v.length < 24 && seq >= 5)) return true;
  if (isRepeatedChunk(v) || hasCaseFiller(value)) return true;
  return false;
}

/**
 * Written by a person from words (`opaque-model-key-5550123`, `InstallationOrActionToken000`), not
 * generated: words of four or more letters with a vowel cover most of it.
 */
export function isWordy(value: string): boolean {
  const isWord = (w: string) => (w.match(/[aeiou]/gi)?.length ?? 0) >= w.length * 0.3 && !/[^aeiou]{5}/i.test(w);
  let words = 0;
  let wordLetters = 0;
  let total = 0;
  for (const part of value.split(/[-_.:/ ]+/).filter(Boolean)) {
    // A number on its own (`-5550123`, `_v2`) is a suffix people add; it says nothing about randomness.
    if (/^\d+$/.test(part)) continue;
    total += part.replace(/[^A-Za-z0-9]/g, "").length;
    if (/^[a-z]{3}$/i.test(part) && isWord(part)) {
      words++;
      wordLetters += 3;
      continue;
    }
    for (const seg of part.replace(/([a-z])([A-Z])/g, "$1 $2").split(/[^A-Za-z]+|\s+/)) {
      if (/^(?:[A-Z][a-z]{3,}|[a-z]{4,})$/.test(seg) && isWord(seg)) {
        words++;
        wordLetters += seg.length;
      }
    }
  }
  return words >= 2 && wordLetters >= total * 0.6;
}

/** Placeholder words anywhere (lower-cased match), or a placeholder shape. */
export function isPlaceholder(value: string, options: { keyword?: boolean; password?: boolean } = {}): boolean {
  const v = value.toLowerCase();
  if (PLACEHOLDER_WORDS.some((w) => v.includes(w))) return true;
  if (options.keyword && (options.password ? PASSWORD_TEST_WORDS : TEST_WORDS).some((w) => v.includes(w))) return true;
  if (/^<[^<>]+>$|^\[[^[\]]+\]$|^\{[^{}]+\}$|^\(\([^()]+\)\)$/.test(value)) return true;
  if (/^[xX*•#.?_-]{3,}$/.test(value)) return true;
  // Truncated in documentation: `ops_eyJzaWdu...`, `sk-…`.
  if (/(?:\.\.\.|…)$/.test(value)) return true;
  return hasPlaceholderShape(value);
}

/**
 * For a token whose vendor prefix makes it self-identifying: a placeholder only when the body (what
 * follows the prefix) is made up. A marker word in a body that is otherwise random is kept: nothing
 * random contains "EXAMPLE" by chance, but someone who appended it to a live key still leaked the key
 * (the AWS convention is handled separately as a vendor example).
 */
export function isPlaceholderBody(body: string): boolean {
  if (body.length === 0) return true;
  const lower = body.toLowerCase();
  const marker = PLACEHOLDER_WORDS.find((w) => w.length >= 4 && /^[a-z_-]+$/.test(w) && lower.includes(w));
  if (marker) {
    const rest = body.replace(new RegExp(marker.replace(/[-_]/g, "[-_]"), "gi"), "");
    if (rest.length < 16 || !looksRandom(rest) || hasPlaceholderShape(rest)) return true;
  }
  if (/^[xX*•#.?_-]{3,}$/.test(body) || /^<[^<>]+>$/.test(body) || /(?:\.\.\.|…)$/.test(body)) return true;
  if (isWordy(body)) return true;
  return hasPlaceholderShape(body);
}

/**
 * Tier 1 of the placeholder check: the value is a slot to fill in, not a value. A value bracketed as
 * a whole (`<TOKEN>`, `[KEY]`), a slot word, a masked (`****`) or truncated (`sk-...`) value.
 */
export function isExplicitPlaceholder(value: string): boolean {
  const v = value.trim();
  if (/^<[^<>]+>$|^\[[^[\]]+\]$|^\(\([^()]+\)\)$/.test(v)) return true;
  if (/^[*•#.?]{3,}$/.test(v) || /(?:\.\.\.|…)$/.test(v)) return true;
  const lower = v.toLowerCase();
  return SLOT_WORDS.some((w) => lower.includes(w));
}

// ---------------------------------------------------------------- vendor documentation examples

/**
 * Keys that vendors print in their own documentation and SDK READMEs, the way AWS prints
 * AKIAIOSFODNN7EXAMPLE: they are public and grant nothing.
 */
const VENDOR_EXAMPLES = new Set([
  // AWS IAM user guide and CLI docs.
  "AKIAIOSFODNN7EXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "AKIAI44QH8DHBEXAMPLE",
  "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
  "ASIAIOSFODNN7EXAMPLE",
  "AKIDEXAMPLE",
  "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  // jwt.io's default token.
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  // Stripe API reference test keys.
  "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  "pk_test_TYooMQauvdEDq54NiTphI7jx",
  "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
  "sk_test_26PHem9AhJZvU623DfE1x4sd",
  // Slack API docs.
  "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
  "xoxp-23984754863-2348975623103",
  "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
  // Twilio docs.
  "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
  "your_auth_token",
  // GitHub docs.
  "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
  // OAuth protocol examples: RFC 6749 (OAuth 2.0) and RFC 5849 (OAuth 1.0).
  "2YotnFZFEjr1zCsicMWpAA",
  "tGzv3JOkF0XG5Qx2TlKWIA",
  "SplxlOBeZQQYbYS6WxSbIA",
  "mF_9.B5f-4.1JqM",
  "dpf43f3p2l4k3l03",
  "kd94hf93k423kf44",
  "hh5s93j4hdidpola",
  "hdhd0244k9j7ao03",
  "nnch734d00sl2jdk",
  "pfkkdhi9sl3r4s00",
  // Google Maps JavaScript API samples.
  "AIzaSyBIwzALxUPNbatRBj3Xi1Uhp0fFzwWNBkE",
]);

/** Vendor conventions for documentation keys: AWS ends example access keys and secrets in EXAMPLE / EXAMPLEKEY. */
/** Hosts reserved for documentation (RFC 2606 / RFC 6761): credentials pointing there are examples. */
export function isDocumentationHost(host: string): boolean {
  return /(?:^|\.)example(?:\.(?:com|org|net|edu))?$|\.(?:example|invalid|test)$/i.test(host.replace(/:\d+$/, ""));
}

export function isVendorExample(value: string, ruleId = ""): boolean {
  if (VENDOR_EXAMPLES.has(value)) return true;
  if (/^aws|amazon|bedrock/.test(ruleId) || /^(?:AKIA|ASIA|ABIA|ACCA|A3T)/.test(value)) return /EXAMPLE(?:KEY)?=*$/.test(value);
  return false;
}

// ---------------------------------------------------------------- passwords

/** Defaults shipped by products and the words that name the slot rather than fill it. */
const WEAK_DEFAULTS = new Set([
  "password",
  "passwd",
  "pass",
  "pwd",
  "secret",
  "postgres",
  "root",
  "admin",
  "administrator",
  "guest",
  "user",
  "username",
  "mysql",
  "redis",
  "changeit",
  "none",
  "null",
  "nil",
  "undefined",
  "true",
  "false",
  "string",
  "default",
  "empty",
  "blank",
  "required",
  "optional",
  "sa",
  "oracle",
  "tiger",
  "rabbitmq",
  "minio",
  "minioadmin",
  "elastic",
  "kibana",
  "neo4j",
  "mongo",
  "mongodb",
  "docker",
  "vagrant",
  "ubuntu",
  "pi",
  "raspberry",
  "test",
  "tests",
  "testing",
  "dev",
  "development",
  "local",
  "localhost",
  "demo",
  "token",
  "key",
  "apikey",
  "api_key",
  "mypassword",
  "yourpassword",
  "userpassword",
  "dbpassword",
  "db_password",
  "secretpassword",
  "password1",
]);

export function isWeakDefault(value: string): boolean {
  return WEAK_DEFAULTS.has(value.toLowerCase());
}

/** Translation catalogues: locale folders, gettext, .strings, ARB, XLIFF, resx, i18n JSON/YAML. */
const LANGUAGES =
  "en|de|fr|es|it|pt|nl|sv|da|fi|nb|nn|no|pl|cs|sk|hu|ro|bg|el|ru|uk|tr|ar|he|fa|hi|bn|ja|ko|zh|th|vi|ms|ca|eu|gl|et|lv|lt|sl|hr|sr|is|ga|cy|af|sw|ta|te|ur";
const TRANSLATION_PATH = new RegExp(
  String.raw`(?:^|/)(?:locales?|i18n|l10n|lang|langs|languages|translations?|messages|intl|nls)/|\.(?:po|pot|strings|stringsdict|arb|xliff|xlf|resx|ftl)$|(?:^|[/._-])(?:${LANGUAGES})(?:[-_][A-Za-z]{2,4})?\.(?:json|ya?ml|properties|js|ts)$|messages_[a-z]{2}(?:_[A-Z]{2})?\.properties$`,
);

export function isTranslationPath(path: string): boolean {
  return TRANSLATION_PATH.test(path);
}

/** Words, not a password: letters only, or a phrase of several words. */
export function isNaturalText(value: string): boolean {
  const v = value.trim();
  // One word as words are written: lower case, Capitalised, CAPITALS, a script without case, or words joined into an identifier.
  if (/^(?:\p{Lu}?[\p{Ll}\p{M}]+|[\p{Lu}\p{M}]+|[\p{Lo}\p{M}]+)[.!?:]?$/u.test(v)) return true;
  if (/^[\p{L}\p{M}]+(?:[_.' -][\p{L}\p{M}]+)+$/u.test(v) && v.split(/[_.' -]/).every(isWordCased)) return true;
  if (/^[A-Za-z]+$/.test(v) && isWordy(v)) return true;
  // A sentence or label: three or more words, or two words with a letter-only tail.
  return /^\S+(?:\s+\S+){2,}$/.test(value.trim()) || /^[\p{L}]+[:!?.]?\s+[\p{L}\p{M}\s!?.:]+$/u.test(value.trim());
}

/**
 * Cased as written words are: `HARDcoded`, `Mot`, `ACCESS`, `passwordLabel`. Random letters switch case
 * every letter or two (`YXNkZmZm`), which no word does.
 */
export function isWordCased(segment: string): boolean {
  return segment.length <= 3 || /^(?:\p{Lu}+|\p{Lu}?[\p{Ll}\p{M}]{2,}|[\p{Lo}\p{M}]+)+$/u.test(segment);
}

/** The line's key names its value as fake (`FAKE_TOKEN = ...`, `exampleKey: ...`). */
const FAKE_NAME = /(^|[^a-z])(fake|dummy|example|sample|placeholder|mock)/i;

export function lineSaysFake(lineText: string): boolean {
  const assignment = (/^[^=:]*[=:]/.exec(lineText)?.[0] ?? "").replace(/\bexample\.(?:com|org|net|edu)\b|\bexample-/gi, "");
  return FAKE_NAME.test(assignment);
}

// ---------------------------------------------------------------- randomness

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

/**
 * Random enough to be generated rather than written: judged against what the value's own alphabet
 * allows, so a 32-character hex key (at most 4 bits a character) is measured as hex, not as base64.
 */
export function looksRandom(value: string): boolean {
  if (value.length < 10) return false;
  const hex = /^[0-9a-fA-F-]+$/.test(value);
  if (hex) {
    const digits = value.replace(/-/g, "");
    // Random hex mixes letters and digits; a run of one class is a word or a number.
    if (!/[0-9]/.test(digits) || !/[a-fA-F]/.test(digits)) return false;
    return shannonEntropy(digits.toLowerCase()) >= (digits.length >= 24 ? 3.2 : 2.9);
  }
  if (charClasses(value) < 2) return false;
  const threshold = value.length >= 20 ? 3.3 : 3.0;
  return shannonEntropy(value) >= threshold;
}

/** Hex digests, UUIDs, SRI integrity strings and password-hash formats. */
export function isHashShaped(value: string): boolean {
  if (/^[a-f0-9]{32}$|^[a-f0-9]{40}$|^[a-f0-9]{56}$|^[a-f0-9]{64}$|^[a-f0-9]{96}$|^[a-f0-9]{128}$/i.test(value)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return true;
  return isDigestFormat(value);
}

/** Formats that are always digests, whatever the key says: SRI, `sha256:…`, bcrypt/argon2/scrypt/PBKDF2 hashes. */
export function isDigestFormat(value: string): boolean {
  if (/^(?:sha(?:1|224|256|384|512)|md5)[-:][A-Za-z0-9+/=]+$/i.test(value)) return true;
  if (/^\$(?:2[abxy]?|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?|[156]|y|gy|7)\$/.test(value)) return true;
  return false;
}

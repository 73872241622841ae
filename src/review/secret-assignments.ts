/**
 * Where a line gives a name to a value, in the syntaxes secrets are committed in: `KEY=value` and
 * `key: value` (env, YAML, INI, TOML, properties, JSON, Makefile `:=`/`::=`/`?=`, PHP `.=`, Ruby
 * `=>`), typed declarations (Go `var x string = …`, TypeScript/Kotlin/Python annotations), call
 * arguments (`System.setProperty("X_TOKEN", "…")`, `define('DB_PASSWORD', '…')`, `os.Setenv`),
 * keyword arguments, XML attributes and elements (`<add key="…" value="…"/>`, `<password>…`, an
 * element whose value sits on the next line), name/value pairs split over lines (Kubernetes `env`,
 * Terraform `variable … default`, Postman, Hadoop `<name>/<value>`), CLI flags (`--password=…`,
 * `--token …`, `mysql -p…`, `curl -u user:pass`, also on `\`-continued lines), Dockerfile `ENV`,
 * C `#define`, `.netrc`, `.pgpass`, SQL `IDENTIFIED BY`, property lists, strings inside strings (notebooks),
 * calls that fix the password's position (`NetworkCredential(user, password)`, `auth=(user, password)`,
 * `getConnection(url, user, password)`, `ConvertTo-SecureString "…" -AsPlainText`), one-line YAML block scalars,
 * comparisons with a literal (`password == "…"`), HTTP headers and URL user-info. The rules
 * (vendor, keyed, generic) judge the pairs; this module only reads them. Linear time: bounded
 * quantifiers, bounded value reads, and a cap on assignments per line.
 */

export interface Assignment {
  /** The name the value is given (`DATADOG_API_KEY`, `password`, `--token`). */
  key: string;
  /** The value as written, without quotes. */
  value: string;
  /** Index of the value in its line. */
  index: number;
  /** The value was a quoted literal. */
  quoted: boolean;
  /** Offset from the current line to the line holding the value (0, or 1 for an element whose value is on the next line). */
  lineOffset: number;
  /** `positional`: a call or file format that fixes the password's place (`NetworkCredential(user, password)`, `.pgpass`). */
  syntax: "assign" | "pair" | "xml" | "flag" | "netrc" | "url" | "define" | "sql" | "positional";
}

/** File types whose unquoted right-hand sides are expressions, not literals. */
export const CODE_EXT =
  /\.(?:m?[jt]sx?|cjs|cts|mts|py|pyw|go|java|kt|kts|rb|php|cs|rs|swift|scala|c|cc|cpp|cxx|h|hpp|m|mm|dart|lua|groovy|gradle|vue|svelte|ex|exs|erl|clj|cljs|fs|vb|pl|pm|r|jl|sol|zig|nim|cr|hs|ml|ps1|psm1)$/i;

const ASSIGN =
  /(?:(?<![\w.$@\-\\]|\$\{)|(?<=\\[nrt]))(?<sigil>\$env:|\$|::?|@)?(?<kq>["'`]?)(?<key>[A-Za-z_][\w.-]{0,100})\k<kq>(?:\s*\]|\[\s*\])?\s*(?<op>:{1,3}=|\?=|\.=|\+=|\|\|=?|=>|={2,3}(?!=)|!==?|=(?![=~>])|:(?![:/\\=])|,(?=\s*[bBrRuUfF@$]?["'`])|[ \t]+(?=["']))[ \t]*/g;

/** Declaration keywords and type names that stand between a variable and its `=`. */
const TYPE_WORDS = new Set([
  "string",
  "str",
  "String",
  "bytes",
  "byte",
  "char",
  "int",
  "var",
  "let",
  "const",
  "val",
  "final",
  "static",
  "readonly",
  "auto",
  "any",
  "object",
  "Object",
  "SecretStr",
  "SecureString",
  "Secret",
  "NSString",
  "text",
  "Text",
  "dynamic",
  "std",
  "CString",
  "ByteArray",
  "Optional",
]);

const DOCKERFILE = /(?:^|\/)(?:Dockerfile|Containerfile)(?:\.[\w.-]+)?$|\.dockerfile$/i;
const NETRC = /(?:^|\/)[._]?netrc$/i;

const MAX_VALUE = 600;
/** More assignments than this on one line is data (a minified bundle, a CSV row), not configuration. */
const MAX_PER_LINE = 64;

/** Read a quoted literal starting after its opening quote; escapes are skipped, not decoded. */
function readQuoted(line: string, from: number, quote: string): { value: string; end: number } | null {
  let i = from;
  // Values are judged up to 500 characters: reading further only costs time on hostile lines.
  const stop = Math.min(line.length, from + MAX_VALUE);
  while (i < stop) {
    const c = line[i];
    if (c === "\\" && quote !== "`") {
      i += 2;
      continue;
    }
    if (c === quote) return { value: line.slice(from, i), end: i + 1 };
    i++;
  }
  return null;
}

/** Read an unquoted value up to a delimiter (whitespace, `;`, `,`, closing brackets, a quote, an escape). */
function readBare(line: string, from: number): string {
  // A shell expansion (`${A:-$B}`, `$(cat f)`) is read to its matching bracket.
  if (line[from] === "$" && (line[from + 1] === "{" || line[from + 1] === "(")) {
    const open = line[from + 1] ?? "";
    const close = open === "{" ? "}" : ")";
    let depth = 0;
    for (let i = from + 1; i < line.length && i - from < 200; i++) {
      if (line[i] === open) depth++;
      else if (line[i] === close && --depth === 0) return line.slice(from, i + 1);
    }
  }
  // A bracketed slot (`{SumoAccessKey}`, `<token>`, `[PASSWORD]`) is read whole.
  const open = line[from] ?? "";
  const close = ({ "{": "}", "[": "]", "<": ">", "(": ")" } as Record<string, string>)[open];
  if (close) {
    const end = line.indexOf(close, from + 1);
    if (end > from && end - from <= 120) return line.slice(from, end + 1);
  }
  let end = from;
  const stop = Math.min(line.length, from + MAX_VALUE);
  while (end < stop) {
    const c = line[end] ?? "";
    if (/[\s;,)}\]"'`\\<]/.test(c)) break;
    // ` #` starts a comment in shell, INI and YAML.
    if (c === "#" && end > from && /\s/.test(line[end - 1] ?? "")) break;
    end++;
  }
  return line.slice(from, end);
}

/** The value right of `from`: a (possibly prefixed) quoted literal, or a bare token. */
function readValue(line: string, from: number): { value: string; index: number; quoted: boolean } {
  // A string inside a string (`"api_key = \\"…\\""` in a notebook's JSON): read to the next escaped quote.
  const escaped = /^\\(["'])/.exec(line.slice(from, from + 2));
  if (escaped?.[1]) {
    const end = line.indexOf(`\\${escaped[1]}`, from + 2);
    if (end > from) return { value: line.slice(from + 2, end), index: from + 2, quoted: true };
  }
  const m = /^(?:[bBrRuUfFL]{1,2}|@|\$|new\s+String\s*\(\s*|SecretStr\s*\(\s*|Secret\s*\(\s*)?(["'`])/.exec(line.slice(from, from + 24));
  if (m?.[1]) {
    const start = from + m[0].length;
    // Triple-quoted strings and heredocs hold documents, not one value.
    if (line.startsWith(m[1].repeat(2), start)) return { value: "", index: start, quoted: true };
    const q = readQuoted(line, start, m[1]);
    return q ? { value: q.value, index: start, quoted: true } : { value: line.slice(start, start + MAX_VALUE), index: start, quoted: true };
  }
  return { value: readBare(line, from), index: from, quoted: false };
}

/** The variable a typed declaration names: `var token string =`, `api_key: str =`, `val key: String =`. */
function declaredName(before: string): string | null {
  // `name: &str =` / `name: &'static str =` (Rust) as well as `name: string =`.
  return /([A-Za-z_$][\w$]*)\s*:?\s*(?:&(?:'static\s+)?)?$/.exec(before)?.[1] ?? null;
}

/** The only line of a YAML block scalar opened on line `i`, when the block is one line long. */
function oneLineBlock(lines: readonly string[], i: number): { value: string; index: number } | null {
  const indent = (l: string) => /^[ \t]*/.exec(l)?.[0].length ?? 0;
  const here = indent(lines[i] ?? "");
  const next = lines[i + 1] ?? "";
  const after = lines[i + 2];
  if (!next.trim() || indent(next) <= here) return null;
  if (after !== undefined && after.trim() && indent(after) > here) return null;
  const value = next.trim();
  return value.length <= MAX_VALUE ? { value, index: indent(next) } : null;
}

/** Within the same string literal as an earlier `"` (a JSON string holding `KEY=value\n...`). */
function insideString(before: string): boolean {
  // Also after other `key=value` pairs of the same string (a libpq conninfo: `"dbname=shop user=app password=…"`).
  return /["'`](?:[\w.-]{1,40}=[^\s"'`;]{0,200}[ \t;]+){0,12}$|\\[nrt]$|[?&]$/.test(before);
}

const VALUE_KEYS = new Set(["value", "default", "defaultvalue", "default_value", "secret_value", "initial_value", "val"]);
/** XML elements that hold the value of a preceding `<key>`/`<name>` (property lists, Hadoop configuration). */
const XML_VALUE_ELEMENTS = new Set([...VALUE_KEYS, "string"]);
const NAME_DECL =
  /\bvariable\s+"(?<a>[^"]{1,100})"|["']?\b(?:name|key|Name|Key|ParameterKey|parameter_name|variable)["']?\s*[:=]\s*["']?(?<b>[A-Za-z_][\w.-]{0,100})|<(?:name|key)>\s*(?<c>[^<\s]{1,100})\s*<\/(?:name|key)>/g;

/** The name a `value:` / `default =` line belongs to: on the same line before it, or on one of the few lines above. */
function pairedName(lines: readonly string[], i: number, keyStart: number): string | null {
  const sameLine = (lines[i] ?? "").slice(0, keyStart);
  let found: string | null = null;
  for (const m of sameLine.matchAll(NAME_DECL)) found = m.groups?.a ?? m.groups?.b ?? m.groups?.c ?? found;
  if (found) return found;
  for (let k = i - 1; k >= Math.max(0, i - 4); k--) {
    const text = lines[k] ?? "";
    for (const m of text.matchAll(NAME_DECL)) found = m.groups?.a ?? m.groups?.b ?? m.groups?.c ?? found;
    if (found) return found;
    if (/\b(?:value|default)\b\s*[:=]/.test(text)) return null;
  }
  return null;
}

/** SQL: `CREATE USER … IDENTIFIED BY '…'`, `ALTER ROLE … PASSWORD '…'` (the latter is read as `key 'value'`). */
const SQL_IDENTIFIED_BY = /\bIDENTIFIED\s+(?:WITH\s+\w+\s+)?BY\s+(?:PASSWORD\s+)?'(?<value>[^']{1,200})'/gi;
const REVERSED_COMPARISON = /(["'])(?<value>[^"'\\]{1,200})\1\s*(?:={2,3}|!==?)\s*(?<key>[A-Za-z_][\w.]{0,80})\b/g;
const XML_ATTR_PAIR =
  /\b(?:key|name|id|property|setting|Key|Name)\s*=\s*["'](?<key>[^"'<>]{1,100})["'][^<>]{0,200}?\b(?:value|Value|defaultValue|default)\s*=\s*(?<q>["'])/g;
const XML_ATTR_TEXT = /<[\w:.-]+\s[^<>]*?\b(?:key|name|Name|Key)\s*=\s*["'](?<key>[^"'<>]{1,100})["'][^<>]*>(?<value>[^<>\s][^<>]{0,300}?)<\//g;
const XML_ELEMENT = /<(?<key>[A-Za-z_][\w.:-]{0,80})(?:\s[^<>]{0,200})?>(?<value>[^<>]{1,400})<\/\k<key>>/g;
const XML_OPEN_ONLY = /^\s*<(?<key>[A-Za-z_][\w.:-]{0,80})(?:\s[^<>]{0,200})?>\s*$/;
const NAME_VALUE_XML = /<(?:name|key)>\s*(?<key>[^<\s]{1,100})\s*<\/(?:name|key)>\s*<(?<tag>value|string)>(?<value>[^<]{1,400})<\/\k<tag>>/g;

const LONG_FLAG = /(?<![\w-])--(?<key>[A-Za-z][\w.-]{1,60})(?:=|[ \t]+)(?!-)(?=\S)/g;
/** A flag and its value as separate quoted arguments: `["--api-key", "…"]` in a compose `command:` or an exec array. */
const QUOTED_FLAG = /(?<![\w-])(["'])(?<key>--?[A-Za-z][\w.-]{1,60})\1\s*,\s*(?=["'])/g;
const MYSQL_P = /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport|mysqlsh)\b[^|;&\n]*?\s-p(?<value>[^\s'"]+|'[^']+'|"[^"]+")/g;
const SHORT_FLAG =
  /\b(?<cmd>sshpass|redis-cli|ldapsearch|ldapadd|ldapmodify|ldapdelete|ldappasswd|htpasswd|smbclient|psexec|wget|rabbitmqctl|(?:docker|podman|buildah|skopeo|nerdctl)\s+login|mongo(?:sh|dump|restore|export|import)?|sqlcmd|bcp)\b[^|;&\n]*?\s-(?<flag>[pawPW])\s+(?<value>'[^']+'|"[^"]+"|[^\s'"-][^\s'"]*)/g;
const USER_FLAG = /\s(?:-u|--(?:proxy-)?user|-U)(?:=|[ \t]+)(?<value>"[^"]*"(?::"[^"]*")?|'[^']*'(?::'[^']*')?|[^\s'":]*:(?:"[^"]*"|'[^']*')|[^\s'"]+)/g;
const DOCKER_ENV = /^\s*(?:ENV|ARG)\s+(?<key>[A-Za-z_][\w.-]{0,80})[ \t]+(?!=)(?<rest>\S.*)$/;
const C_DEFINE = /^\s*#\s*define\s+(?<key>[A-Za-z_]\w{0,80})\s+(?:L|u8|u|U)?"/;
const STR = String.raw`(?:"[^"\n]{0,200}"|'[^'\n]{0,200}')`;
/**
 * Calls whose documented signature puts the password in a fixed position: `NetworkCredential(user, password)`,
 * requests' `auth=(user, password)`, `HTTPBasicAuth`, Java's `PasswordAuthentication`; `mysqli(host, user, password)`,
 * `new PDO(dsn, user, password)`, JDBC `getConnection(url, user, password)`; PowerShell's `ConvertTo-SecureString "…" -AsPlainText`.
 */
const POSITIONAL_PASSWORD = new RegExp(
  String.raw`\b(?:(?:NetworkCredential|HTTPBasicAuth|HTTPDigestAuth|HttpBasicAuth|UsernamePasswordCredentials|PasswordAuthentication|setBasicAuth|basicAuth|basic_auth|auth\s*=\s*)\s*\(\s*${STR}\s*,\s*|(?:mysqli_connect|mysqli|PDO|getConnection|connect)\s*\(\s*${STR}\s*,\s*${STR}\s*,\s*|ConvertTo-SecureString\s+(?:-String\s+)?)(?<q>["'])(?<value>[^"'\n]{1,200})\k<q>`,
  "g",
);
/** A .pgpass line: `host:port:database:user:password`. */
const PGPASS = /^(?:[^:\s#]+):(?:\d+|\*):(?:[^:\s]+):(?:[^:\s]+):(?<value>\S.*)$/;
const PGPASS_FILE = /(?:^|\/)(?:\.pgpass|pgpass\.conf)$/;

const NETRC_PASSWORD = /(?:^|\s)(?<key>password|passwd)\s+(?<value>\S+)/g;
/** scheme://user:password@host — user may be empty (`redis://:pw@host`). */
const URL_USERINFO =
  /\b(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]{1,30}):\/\/(?<user>[^\s:/@'"`<>{}[\]]{0,100}|\{[^\s{}]{1,60}\}|\$\{[^\s{}]{1,60}\}|\{\{[^{}]{1,60}\}\}|\$\([^\s()]{1,60}\))(?::(?<password>[^\s@/'"`<>]{1,200}))@(?=[^\s@/'"`<>]*[A-Za-z0-9\]])/g;

/** An HTTP header carrying a credential, in a curl flag, an .http file, a code string or a YAML map. */
const AUTH_HEADER =
  /(?<![\w-])(?<key>(?:Proxy-)?Authorization|X-[\w-]{0,40}(?:Key|Token|Secret|Auth)[\w-]{0,20}|Api-?Key|Private-Token|Auth-Token|Access-Token)["']?\s*:\s*["']?(?<value>(?:(?:Basic|Bearer|Token|Api-Token|Digest|Key|SSWS|token|bearer|basic)\s+)?(?:<[^<>]{1,80}>|\{[^{}]{1,80}\}|[^\s"'\\]+))/gi;

/** The line continues (`\` at the end of the ones before it) a curl command started a few lines up. */
function continuesCurl(lines: readonly string[], i: number): boolean {
  for (let k = i - 1; k >= Math.max(0, i - 12); k--) {
    const text = lines[k] ?? "";
    if (!/\\\s*$/.test(text)) return false;
    if (/\bcurl\b/.test(text)) return true;
  }
  return false;
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

export interface LineContext {
  path: string;
  /** The file's added lines, in order, with `lines[i]` the one being read. */
  lines: readonly string[];
  i: number;
  /** Whether `lines[i + 1]` is the next line of the file (not the start of another hunk). */
  nextIsAdjacent: boolean;
}

interface FileTraits {
  code: boolean;
  dockerfile: boolean;
  netrc: boolean;
}
const TRAITS = new Map<string, FileTraits>();

function traitsOf(path: string): FileTraits {
  let t = TRAITS.get(path);
  if (!t) {
    if (TRAITS.size > 1000) TRAITS.clear();
    t = { code: CODE_EXT.test(path), dockerfile: DOCKERFILE.test(path), netrc: NETRC.test(path) };
    TRAITS.set(path, t);
  }
  return t;
}

export function findAssignments(ctx: LineContext): Assignment[] {
  const line = ctx.lines[ctx.i] ?? "";
  if (line.length > 4000) return [];
  const out: Assignment[] = [];
  const traits = traitsOf(ctx.path);
  const code = traits.code;
  // One reading per value: a specific syntax (a flag, a URL, an XML pair) replaces the plain `key: value` reading of the same text.
  const push = (a: Assignment) => {
    const same = out.findIndex((o) => o.index === a.index && o.lineOffset === a.lineOffset);
    if (same < 0) out.push(a);
    else if ((out[same]?.syntax === "assign" && a.syntax !== "assign") || (out[same]?.syntax === "pair" && a.syntax === "positional")) out[same] = a;
  };

  // key = value, key: value, key := value, "key", "value" ...
  let seen = 0;
  for (const m of line.matchAll(ASSIGN)) {
    if (++seen > MAX_PER_LINE) break;
    const g = m.groups ?? {};
    const keyStart = (m.index ?? 0) + (g.sigil?.length ?? 0) + (g.kq?.length ?? 0);
    let key = g.key ?? "";
    const op = g.op ?? "";
    // `"KEY", "value"` only as the first two arguments of a call.
    if (op === ",") {
      if (!g.kq || !/(?:^|[({])\s*$/.test(line.slice(0, m.index ?? 0))) continue;
    }
    if (op === ":" && g.sigil === "::") continue;
    let from = (m.index ?? 0) + m[0].length;
    // YAML's core tags say how to read the value that follows (`!!binary <base64>`, `!!str 0123`); they are not the value.
    const tag = /^!!(?:str|binary)[ \t]+/.exec(line.slice(from, from + 12));
    if (tag) from += tag[0].length;
    const v = readValue(line, from);
    if (TYPE_WORDS.has(key)) key = declaredName(line.slice(0, m.index ?? 0)) ?? key;
    if (VALUE_KEYS.has(key.toLowerCase())) {
      const named = pairedName(ctx.lines, ctx.i, keyStart);
      if (named) key = named;
    }
    // A comparison with a literal (`if password == "…"`) hard-codes the credential it checks.
    if (/^(?:={2,3}|!==?)$/.test(op) && !v.quoted) continue;
    // `key "value"` (nginx, Chef, Caddy): only with the quote right after the blanks.
    if (/^[ \t]+$/.test(op) && !v.quoted) continue;
    if (!v.quoted) {
      // An unquoted right-hand side in code is an expression, unless we are inside a string literal.
      if (code && !insideString(line.slice(0, m.index ?? 0))) continue;
      // A YAML block scalar of one line (`password: >-` with the value indented below it) holds that line; longer ones hold documents.
      if (/^[|>][-+]?$/.test(v.value) && ctx.nextIsAdjacent) {
        const block = oneLineBlock(ctx.lines, ctx.i);
        if (block) push({ key, value: block.value, index: block.index, quoted: true, lineOffset: 1, syntax: "assign" });
      }
      // YAML/INI block scalars and empty values.
      if (v.value === "" || /^[|>][-+]?$/.test(v.value)) continue;
    }
    push({ key, value: v.value, index: v.index, quoted: v.quoted, lineOffset: 0, syntax: op === "," ? "pair" : "assign" });
  }

  if (/identified/i.test(line)) {
    for (const m of line.matchAll(SQL_IDENTIFIED_BY)) {
      const value = m.groups?.value ?? "";
      push({ key: "password", value, index: (m.index ?? 0) + m[0].length - value.length - 1, quoted: true, lineOffset: 0, syntax: "sql" });
    }
  }

  // "literal" == password
  if (/[=!]==?/.test(line)) {
    for (const m of line.matchAll(REVERSED_COMPARISON)) {
      const value = m.groups?.value ?? "";
      push({ key: m.groups?.key ?? "", value, index: (m.index ?? 0) + 1, quoted: true, lineOffset: 0, syntax: "assign" });
    }
  }

  if (line.includes("<")) {
    for (const m of line.matchAll(XML_ATTR_PAIR)) {
      const from = (m.index ?? 0) + m[0].length;
      const q = readQuoted(line, from, m.groups?.q ?? '"');
      if (q) push({ key: m.groups?.key ?? "", value: q.value, index: from, quoted: true, lineOffset: 0, syntax: "xml" });
    }
    for (const m of line.matchAll(XML_ATTR_TEXT)) {
      const value = (m.groups?.value ?? "").trim();
      push({ key: m.groups?.key ?? "", value, index: (m.index ?? 0) + m[0].lastIndexOf(value), quoted: true, lineOffset: 0, syntax: "xml" });
    }
    for (const m of line.matchAll(NAME_VALUE_XML)) {
      const value = (m.groups?.value ?? "").trim();
      push({ key: m.groups?.key ?? "", value, index: (m.index ?? 0) + m[0].lastIndexOf(value), quoted: true, lineOffset: 0, syntax: "xml" });
    }
    for (const m of line.matchAll(XML_ELEMENT)) {
      let key = m.groups?.key ?? "";
      if (XML_VALUE_ELEMENTS.has(key.toLowerCase())) key = pairedName(ctx.lines, ctx.i, m.index ?? 0) ?? key;
      const value = (m.groups?.value ?? "").trim();
      if (!value || /\s/.test(value)) continue;
      push({ key, value, index: (m.index ?? 0) + m[0].lastIndexOf(value), quoted: true, lineOffset: 0, syntax: "xml" });
    }
    // <datadogToken>
    //     value
    // </datadogToken>
    const open = XML_OPEN_ONLY.exec(line);
    if (open?.groups?.key && ctx.nextIsAdjacent) {
      const next = ctx.lines[ctx.i + 1] ?? "";
      const value = next.trim();
      const closes =
        new RegExp(`^\\s*</${open.groups.key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}>`).test(ctx.lines[ctx.i + 2] ?? "") ||
        next.includes(`</${open.groups.key}>`);
      const bare = value.replace(new RegExp(`</${open.groups.key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}>\\s*$`), "").trim();
      if (closes && bare && !/[\s<>]/.test(bare))
        push({ key: open.groups.key, value: bare, index: next.indexOf(bare), quoted: true, lineOffset: 1, syntax: "xml" });
    }
  }

  if (line.includes("-")) {
    if (line.includes("--"))
      for (const m of line.matchAll(LONG_FLAG)) {
        const from = (m.index ?? 0) + m[0].length;
        const v = readValue(line, from);
        if (v.value && !v.value.startsWith("-"))
          push({ key: `--${m.groups?.key ?? ""}`, value: v.value, index: v.index, quoted: v.quoted, lineOffset: 0, syntax: "flag" });
      }
    if (/["']-/.test(line))
      for (const m of line.matchAll(QUOTED_FLAG)) {
        const from = (m.index ?? 0) + m[0].length;
        const v = readValue(line, from);
        if (v.value && !v.value.startsWith("-"))
          push({ key: m.groups?.key ?? "", value: v.value, index: v.index, quoted: v.quoted, lineOffset: 0, syntax: "flag" });
      }
    if (/mysql|maria/.test(line))
      for (const m of line.matchAll(MYSQL_P)) {
        const raw = m.groups?.value ?? "";
        const value = unquote(raw);
        push({
          key: "password",
          value,
          index: (m.index ?? 0) + m[0].length - raw.length + (raw === value ? 0 : 1),
          quoted: raw !== value,
          lineOffset: 0,
          syntax: "flag",
        });
      }
    if (/sshpass|redis-cli|ldap|htpasswd|smbclient|psexec|wget|rabbitmqctl|login|mongo|sqlcmd|bcp/.test(line))
      for (const m of line.matchAll(SHORT_FLAG)) {
        const raw = m.groups?.value ?? "";
        const value = unquote(raw);
        push({
          key: "password",
          value,
          index: (m.index ?? 0) + m[0].length - raw.length + (raw === value ? 0 : 1),
          quoted: raw !== value,
          lineOffset: 0,
          syntax: "flag",
        });
      }
    if (/\s(?:-u|--(?:proxy-)?user|-U)[\s=]/.test(line) && (/\bcurl\b|\bwget\b|\bhttp\b|--(?:proxy-)?user\b/.test(line) || continuesCurl(ctx.lines, ctx.i))) {
      for (const m of line.matchAll(USER_FLAG)) {
        const raw = m.groups?.value ?? "";
        if (/^["']?[<[{]/.test(raw) && /[>\]}]["']?$/.test(raw)) continue;
        // user:password, with either half quoted.
        const parts = /^(?:"(?<a>[^"]*)"|'(?<b>[^']*)'|(?<c>[^:'"]*))(?::(?:"(?<d>[^"]*)"|'(?<e>[^']*)'|(?<f>.*)))?$/.exec(raw)?.groups ?? {};
        let user = parts.a ?? parts.b ?? parts.c ?? "";
        let password = parts.d ?? parts.e ?? parts.f;
        if (password === undefined && user.includes(":")) [user, password] = [user.slice(0, user.indexOf(":")), user.slice(user.indexOf(":") + 1)];
        if (!password) {
          // `-u "KEY:"`: an API key sent as the user name with an empty password (Stripe, Mailgun, Basic-auth APIs).
          if (password === "" && user.length >= 10)
            push({ key: "api_key", value: user, index: (m.index ?? 0) + m[0].indexOf(user), quoted: true, lineOffset: 0, syntax: "flag" });
          continue;
        }
        const index = (m.index ?? 0) + m[0].length - raw.length + Math.max(0, raw.lastIndexOf(password));
        push({ key: `user:${user}`, value: password, index, quoted: false, lineOffset: 0, syntax: "flag" });
      }
    }
  }

  if (/authorization|-(?:key|token|secret|auth)\b|apikey|api-key/i.test(line)) {
    for (const m of line.matchAll(AUTH_HEADER)) {
      const value = m.groups?.value ?? "";
      const index = (m.index ?? 0) + m[0].length - value.length;
      // In code the header must be text (`"Authorization: Bearer …"`, `{"X-Api-Key": "…"}`), not `apiKey: settings.apiKey`.
      if (code && !/["'`]/.test(line.slice(Math.max(0, (m.index ?? 0) - 1), index))) continue;
      if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) continue;
      out.splice(0, out.length, ...out.filter((o) => !(o.lineOffset === 0 && o.index >= index && o.index < index + value.length)));
      push({ key: `header:${m.groups?.key ?? ""}`, value, index, quoted: true, lineOffset: 0, syntax: "assign" });
    }
  }

  if (traits.dockerfile) {
    const m = DOCKER_ENV.exec(line);
    if (m?.groups?.key && m.groups.rest && !m.groups.rest.includes("=")) {
      const from = line.length - m.groups.rest.length;
      const v = readValue(line, from);
      push({ key: m.groups.key, value: v.quoted ? v.value : m.groups.rest.trim(), index: v.index, quoted: v.quoted, lineOffset: 0, syntax: "assign" });
    }
  }

  const define = line.includes("#") ? C_DEFINE.exec(line) : null;
  if (define?.groups?.key) {
    const from = line.indexOf('"', line.indexOf(define.groups.key) + define.groups.key.length);
    const q = readQuoted(line, from + 1, '"');
    if (q) push({ key: define.groups.key, value: q.value, index: from + 1, quoted: true, lineOffset: 0, syntax: "define" });
  }

  if (traits.netrc || (line.includes("machine") && /\bmachine\s+\S+.*\b(?:login|password)\b/.test(line))) {
    for (const m of line.matchAll(NETRC_PASSWORD)) {
      const value = m.groups?.value ?? "";
      push({ key: "password", value, index: (m.index ?? 0) + m[0].length - value.length, quoted: false, lineOffset: 0, syntax: "netrc" });
    }
  }

  if (/credential|auth|connect|pdo|mysqli|securestring/i.test(line)) {
    for (const m of line.matchAll(POSITIONAL_PASSWORD)) {
      if (/ConvertTo-SecureString/i.test(m[0]) && !/-AsPlainText/i.test(line)) continue;
      const value = m.groups?.value ?? "";
      push({ key: "password", value, index: (m.index ?? 0) + m[0].length - value.length - 1, quoted: true, lineOffset: 0, syntax: "positional" });
    }
  }

  if (PGPASS_FILE.test(ctx.path)) {
    const value = PGPASS.exec(line)?.groups?.value ?? "";
    if (value) push({ key: "password", value, index: line.length - value.length, quoted: false, lineOffset: 0, syntax: "positional" });
  }

  if (line.includes("://")) {
    for (const m of line.matchAll(URL_USERINFO)) {
      const password = m.groups?.password ?? "";
      const user = m.groups?.user ?? "";
      const at = (m.index ?? 0) + m[0].length - 1;
      // The host name only: prose may follow it without a space (`https://u:p@example.comは…`).
      const host = /^(?:\[[0-9A-Fa-f:.]+\]|[\w.-]+)(?::\d+)?/.exec(line.slice(at + 1))?.[0] ?? "";
      push({
        // `url:<scheme>:<user>@<host>`; the user name holds no `@` unless it is a template, so the last `@` splits.
        key: `url:${m.groups?.scheme?.toLowerCase() ?? ""}:${user}@${host}`,
        value: password,
        index: at - password.length,
        quoted: false,
        lineOffset: 0,
        syntax: "url",
      });
    }
  }
  return out;
}

/**
 * Deterministic secret scan of the lines a diff adds. Four sources of hits, one context layer:
 *
 * 1. self-identifying vendor formats (secret-rules.ts: `ghp_…`, `xoxb-…`, PEM blocks, JWTs…),
 * 2. vendor keys without a prefix, recognised by the key they are assigned to and their exact shape
 *    (secret-keyed-rules.ts: `DATADOG_API_KEY=<32 hex>`, `heroku_api_key: <uuid>`),
 * 3. secretlint's recommended preset,
 * 4. the generic rule: passwords, secrets and tokens named as such (scan-generic-secrets.ts), URL
 *    user-info, Authorization headers,
 *
 * where 2 and 4 read the assignments of secret-assignments.ts (every syntax, including name/value
 * pairs split over lines), and every hit goes through secret-context.ts (references, templates,
 * ciphertext, placeholders, vendor examples). Multi-line and encoded forms: PEM bodies, base64-
 * wrapped service-account JSON, Kubernetes Secret `data:` values.
 *
 * Runs on every review, with or without a model, and before the app pushes its own commits. A
 * finding never carries the secret: only `maskSecret`'s prefix and length.
 */
import { lintSource } from "@secretlint/core";
import { creator as recommendedPreset } from "@secretlint/secretlint-rule-preset-recommend";
import { maskSecret } from "../shared/redact.js";
import { fingerprintOf } from "./fingerprint.js";
import { addedLines, parseUnifiedDiff, type AddedLine, type DiffFile } from "./parse-diff.js";
import { isPrintable, judgeGeneric, judgeUrlCredential, keyWords } from "./scan-generic-secrets.js";
import { findAssignments, type Assignment } from "./secret-assignments.js";
import {
  isEncrypted,
  isExplicitPlaceholder,
  isPlaceholderBody,
  isReference,
  isTemplate,
  isVendorExample,
  lineSaysEncrypted,
  lineSaysFake,
  shannonEntropy,
} from "./secret-context.js";
import { keyedRulesFor, type KeyedRule } from "./secret-keyed-rules.js";
import { PEM_RULE_ID, PPK_RULE_ID, SECRET_RULES, type SecretRule } from "./secret-rules.js";
import type { Finding, Severity } from "./types.js";

export interface SecretScanOptions {
  /** Run secretlint's preset as well as our rules (default true). */
  secretlint?: boolean;
  /** Our provider rules and the generic rule (default true). */
  ownRules?: boolean;
}

interface RawHit {
  line: number;
  start: number;
  value: string;
  ruleId: string;
  title: string;
  severity: Severity;
  /** Lower wins when two hits overlap: vendor formats, keyed vendor rules, secretlint, generic. */
  priority: number;
  publishable?: boolean;
  /** In a credential's format but filler-shaped (see `providerTier`): reported at low severity as a likely placeholder. */
  placeholder?: boolean;
}

const SECRETLINT_TITLES: Record<string, [string, Severity]> = {
  aws: ["AWS credential", "critical"],
  github: ["GitHub token", "critical"],
  gcp: ["Google Cloud credential", "critical"],
  privatekey: ["Private key", "critical"],
  slack: ["Slack token", "critical"],
  npm: ["npm token", "critical"],
  openai: ["OpenAI API key", "critical"],
  anthropic: ["Anthropic API key", "critical"],
  sendgrid: ["SendGrid API key", "critical"],
  basicauth: ["Password in a URL", "high"],
  "database-connection-string": ["Database connection string with a password", "critical"],
  "hashicorp-vault": ["HashiCorp Vault token", "critical"],
};

function secretlintTitle(ruleId: string): [string, Severity] {
  const short = ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
  return SECRETLINT_TITLES[short] ?? [`${short.replace(/-/g, " ")} credential`, "high"];
}

/** A key name that says its value is made up (`fakeToken`, `EXAMPLE_KEY`, `mock_secret`). */
function keySaysFake(key: string): boolean {
  return keyWords(key).some((w) => ["fake", "dummy", "example", "examples", "sample", "placeholder", "mock", "mocked", "bogus"].includes(w));
}

type Tier = "real" | "placeholder";

/**
 * A vendor prefix declares a credential, so the prefix's owner decides what a filler-shaped value
 * under it is: a placeholder worth a low-severity note. Not for publishable keys (not secrets at all)
 * nor for prefixes common outside the vendor (`0x`, `key-`), nor for rules without a prefix.
 */
function declaresCredential(rule: Pick<SecretRule, "prefix" | "publishable" | "genericPrefix">): boolean {
  return rule.prefix !== undefined && !rule.publishable && !rule.genericPrefix;
}

/** Filler under a vendor prefix, in the vendor's exact format: what the placeholder tier reports. */
function isFillerInFormat(value: string, rule: Pick<SecretRule, "prefix" | "publishable" | "genericPrefix" | "exact">): boolean {
  if (!declaresCredential(rule) || (rule.exact && !rule.exact.test(value))) return false;
  return isPlaceholderBody(rule.prefix ? value.replace(rule.prefix, "") : value);
}

/**
 * The context layer for a self-identifying token. null: not a value at all (a vendor's published
 * example, a template, a reference, ciphertext, a slot to fill in, a key named fake), never reported. "placeholder":
 * the vendor's format with a made-up random part (filler characters, an example word), reported at
 * low severity when the rule's prefix declares a credential, else dropped.
 */
function providerTier(
  value: string,
  rule: Pick<SecretRule, "id" | "prefix" | "structured" | "publishable" | "genericPrefix" | "exact">,
  lineText: string,
  lowEntropy = false,
): Tier | null {
  if (isVendorExample(value, rule.id)) return null;
  const body = rule.prefix ? value.replace(rule.prefix, "") : value;
  if (isTemplate(body) || isReference(body) || isEncrypted(body) || isExplicitPlaceholder(body)) return null;
  // A key named fake, dummy or example (`FAKE_GITHUB_TOKEN = …`): test data by its author's word.
  if (lineSaysFake(lineText)) return null;
  const filler = lowEntropy || (!rule.structured && isPlaceholderBody(body));
  if (!filler) return "real";
  return declaresCredential(rule) && (!rule.exact || rule.exact.test(value)) ? "placeholder" : null;
}

/** A PEM header only counts when key material follows it (on the line, or on the next added lines). */
function pemHasBody(lines: readonly AddedLine[], index: number, afterColumn: number): boolean {
  const rest = (lines[index]?.text ?? "").slice(afterColumn).replace(/\\n/g, "\n");
  const body = /[A-Za-z0-9+/=]{40,}/.exec(rest)?.[0];
  if (body) return !isPlaceholderBody(body);
  for (let k = index + 1; k <= index + 3 && k < lines.length; k++) {
    const l = lines[k];
    if (!l || l.line !== (lines[index]?.line ?? 0) + (k - index)) break;
    const m = /[A-Za-z0-9+/]{40,}/.exec(l.text)?.[0];
    if (m) return !isPlaceholderBody(m);
  }
  return false;
}

/** All rule keywords in one pass over the lower-cased line, instead of one `includes` per keyword per rule. */
const KEYWORD_RULES = new Map<string, number[]>();
/** Rules without keywords run on every line (their pattern is its own prefilter). */
const ALWAYS: number[] = [];
SECRET_RULES.forEach((rule, i) => {
  if (rule.keywords.length === 0) ALWAYS.push(i);
  for (const k of rule.keywords) KEYWORD_RULES.set(k, [...(KEYWORD_RULES.get(k) ?? []), i]);
});
/** A keyword matching at a position implies every shorter keyword that is its prefix matches there too. */
for (const [k, rules] of [...KEYWORD_RULES]) {
  const implied = [...KEYWORD_RULES.keys()].filter((other) => other !== k && k.startsWith(other)).flatMap((other) => KEYWORD_RULES.get(other) ?? []);
  KEYWORD_RULES.set(k, [...new Set([...rules, ...implied])]);
}
const KEYWORDS = new RegExp(
  [...KEYWORD_RULES.keys()]
    .sort((a, b) => b.length - a.length)
    .map((k) => k.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&"))
    .join("|"),
  "g",
);

/** Rules whose keyword the line contains, in catalogue order. */
function rulesForLine(lower: string): SecretRule[] {
  const picked = new Set<number>(ALWAYS);
  for (let i = 0; i < lower.length;) {
    KEYWORDS.lastIndex = i;
    const m = KEYWORDS.exec(lower);
    if (!m) break;
    for (const r of KEYWORD_RULES.get(m[0]) ?? []) picked.add(r);
    // Keywords may overlap (`xoxe` in `xoxe.xoxp-`): resume one character later.
    i = m.index + 1;
  }
  return [...picked].sort((a, b) => a - b).map((i) => SECRET_RULES[i] as SecretRule);
}

/** A vendor-format value a rule looked at and judged a look-alike: the generic rule must not report it under another name. */
interface Span {
  line: number;
  start: number;
  end: number;
}

function prefixRuleHits(path: string, lines: readonly AddedLine[], index: number, lower: string, judged: Span[]): RawHit[] {
  const l = lines[index];
  if (!l) return [];
  const hits: RawHit[] = [];
  for (const rule of rulesForLine(lower)) {
    for (const m of l.text.matchAll(rule.pattern)) {
      const value = m[1] ?? m[0];
      const start = (m.index ?? 0) + m[0].indexOf(value);
      let tier: Tier | null = "real";
      if (rule.id === PEM_RULE_ID) {
        if (!pemHasBody(lines, index, start + value.length)) continue;
      } else if (rule.id === PPK_RULE_ID) {
        if (!pemHasBody(lines, index, l.text.length) || !lines.slice(Math.max(0, index - 40), index).some((p) => p.text.startsWith("PuTTY-User-Key-File-")))
          continue;
      } else {
        const lowEntropy = rule.entropy !== undefined && shannonEntropy(value) < rule.entropy;
        if (lowEntropy && !declaresCredential(rule)) continue;
        // A rule's own check (mixed case, a digit somewhere) fails on filler too: that is still the placeholder tier.
        if (rule.validate && !rule.validate(value, l.text, path) && !isFillerInFormat(value, rule)) continue;
        tier = providerTier(value, rule, l.text, lowEntropy);
        if (tier !== "real") judged.push({ line: l.line, start, end: start + value.length });
        if (tier === null) continue;
      }
      hits.push({
        line: l.line,
        start,
        value,
        ruleId: rule.id,
        title: rule.title,
        severity: tier === "placeholder" ? "low" : rule.severity,
        priority: 0,
        ...(rule.publishable ? { publishable: true } : {}),
        ...(tier === "placeholder" ? { placeholder: true } : {}),
      });
    }
  }
  return hits;
}

const NOT_A_SECRET_KEY_END = new Set([
  "id",
  "ids",
  "name",
  "url",
  "uri",
  "host",
  "hostname",
  "endpoint",
  "region",
  "user",
  "username",
  "email",
  "version",
  "path",
  "file",
  "dir",
  "domain",
  "bucket",
  "channel",
  "org",
  "organization",
  "project",
  "workspace",
  "team",
  "port",
  "env",
  "hash",
  "checksum",
  "digest",
]);

/** The first keyed vendor rule that accepts this assignment; "look-alike" when one recognises the shape but not a credential. */
function keyedMatch(a: Assignment, lineText: string, previous: string): KeyedRule | "look-alike" | null {
  const rules = keyedRulesFor(a.key);
  if (rules.length === 0) return null;
  const value = a.value.trim();
  if (keySaysFake(a.key) || isReference(value) || isTemplate(value) || isEncrypted(value) || lineSaysEncrypted(lineText, previous)) return "look-alike";
  const lastWord = keyWords(a.key).at(-1) ?? "";
  for (const rule of rules) {
    if (!rule.value.test(value)) continue;
    if (NOT_A_SECRET_KEY_END.has(lastWord)) continue;
    if (rule.entropy && shannonEntropy(value) < rule.entropy) continue;
    const body = rule.fixed ? value.replace(rule.fixed, "") : value;
    if (isPlaceholderBody(body) || isVendorExample(value, rule.id)) return "look-alike";
    return rule;
  }
  return null;
}

function assignmentHits(path: string, lines: readonly AddedLine[], texts: readonly string[], index: number, judged: readonly Span[]): RawHit[] {
  const l = lines[index];
  if (!l) return [];
  const next = lines[index + 1];
  const found = findAssignments({ path, lines: texts, i: index, nextIsAdjacent: next !== undefined && next.line === l.line + 1 });
  const hits: RawHit[] = [];
  for (const a of found) {
    const target = lines[index + a.lineOffset];
    if (!target || !a.value) continue;
    const keyed = keyedMatch(a, target.text, texts[index - 1] ?? "");
    if (keyed === "look-alike") continue;
    if (keyed) {
      hits.push({
        line: target.line,
        start: a.index,
        value: a.value,
        ruleId: keyed.id,
        title: keyed.title,
        severity: keyed.severity,
        priority: 1,
        ...(keyed.publishable ? { publishable: true } : {}),
      });
      continue;
    }
    // A URL's key is its scheme, user and host: judgeUrlCredential weighs an example host itself (as a placeholder).
    if ((a.syntax !== "url" && keySaysFake(a.key)) || lineSaysEncrypted(target.text, texts[index - 1] ?? "")) continue;
    if (judged.some((j) => j.line === target.line && j.start < a.index + a.value.length && a.index < j.end)) continue;
    const verdict = judgeGeneric(a, path, target.text);
    if (verdict)
      hits.push({
        line: target.line,
        start: a.index,
        value: a.value,
        ruleId: verdict.ruleId,
        title: verdict.title,
        severity: verdict.placeholder ? "low" : "high",
        priority: 3,
        ...(verdict.placeholder ? { placeholder: true } : {}),
      });
  }
  return hits;
}

/** Base64 that wraps a whole service-account key file (a common way to put one in an env var or a CI secret file). */
const B64_JSON = /(?<![A-Za-z0-9+/])(ew[A-Za-z0-9+/]{300,}={0,2}|eyJ[A-Za-z0-9+/]{300,}={0,2})(?![A-Za-z0-9+/=])/g;

/** Base64 of a PEM block (kubeconfig `client-key-data`, a key in a CI variable): `LS0tLS1CRUdJTi` is `-----BEGIN `. */
const B64_PEM = /(?<![A-Za-z0-9+/])(LS0tLS1CRUdJTi[A-Za-z0-9+/]{100,}={0,2})(?![A-Za-z0-9+/=])/g;

function encodedKeyHits(lines: readonly AddedLine[], index: number): RawHit[] {
  const l = lines[index];
  if (!l) return [];
  const hits: RawHit[] = [];
  if (l.text.includes("LS0tLS1CRUdJTi")) {
    for (const m of l.text.matchAll(B64_PEM)) {
      const b64 = m[1] ?? "";
      const pem = Buffer.from(b64, "base64").toString("utf8");
      const body = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----\s*(?:[\w-]+:[^\n]*\n)*\s*([A-Za-z0-9+/=\s]{40,})/.exec(pem)?.[1];
      if (!body || isPlaceholderBody(body.replace(/\s/g, ""))) continue;
      hits.push({
        line: l.line,
        start: m.index ?? 0,
        value: b64,
        ruleId: "private-key-base64",
        title: "Private key (base64-encoded PEM)",
        severity: "critical",
        priority: 0,
      });
    }
  }
  if (!(l.text.includes("ew") || l.text.includes("eyJ"))) return hits;
  for (const m of l.text.matchAll(B64_JSON)) {
    const b64 = m[1] ?? "";
    const json = Buffer.from(b64, "base64").toString("utf8");
    if (!/"private_key"\s*:\s*"-----BEGIN[ A-Z]*PRIVATE KEY-----\\n[A-Za-z0-9+/=]{40,}/.test(json)) continue;
    hits.push({
      line: l.line,
      start: m.index ?? 0,
      value: b64,
      ruleId: "gcp-service-account-key-base64",
      title: "Google Cloud service account key (base64-encoded)",
      severity: "critical",
      priority: 0,
    });
  }
  return hits;
}

/** `data:` values of a Kubernetes Secret are base64 of the secret: decode and judge them by their key. `decoded` gets the lines handled here. */
function kubernetesSecretHits(path: string, lines: readonly AddedLine[], texts: readonly string[], decoded: Set<number>): RawHit[] {
  if (!/\.ya?ml$/i.test(path) || !texts.some((t) => /^\s*kind:\s*["']?Secret["']?\s*$/.test(t))) return [];
  const hits: RawHit[] = [];
  let inData = false;
  let indent = -1;
  texts.forEach((text, i) => {
    if (/^---/.test(text)) inData = false;
    const data = /^(\s*)data:\s*$/.exec(text);
    if (data) {
      inData = true;
      indent = data[1]?.length ?? 0;
      return;
    }
    if (!inData) return;
    const m = /^(\s*)([\w.-]+):\s*["']?([A-Za-z0-9+/]{8,}={0,2})["']?\s*$/.exec(text);
    if (!m || (m[1]?.length ?? 0) <= indent) {
      if (text.trim() && /^\s*/.exec(text)?.[0].length === indent) inData = false;
      return;
    }
    decoded.add(i);
    const plain = Buffer.from(m[3] ?? "", "base64").toString("utf8");
    if (!plain || !isPrintable(plain.trim())) return;
    const verdict = judgeGeneric(
      { key: m[2] ?? "", value: plain.trim(), index: text.indexOf(m[3] ?? ""), quoted: true, lineOffset: 0, syntax: "assign" },
      path,
      plain,
    );
    const l = lines[i];
    if (verdict && l)
      hits.push({
        line: l.line,
        start: text.indexOf(m[3] ?? ""),
        value: m[3] ?? "",
        ruleId: "kubernetes-secret-data",
        title: `${verdict.title} (base64 in a Kubernetes Secret)`,
        severity: "high",
        priority: 2,
      });
  });
  return hits;
}

function ownRuleHits(path: string, lines: readonly AddedLine[]): RawHit[] {
  const texts = lines.map((l) => l.text);
  const hits: RawHit[] = [];
  // Vendor formats first, for every line: their look-alike verdicts bind the generic rule, also for a value read from the next line.
  const judged: Span[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = texts[i] ?? "";
    if (text.length <= 20_000) hits.push(...prefixRuleHits(path, lines, i, text.toLowerCase(), judged));
  }
  const decoded = new Set<number>();
  hits.push(...kubernetesSecretHits(path, lines, texts, decoded));
  for (let i = 0; i < lines.length; i++) {
    if ((texts[i] ?? "").length > 20_000) continue;
    if (!decoded.has(i)) hits.push(...assignmentHits(path, lines, texts, i, judged));
    hits.push(...encodedKeyHits(lines, i));
  }
  return hits;
}

const URL_RULES = /basicauth$|database-connection-string$/;
/** secretlint rules our own rules supersede: its Slack pattern also matches file names (`xoxo-party-1.jpg`). */
const SUPERSEDED = /secretlint-rule-slack$/;

async function secretlintHits(path: string, lines: readonly AddedLine[]): Promise<RawHit[]> {
  if (lines.length === 0) return [];
  const content = lines.map((l) => l.text).join("\n");
  const dot = path.lastIndexOf(".");
  const result = await lintSource({
    source: { content, filePath: path, ext: dot >= 0 ? path.slice(dot) : "", contentType: "text" },
    options: { config: { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommendedPreset }] }, noPhysicFilePath: true },
  });
  const hits: RawHit[] = [];
  for (const msg of result.messages) {
    let lineIndex = msg.loc.start.line - 1;
    let start = msg.loc.start.column;
    let value = content.slice(msg.range[0], msg.range[1]);
    if (value.includes("\n")) {
      // A whole document matched (a service-account JSON): point at the line holding the key.
      const spanned = value.split("\n");
      const pick = (re: RegExp) => spanned.findIndex((t) => re.test(t));
      const k = Math.max(0, [pick(/-----BEGIN/), pick(/private_key"|secret|password|token/i)].find((i) => i >= 0) ?? 0);
      lineIndex += k;
      const text = lines[lineIndex]?.text ?? "";
      start = Math.max(0, text.search(/-----BEGIN|private_key|secret|password|token/i));
      value = text.slice(start);
    }
    const added = lines[lineIndex];
    if (!added || SUPERSEDED.test(msg.ruleId)) continue;
    let placeholder = false;
    if (URL_RULES.test(msg.ruleId)) {
      // The same judgement as the URL user-info the assignment reader finds (secretlint's match may stop before the host).
      const m = /:\/\/([^:/@\s]*):([^@\s]*)@((?:\[[0-9A-Fa-f:.]+\]|[\w.-]+)(?::\d+)?)?/.exec(added.text.slice(start));
      const tier = m ? judgeUrlCredential(m[3] ?? "", m[1] ?? "", m[2] ?? "", added.text) : null;
      if (!tier) continue;
      placeholder = tier === "placeholder";
    } else if (/privatekey$/.test(msg.ruleId)) {
      if (!pemHasBody(lines, lineIndex, start + value.indexOf("-----", 5))) continue;
      // Our own vendor rules give the placeholder tier to filler under a vendor prefix; secretlint's hits stand only when real.
    } else if (providerTier(value, { id: msg.ruleId }, added.text) !== "real") continue;
    const [title, ruleSeverity] = secretlintTitle(msg.ruleId);
    hits.push({
      line: added.line,
      start,
      value,
      ruleId: msg.ruleId.replace(/^@secretlint\/secretlint-rule-/, "secretlint/"),
      title,
      severity: placeholder ? "low" : ruleSeverity,
      priority: 2,
      ...(placeholder ? { placeholder: true } : {}),
    });
  }
  return hits;
}

/** Keep one hit per secret: overlapping hits on a line collapse to the most specific rule, a real-tier verdict before a placeholder one. */
function dedupe(hits: RawHit[]): RawHit[] {
  const sorted = [...hits].sort(
    (a, b) => a.line - b.line || Number(a.placeholder ?? false) - Number(b.placeholder ?? false) || a.priority - b.priority || a.start - b.start,
  );
  const kept: RawHit[] = [];
  for (const h of sorted) {
    const overlaps = kept.some((k) => k.line === h.line && h.start < k.start + Math.max(k.value.length, 1) && k.start < h.start + Math.max(h.value.length, 1));
    if (!overlaps) kept.push(h);
  }
  return kept;
}

function toFinding(path: string, hit: RawHit, lineText: string): Finding {
  const masked = maskSecret(hit.value);
  const maskedLine = lineText.split(hit.value).join(masked).trim().replace(/\s+/g, " ");
  const explanation = hit.placeholder
    ? `This line adds a value in the format of a ${hit.title} (\`${masked}\`), but it looks like a placeholder or a documentation ` +
      `example (filler characters, an example word or a documentation host), so it is reported at low severity. If it is a real ` +
      `credential, revoke or rotate it and load it from a secret store; if it is an example, an obvious slot such as ` +
      `\`<YOUR_TOKEN>\` keeps scanners quiet.`
    : hit.publishable
      ? `This line adds a ${hit.title} (\`${masked}\`). The vendor means keys like this for client-side code, so it is not a secret, ` +
        `but anyone can use it on your account: check that it is restricted (allowed origins, scopes, test mode) and is the key you ` +
        `meant to ship.`
      : `This line adds what looks like a ${hit.title.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())} (\`${masked}\`). Anyone who can read the repository, its forks or ` +
        `its history can use it. Revoke or rotate it now (deleting it from the branch does not un-leak it), then load it from a ` +
        `secret store or an environment variable instead.`;
  return {
    path,
    line: hit.line,
    side: "RIGHT",
    severity: hit.severity,
    cwe: "CWE-798",
    title: hit.placeholder ? `${hit.title} committed (looks like a placeholder)` : `${hit.title} committed`,
    explanation,
    source: "secrets",
    ruleId: hit.ruleId,
    ...(hit.placeholder ? { placeholder: true } : {}),
    // The masked line, never the secret: a short password could be brute-forced from a plain hash.
    fingerprint: fingerprintOf(["secrets", path, hit.ruleId, maskedLine]),
  };
}

/** Scan one file's added lines. */
export async function scanLinesForSecrets(path: string, lines: readonly AddedLine[], options: SecretScanOptions = {}): Promise<Finding[]> {
  const hits: RawHit[] = [];
  if (options.ownRules !== false) hits.push(...ownRuleHits(path, lines));
  if (options.secretlint !== false) hits.push(...(await secretlintHits(path, lines)));
  const byLine = new Map(lines.map((l) => [l.line, l.text]));
  return dedupe(hits).map((h) => toFinding(path, h, byLine.get(h.line) ?? ""));
}

/**
 * Secrets in the lines a diff adds, with exact RIGHT-side line numbers. Accepts `git diff` text or
 * parsed files. Used by the security review and by the pre-push check on the agent's own commits.
 */
export async function scanDiffForSecrets(diff: string | readonly DiffFile[], options: SecretScanOptions = {}): Promise<Finding[]> {
  const files = typeof diff === "string" ? parseUnifiedDiff(diff) : diff;
  const out: Finding[] = [];
  for (const file of files) {
    if (file.binary || file.status === "removed") continue;
    out.push(...(await scanLinesForSecrets(file.path, addedLines(file), options)));
  }
  return out;
}

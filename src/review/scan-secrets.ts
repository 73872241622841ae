/**
 * Deterministic secret scan of the lines a diff adds: secretlint's recommended preset, our own
 * provider rules (secret-rules.ts) and the generic key/entropy rule, with look-alike filters on
 * top. Runs on every review, with or without a model, and before the app pushes its own commits.
 * A finding never carries the secret: only `maskSecret`'s prefix and length.
 */
import { lintSource } from "@secretlint/core";
import { creator as recommendedPreset } from "@secretlint/secretlint-rule-preset-recommend";
import { maskSecret } from "../shared/redact.js";
import { fingerprintOf } from "./fingerprint.js";
import { addedLines, parseUnifiedDiff, type AddedLine, type DiffFile } from "./parse-diff.js";
import { scanGenericLine } from "./scan-generic-secrets.js";
import { isPlaceholder, isReference, isWeakDefault, lineSaysFake } from "./secret-filters.js";
import { PEM_RULE_ID, SECRET_RULES } from "./secret-rules.js";
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
  /** Lower wins when two hits overlap: provider rules, then secretlint, then generic. */
  priority: number;
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
  basicauth: ["Basic auth credentials in a URL", "high"],
  "database-connection-string": ["Database connection string with a password", "critical"],
  "hashicorp-vault": ["HashiCorp Vault token", "critical"],
};

function secretlintTitle(ruleId: string): [string, Severity] {
  const short = ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
  return SECRETLINT_TITLES[short] ?? [`${short.replace(/-/g, " ")} credential`, "high"];
}

function isLookAlike(value: string, lineText: string, ruleId: string): boolean {
  // The format prefix of a provider token is not a placeholder word ("sk_test_" is Stripe's).
  const body = ruleId === "stripe-test-key" ? value.replace(/^(sk|rk)_test_/, "") : value;
  if (isPlaceholder(body) || isReference(body) || lineSaysFake(lineText)) return true;
  if (ruleId === "database-url-password" || ruleId === "url-basic-auth" || ruleId.endsWith("basicauth") || ruleId.endsWith("database-connection-string")) {
    const password = /:\/\/[^:/@\s]*:([^@\s]*)@/.exec(value)?.[1] ?? value;
    if (isWeakDefault(password) || isReference(password) || isPlaceholder(password, true)) return true;
  }
  return false;
}

/** A PEM header only counts when key material follows it (on the line, or on the next added lines). */
function pemHasBody(lines: readonly AddedLine[], index: number, afterColumn: number): boolean {
  const rest = (lines[index]?.text ?? "").slice(afterColumn);
  if (/[A-Za-z0-9+/=]{40,}/.test(rest.replace(/\\n/g, "\n"))) return true;
  for (let k = index + 1; k <= index + 3 && k < lines.length; k++) {
    const l = lines[k];
    if (!l || l.line !== (lines[index]?.line ?? 0) + (k - index)) break;
    if (/[A-Za-z0-9+/]{40,}/.test(l.text)) return true;
  }
  return false;
}

function ownRuleHits(path: string, lines: readonly AddedLine[]): RawHit[] {
  const hits: RawHit[] = [];
  lines.forEach((l, index) => {
    for (const rule of SECRET_RULES) {
      if (!rule.needles.some((n) => l.text.includes(n))) continue;
      for (const m of l.text.matchAll(rule.pattern)) {
        const value = m[1] ?? m[0];
        const start = (m.index ?? 0) + m[0].indexOf(value);
        if (rule.id === PEM_RULE_ID ? !pemHasBody(lines, index, start + value.length) : isLookAlike(value, l.text, rule.id)) continue;
        hits.push({ line: l.line, start, value, ruleId: rule.id, title: rule.title, severity: rule.severity, priority: rule.id === "url-basic-auth" ? 1 : 0 });
      }
    }
    for (const g of scanGenericLine(path, l.text)) {
      const title = g.kind === "password" ? "Hard-coded password" : "Hard-coded secret (high-entropy value)";
      hits.push({ line: l.line, start: g.index, value: g.value, ruleId: g.kind === "password" ? "generic-password" : "generic-high-entropy", title, severity: "high", priority: 2 });
    }
  });
  return hits;
}

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
    if (!added) continue;
    if (isLookAlike(value, added.text, msg.ruleId)) continue;
    const [title, severity] = secretlintTitle(msg.ruleId);
    hits.push({ line: added.line, start, value, ruleId: msg.ruleId.replace(/^@secretlint\/secretlint-rule-/, "secretlint/"), title, severity, priority: 1 });
  }
  return hits;
}

/** Keep one hit per secret: overlapping hits on a line collapse to the most specific rule. */
function dedupe(hits: RawHit[]): RawHit[] {
  const sorted = [...hits].sort((a, b) => a.line - b.line || a.priority - b.priority || a.start - b.start);
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
  return {
    path,
    line: hit.line,
    side: "RIGHT",
    severity: hit.severity,
    cwe: "CWE-798",
    title: `${hit.title} committed`,
    explanation:
      `This line adds what looks like a ${hit.title.toLowerCase()} (\`${masked}\`). Anyone who can read the repository, its forks or ` +
      `its history can use it. Revoke or rotate it now (deleting it from the branch does not un-leak it), then load it from a ` +
      `secret store or an environment variable instead.`,
    source: "secrets",
    ruleId: hit.ruleId,
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

/**
 * Review findings as a SARIF 2.1.0 log, the format GitHub code scanning and most CI dashboards
 * ingest. Pure: findings in, JSON text out. Severity maps to SARIF `level` and to GitHub's
 * `security-severity` property (a CVSS-like score that code scanning buckets the same way).
 */
import type { Finding, ReviewResult, Severity, UnanchoredFinding } from "../review/types.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { critical: "error", high: "error", medium: "warning", low: "note" };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: "error" | "warning" | "note" };
  properties: { tags: string[]; "security-severity": string };
}

function ruleIdOf(f: Finding | UnanchoredFinding): string {
  return f.ruleId ?? (f.source === "model" ? f.cwe : f.source);
}

function cweNumber(cwe: string): string | undefined {
  return /^CWE-(\d+)$/i.exec(cwe.trim())?.[1];
}

function toUri(p: string): string {
  // SARIF wants a relative URI reference: forward slashes, percent-encoded where needed.
  return p.replace(/\\/g, "/").split("/").map(encodeURIComponent).join("/");
}

export interface SarifOptions {
  toolVersion: string;
  informationUri?: string;
}

/** A SARIF 2.1.0 log (as a plain object) for one review. Unanchored findings keep their file but no region. */
export function buildSarifLog(review: Pick<ReviewResult, "findings" | "unanchored">, options: SarifOptions): Record<string, unknown> {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const all: (Finding | UnanchoredFinding)[] = [...review.findings, ...review.unanchored];
  const results = all.map((f) => {
    const id = ruleIdOf(f);
    let index = ruleIndex.get(id);
    if (index === undefined) {
      const n = cweNumber(f.cwe);
      index = rules.length;
      ruleIndex.set(id, index);
      rules.push({
        id,
        name: id,
        shortDescription: { text: f.source === "model" ? `${f.cwe}: ${f.title}` : f.title },
        ...(n ? { helpUri: `https://cwe.mitre.org/data/definitions/${n}.html` } : {}),
        defaultConfiguration: { level: LEVEL[f.severity] },
        properties: { tags: ["security", ...(n ? [`external/cwe/cwe-${n}`] : [])], "security-severity": SECURITY_SEVERITY[f.severity] },
      });
    }
    const text = [`${f.title} (${f.severity}, ${f.cwe})`, f.explanation, f.suggestedFix ? `Suggested fix:\n${f.suggestedFix}` : undefined]
      .filter(Boolean)
      .join("\n\n");
    const region = f.line !== undefined ? { region: { startLine: f.startLine ?? f.line, endLine: f.line } } : {};
    return {
      ruleId: id,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text },
      locations: [{ physicalLocation: { artifactLocation: { uri: toUri(f.path), uriBaseId: "%SRCROOT%" }, ...region } }],
      partialFingerprints: { "issueAgent/v1": f.fingerprint },
      properties: { severity: f.severity, source: f.source, cwe: f.cwe, ...("reason" in f ? { unanchored: f.reason } : {}) },
    };
  });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "issue-agent",
            version: options.toolVersion,
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules,
          },
        },
        results,
      },
    ],
  };
}

export function formatSarif(review: Pick<ReviewResult, "findings" | "unanchored">, options: SarifOptions): string {
  return `${JSON.stringify(buildSarifLog(review, options), null, 2)}\n`;
}

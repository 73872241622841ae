/**
 * Review findings as a SARIF 2.1.0 log, the format GitHub code scanning and most CI dashboards
 * ingest. Pure: findings in, JSON text out. What it guarantees (checked in tests with the official
 * 2.1.0 schema and with Microsoft's SARIF validator, its GitHub and Azure DevOps rules included):
 *
 * - every region is valid: a start line only when 1 <= start <= end, no region at all for a
 *   finding without a usable line;
 * - one rule per kind of finding (a CWE for the model review, a pattern for the secret scan...)
 *   with a human name, short and full descriptions, help as text and markdown, a help URI, tags
 *   (`security`, `CWE-n`, `external/cwe/cwe-n`), a precision, and a `security-severity` that
 *   belongs to the rule (its CWE's typical severity), never to whichever finding came first;
 *   a result whose own severity differs carries its own `security-severity`;
 * - `automationDetails.id` is stable for a PR or a branch, so re-running the review replaces the
 *   previous analysis; `versionControlProvenance` names the repository and commit reviewed;
 * - the tool's version is the package's (package.json), not a literal.
 */
import { CWE_INFO, NO_CWE, cweNumber, cweUrl } from "./cwe.js";
import type { Finding, ReviewResult, Severity, UnanchoredFinding } from "./types.js";
import { packageInfo } from "../shared/package-info.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

type Level = "error" | "warning" | "note";
type Precision = "very-high" | "high" | "medium" | "low";

const LEVEL: Record<Severity, Level> = { critical: "error", high: "error", medium: "warning", low: "note" };
/** GitHub buckets security-severity as critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

/** The part of a SARIF log this module writes, typed so the tests can read it back. */
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; precision: Precision; "security-severity": string };
}

export interface SarifOptions {
  /** `runs[0].automationDetails.id`: make it with `sarifAutomationId`. */
  automationId: string;
  /** The repository and commit reviewed; left out when unknown (a checkout without a remote). */
  versionControl?: { repositoryUri: string; revisionId?: string; branch?: string };
  /** Overrides package.json (tests). */
  tool?: { version: string; informationUri: string };
}

/**
 * `issue-agent/security-review/pr-42` or `issue-agent/security-review/branch-feature-x`: the same
 * for every run on one PR or branch. GitHub takes the part up to the last "/" as the analysis
 * category, the same for all of them, so a PR's analysis is compared with its base branch's, and
 * a new upload for the same ref replaces the previous one.
 */
export function sarifAutomationId(scope: { pr: number } | { branch: string }): string {
  const last = "pr" in scope ? `pr-${scope.pr}` : `branch-${scope.branch.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "detached"}`;
  return `issue-agent/security-review/${last}`;
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

function cweTags(cwe: string): string[] {
  const n = cweNumber(cwe);
  return n === undefined ? [] : [`CWE-${n}`, `external/cwe/cwe-${n}`];
}

function period(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

interface RuleSpec {
  id: string;
  name: string;
  short: string;
  full: string;
  help: string;
  helpUri: string;
  tags: string[];
  precision: Precision;
  severity: Severity;
}

function modelRule(f: Finding | UnanchoredFinding, homepage: string): RuleSpec {
  const n = cweNumber(f.cwe);
  if (n === undefined) {
    return {
      id: "model/no-cwe",
      name: "UnclassifiedSecurityFinding",
      short: "Security finding without a CWE",
      full: "The model review reported a security problem in the change that it did not classify with a CWE.",
      help: "Each result explains the problem found in the change, how it can be exploited and how to fix it. The finding has no CWE because the reviewer did not name one; judge it by its explanation.",
      helpUri: homepage,
      tags: ["security"],
      precision: "medium",
      severity: "medium",
    };
  }
  const info = CWE_INFO[n];
  const title = info?.title ?? `CWE-${n}`;
  return {
    id: `CWE-${n}`,
    name: info?.name ?? `Cwe${n}Weakness`,
    short: info ? `${info.title} (CWE-${n})` : `Weakness CWE-${n}`,
    full: `The model review found code in the change that matches CWE-${n}${info ? ` (${info.title})` : ""}.`,
    help: `CWE-${n}: ${title}. Each result explains the case found in the change, how it can be exploited and how to fix it. MITRE's entry describes the weakness and its usual mitigations: ${cweUrl(n)}.`,
    helpUri: cweUrl(n),
    tags: ["security", ...cweTags(f.cwe)],
    precision: "medium",
    severity: info?.severity ?? "medium",
  };
}

/** Severities of the deterministic rules are fixed per rule id; osv's vary per advisory (the result says). */
function ruleSpec(f: Finding | UnanchoredFinding, homepage: string): RuleSpec {
  if (f.source === "model") return modelRule(f, homepage);
  if (f.source === "secrets") {
    const id = f.ruleId ?? "secrets";
    const generic = id.startsWith("generic-");
    // A rule of its own, so that its low default level never stands for the real findings of the same format.
    if (f.placeholder)
      return {
        id: `${id}/placeholder`,
        name: `Placeholder${pascal(id.replace(/^secretlint\//, ""))}`,
        short: f.title,
        full: `The change adds a value in the format of the '${id}' pattern that looks made up (filler characters, an example word or a documentation host).`,
        help: "If it is a real credential, revoke or rotate it and load it from a secret store. If it is an example, an obvious slot such as <YOUR_TOKEN> keeps scanners quiet.",
        helpUri: cweUrl(798),
        tags: ["security", "secret", ...cweTags(f.cwe)],
        precision: "low",
        severity: f.severity,
      };
    return {
      id,
      name: `Committed${pascal(id.replace(/^secretlint\//, ""))}${generic ? "" : "Credential"}`,
      short: f.title,
      full: `The change adds a credential matching the '${id}' pattern. Anyone who can read the repository, its forks or its history can use it.`,
      help: "Revoke or rotate the credential now: removing it from the branch does not un-leak it. Then load it from a secret store or an environment variable instead of the source.",
      helpUri: cweUrl(798),
      tags: ["security", "secret", ...cweTags(f.cwe)],
      precision: generic ? "medium" : "high",
      severity: f.severity,
    };
  }
  if (f.source === "hidden-text") {
    const id = f.ruleId ?? "hidden-text";
    return {
      id,
      name: pascal(id.replace(/^hidden-/, "hidden-text-")),
      short: f.title,
      full: "The change adds characters that are invisible or reorder how text is displayed, so what a reviewer sees differs from what compilers, tools and language models read.",
      help: "Remove the characters, or write them as escapes (\\u...) where they are intended.",
      helpUri: cweUrl(451),
      tags: ["security", ...cweTags(f.cwe)],
      precision: "very-high",
      severity: f.severity,
    };
  }
  if (f.source === "dependencies") {
    return {
      id: f.ruleId ?? "osv",
      name: "VulnerableDependency",
      short: "Dependency with a known vulnerability",
      full: "The change adds a package version that the OSV database lists as vulnerable.",
      help: "Upgrade to a version the advisory lists as fixed; each result names the advisories and the fixed versions. Where no fix is published, replace the package or mitigate the vulnerable use.",
      helpUri: "https://osv.dev/",
      tags: ["security", "dependency", "CWE-1395", "external/cwe/cwe-1395"],
      precision: "very-high",
      severity: "high",
    };
  }
  const id = f.ruleId ?? f.source;
  return {
    id,
    name: pascal(id),
    short: f.title,
    full: period(f.title),
    help: period(f.title),
    helpUri: homepage,
    tags: ["security", ...cweTags(f.cwe)],
    precision: "medium",
    severity: f.severity,
  };
}

function toRule(spec: RuleSpec): SarifRule {
  const help = period(spec.help);
  return {
    id: spec.id,
    name: spec.name === spec.id ? `${spec.name}Rule` : spec.name,
    shortDescription: { text: period(spec.short) },
    fullDescription: { text: period(spec.full) },
    help: { text: help, markdown: `**${spec.short}**\n\n${help.replace(/(https:\/\/\S+?)(\.?)$/, "[$1]($1)$2")}` },
    helpUri: spec.helpUri,
    defaultConfiguration: { level: LEVEL[spec.severity] },
    properties: { tags: spec.tags, precision: spec.precision, "security-severity": SECURITY_SEVERITY[spec.severity] },
  };
}

function toUri(p: string): string {
  // SARIF wants a relative URI reference: forward slashes, percent-encoded where needed.
  return p
    .replace(/\\/g, "/")
    .replace(/^\.?\/+/, "")
    .split("/")
    .map(encodeURIComponent)
    .join("/");
}

const positive = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1;

/** A region only for a usable line; a start line only when it opens a real range up to that line. */
function regionOf(f: Finding | UnanchoredFinding): { startLine: number; endLine: number } | undefined {
  if (!positive(f.line)) return undefined;
  const start = positive(f.startLine) && f.startLine <= f.line ? f.startLine : f.line;
  return { startLine: start, endLine: f.line };
}

function messageOf(f: Finding | UnanchoredFinding): string {
  const label = f.cwe === NO_CWE ? "no CWE" : f.cwe;
  const parts = [period(`${f.title} (${f.severity}, ${label})`), period(f.explanation)];
  if (f.suggestedFix) parts.push(`Suggested fix:\n${f.suggestedFix.replace(/\s+$/, "")}`);
  if ("reason" in f) parts.push(period(`Not commented inline: ${f.reason}`));
  return parts.join("\n\n");
}

/** A SARIF 2.1.0 log (as a plain object) for one review. */
export function buildSarifLog(review: Pick<ReviewResult, "findings" | "unanchored">, options: SarifOptions): Record<string, unknown> {
  const pkg = packageInfo();
  const tool = options.tool ?? { version: pkg.version, informationUri: pkg.homepage };
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const all: (Finding | UnanchoredFinding)[] = [...review.findings, ...review.unanchored];
  const results = all.map((f) => {
    const spec = ruleSpec(f, tool.informationUri);
    let index = ruleIndex.get(spec.id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(spec.id, index);
      rules.push(toRule(spec));
    }
    const rule = rules[index]!;
    const region = regionOf(f);
    const ownSeverity = SECURITY_SEVERITY[f.severity];
    return {
      ruleId: spec.id,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: messageOf(f) },
      locations: [{ physicalLocation: { artifactLocation: { uri: toUri(f.path), uriBaseId: "%SRCROOT%" }, ...(region ? { region } : {}) } }],
      partialFingerprints: { "issueAgent/v1": f.fingerprint },
      properties: {
        severity: f.severity,
        source: f.source,
        cwe: f.cwe,
        ...(ownSeverity !== rule.properties["security-severity"] ? { "security-severity": ownSeverity } : {}),
        ...("reason" in f ? { unanchored: f.reason } : {}),
      },
    };
  });
  const vc = options.versionControl;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "issue-agent",
            fullName: `issue-agent security review ${tool.version}`,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules,
          },
        },
        automationDetails: { id: options.automationId },
        ...(vc
          ? {
              versionControlProvenance: [
                {
                  repositoryUri: vc.repositoryUri,
                  ...(vc.revisionId ? { revisionId: vc.revisionId } : {}),
                  ...(vc.branch ? { branch: vc.branch } : {}),
                  mappedTo: { uriBaseId: "%SRCROOT%" },
                },
              ],
            }
          : {}),
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}

export function formatSarif(review: Pick<ReviewResult, "findings" | "unanchored">, options: SarifOptions): string {
  return `${JSON.stringify(buildSarifLog(review, options), null, 2)}\n`;
}

/**
 * An https URI for a git remote, without credentials or `.git`: `git@github.com:o/r.git`,
 * `ssh://git@host/o/r`, `https://user:token@host/o/r.git` all give `https://host/o/r`. Undefined for
 * a local path or anything else that names no web repository.
 */
export function repositoryUriOf(remoteUrl: string | null | undefined): string | undefined {
  if (!remoteUrl) return undefined;
  const trimmed = remoteUrl.trim();
  const scp = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+\.[A-Za-z]{2,}):(?!\/\/)([^\s]+)$/.exec(trimmed);
  let host: string;
  let pathname: string;
  if (scp) {
    host = scp[1]!;
    pathname = `/${scp[2]!}`;
  } else {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (!["https:", "http:", "ssh:", "git:", "git+ssh:", "ssh+git:"].includes(url.protocol) || !url.hostname) return undefined;
    host = url.hostname;
    pathname = url.pathname;
  }
  const clean = pathname.replace(/\/+$/, "").replace(/\.git$/, "");
  if (!/^\/[^/]/.test(clean)) return undefined;
  return `https://${host}${clean}`;
}

/** SARIF options for a local checkout (the CLI): stable id per branch, provenance when origin is a web repository. */
export function sarifOptionsForCheckout(head: { commit: string | null; branch: string | null; remoteUrl: string | null }): SarifOptions {
  const repositoryUri = repositoryUriOf(head.remoteUrl);
  return {
    automationId: sarifAutomationId({ branch: head.branch ?? "detached" }),
    ...(repositoryUri
      ? { versionControl: { repositoryUri, ...(head.commit ? { revisionId: head.commit } : {}), ...(head.branch ? { branch: head.branch } : {}) } }
      : {}),
  };
}

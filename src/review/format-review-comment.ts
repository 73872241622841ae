/**
 * Inline comment bodies. Model and diff text is untrusted: the explanation is rebuilt by
 * formatOutbound (secrets redacted, no external images or raw HTML, no @mentions), one-line fields
 * are escaped as literal text; suggestions are fenced with a fence longer than any backtick run
 * inside them so they cannot break out. The badge line, footer and marker are the app's.
 */
import { fenceFor, formatOutbound, outboundText } from "../shared/format-outbound.js";
import { redactSecrets } from "../shared/redact.js";
import { renderFindingMarker } from "./review-markers.js";
import type { Finding, Severity, UnanchoredFinding } from "./types.js";

const BADGE: Record<Severity, string> = { critical: "🛑 Critical", high: "🔴 High", medium: "🟠 Medium", low: "🟡 Low" };

export function severityBadge(s: Severity): string {
  return BADGE[s];
}

export function cweLink(cwe: string): string {
  const n = /^CWE-(\d+)$/i.exec(cwe.trim())?.[1];
  return n ? `[CWE-${n}](https://cwe.mitre.org/data/definitions/${n}.html)` : outboundText(oneLine(cwe, 40));
}

export function oneLine(text: string, max = 140): string {
  const s = text.replace(/\s+/g, " ").trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function formatFindingTitle(f: Finding | UnanchoredFinding): string {
  return `**${severityBadge(f.severity)} · ${cweLink(f.cwe)} · ${outboundText(oneLine(f.title))}**`;
}

export function formatFindingComment(f: Finding, headSha: string): string {
  const parts = [formatFindingTitle(f), "", formatOutbound(f.explanation, { maxChars: 6_000 })];
  if (f.suggestedFix !== undefined) {
    const fix = redactSecrets(f.suggestedFix.replace(/\r\n?/g, "\n").replace(/\n$/, ""));
    const fence = fenceFor(fix);
    parts.push("", `${fence}suggestion`, fix, fence);
  }
  parts.push("", `<sub>issue-agent security review (${f.source}) · reply \`/agent fix\` in this thread to have it fixed</sub>`);
  const marker: Parameters<typeof renderFindingMarker>[0] = {
    fp: f.fingerprint,
    severity: f.severity,
    cwe: f.cwe,
    path: f.path,
    line: f.line,
    title: oneLine(f.title),
    source: f.source,
    sha: headSha,
  };
  if (f.startLine !== undefined) marker.startLine = f.startLine;
  return `${parts.join("\n")}\n${renderFindingMarker(marker)}`;
}

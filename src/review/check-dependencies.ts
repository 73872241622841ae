/**
 * Known vulnerabilities in the package versions a PR adds, from OSV (api.osv.dev): one querybatch
 * for all versions, then the details of each vulnerability found (summary, severity, fixed
 * versions). OSV being down or slow must not fail the review: it degrades to a note.
 */
import { z } from "zod";
import { fingerprintOf } from "./fingerprint.js";
import type { AddedPackage } from "./lockfile-packages.js";
import { SEVERITY_ORDER, type Finding, type Severity } from "./types.js";

export interface OsvOptions {
  /** OSV_API_URL; default https://api.osv.dev. */
  baseUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Vulnerability details fetched at most (the rest are listed by id only). */
  maxDetails?: number;
  signal?: AbortSignal;
}

export interface DependencyCheckResult {
  findings: Finding[];
  notes: string[];
}

const batchSchema = z.object({
  results: z.array(z.object({ vulns: z.array(z.object({ id: z.string() })).optional() }).loose()),
});

const vulnSchema = z
  .object({
    id: z.string(),
    summary: z.string().optional(),
    aliases: z.array(z.string()).optional(),
    database_specific: z
      .object({ severity: z.string().optional(), cwe_ids: z.array(z.string()).optional() })
      .loose()
      .optional(),
    affected: z
      .array(
        z
          .object({
            package: z.object({ name: z.string(), ecosystem: z.string() }).loose().optional(),
            ranges: z.array(z.object({ events: z.array(z.record(z.string(), z.string())) }).loose()).optional(),
            database_specific: z.object({ severity: z.string().optional() }).loose().optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

export type OsvVuln = z.infer<typeof vulnSchema>;

const BATCH_LIMIT = 1000;

async function postJson(url: string, body: unknown, options: OsvOptions): Promise<unknown> {
  return getJson(url, options, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
}

async function getJson(url: string, options: OsvOptions, init: RequestInit = {}): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const res = await doFetch(url, { ...init, signal });
  if (!res.ok) throw new Error(`OSV answered HTTP ${res.status}`);
  return res.json();
}

function severityOf(v: OsvVuln): Severity {
  const raw = (v.database_specific?.severity ?? v.affected?.find((a) => a.database_specific?.severity)?.database_specific?.severity ?? "").toUpperCase();
  if (raw === "CRITICAL") return "critical";
  if (raw === "HIGH") return "high";
  if (raw === "LOW") return "low";
  return "medium"; // MODERATE, or no rating published
}

export function fixedVersionsOf(v: OsvVuln, pkg: { name: string; ecosystem: string }): string[] {
  const fixed = new Set<string>();
  for (const a of v.affected ?? []) {
    if (a.package && (a.package.name !== pkg.name || a.package.ecosystem !== pkg.ecosystem)) continue;
    for (const r of a.ranges ?? []) for (const e of r.events) if (e.fixed) fixed.add(e.fixed);
  }
  return [...fixed];
}

function vulnLabel(v: OsvVuln): string {
  const cve = (v.aliases ?? []).find((a) => a.startsWith("CVE-"));
  return cve && cve !== v.id ? `${v.id} (${cve})` : v.id;
}

function toFinding(pkg: AddedPackage, vulns: OsvVuln[]): Finding {
  const severity = vulns.map(severityOf).reduce<Severity>((a, b) => (SEVERITY_ORDER.indexOf(b) > SEVERITY_ORDER.indexOf(a) ? b : a), "low");
  const fixed = [...new Set(vulns.flatMap((v) => fixedVersionsOf(v, pkg)))];
  const cwe = vulns.flatMap((v) => v.database_specific?.cwe_ids ?? [])[0] ?? "CWE-1395";
  const lines = vulns.map((v) => {
    const f = fixedVersionsOf(v, pkg);
    return `- [${vulnLabel(v)}](https://osv.dev/vulnerability/${encodeURIComponent(v.id)}) (${severityOf(v)}): ${v.summary ?? "no summary published"}${f.length ? `; fixed in ${f.join(", ")}` : "; no fixed version published"}`;
  });
  return {
    path: pkg.path,
    line: pkg.line,
    side: "RIGHT",
    severity,
    cwe,
    title: `${pkg.name} ${pkg.version} has ${vulns.length === 1 ? "a known vulnerability" : `${vulns.length} known vulnerabilities`}`,
    explanation: `This change adds ${pkg.ecosystem} package \`${pkg.name}@${pkg.version}\`, which OSV lists as vulnerable:\n${lines.join("\n")}\n\n${fixed.length ? `Upgrade to ${fixed.join(" or ")} or later.` : "No fixed version is published yet: consider an alternative or a mitigation."}`,
    source: "dependencies",
    ruleId: "osv",
    fingerprint: fingerprintOf(["dependencies", pkg.path, pkg.ecosystem, pkg.name, pkg.version]),
  };
}

/** The querybatch request body OSV expects. */
export function buildOsvQuery(packages: readonly AddedPackage[]): { queries: { package: { name: string; ecosystem: string }; version: string }[] } {
  return { queries: packages.map((p) => ({ package: { name: p.name, ecosystem: p.ecosystem }, version: p.version })) };
}

export async function checkDependencies(packages: readonly AddedPackage[], options: OsvOptions = {}): Promise<DependencyCheckResult> {
  if (packages.length === 0) return { findings: [], notes: [] };
  const base = (options.baseUrl ?? "https://api.osv.dev").replace(/\/+$/, "");
  const notes: string[] = [];
  const checked = packages.slice(0, BATCH_LIMIT);
  if (packages.length > BATCH_LIMIT) notes.push(`Dependency check: only the first ${BATCH_LIMIT} of ${packages.length} added package versions were checked.`);
  let idsByPackage: string[][];
  try {
    const parsed = batchSchema.parse(await postJson(`${base}/v1/querybatch`, buildOsvQuery(checked), options));
    idsByPackage = checked.map((_p, i) => (parsed.results[i]?.vulns ?? []).map((v) => v.id));
  } catch (error) {
    return {
      findings: [],
      notes: [
        `Dependency check skipped: OSV could not be reached (${error instanceof Error ? error.message : "error"}); ${checked.length} added package version(s) were not checked.`,
      ],
    };
  }
  const ids = [...new Set(idsByPackage.flat())];
  const maxDetails = options.maxDetails ?? 60;
  const details = new Map<string, OsvVuln>();
  let failedDetails = 0;
  const queue = ids.slice(0, maxDetails);
  await Promise.all(
    Array.from({ length: Math.min(6, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          details.set(id, vulnSchema.parse(await getJson(`${base}/v1/vulns/${encodeURIComponent(id)}`, options)));
        } catch {
          failedDetails++; // listed by id only; counted in a note below
        }
      }
    }),
  );
  if (failedDetails > 0 || ids.length > maxDetails)
    notes.push(
      `Dependency check: details of ${failedDetails + Math.max(0, ids.length - maxDetails)} vulnerability record(s) could not be fetched; they are listed by id only.`,
    );
  const findings: Finding[] = [];
  checked.forEach((pkg, i) => {
    const vulnIds = idsByPackage[i] ?? [];
    if (vulnIds.length > 0)
      findings.push(
        toFinding(
          pkg,
          vulnIds.map((id) => details.get(id) ?? { id }),
        ),
      );
  });
  return { findings, notes };
}

/**
 * One security review of a diff, with no GitHub in sight: deterministic checks (secrets, hidden
 * text, dependencies) on every run, the model review when a reviewer is given, anchoring, the
 * severity floor, and the coverage statement that keeps "no findings" honest.
 */
import { anchorFindings, type CandidateFinding } from "./anchor-findings.js";
import type { ModelReviewer } from "./agent-reviewer.js";
import { checkDependencies, type OsvOptions } from "./check-dependencies.js";
import { createClassifier } from "./classify-path.js";
import { findAddedPackages } from "./lockfile-packages.js";
import { addedLines, parseUnifiedDiff, type DiffFile } from "./parse-diff.js";
import { buildModelPrompt } from "./review-prompt.js";
import { scanDiffForHiddenText } from "./scan-hidden-text.js";
import { scanDiffForSecrets } from "./scan-secrets.js";
import { atLeast, severityRank, type Coverage, type Finding, type ReviewResult, type Severity, type SkippedFile, type UnanchoredFinding } from "./types.js";

export interface ReviewDiffInput {
  diff: string | readonly DiffFile[];
  config: { secretScan: boolean; modelReview: boolean; ignorePaths: readonly string[]; minSeverity: Severity };
  /** OSV settings, or false to skip the dependency check. */
  osv?: OsvOptions | false;
  /** The model half; undefined runs the deterministic checks only. */
  reviewer?: ModelReviewer;
  /** Why there is no reviewer, for the coverage note ("no model configured"). */
  noReviewerReason?: string;
  /** Character budget of the diff shown to the model (default 160,000, about 40k tokens). */
  maxModelChars?: number;
  /** Extra context for the model (PR title; already sanitized). */
  context?: string;
  signal?: AbortSignal;
}

export interface ReviewDiffResult extends ReviewResult {
  /** Characters of diff text sent to the model (0 without one). */
  modelPromptChars: number;
  /** What the model review spent, for the spend caps and metrics (absent without a model run). */
  modelCostUsd?: number;
  modelTokens?: { input: number; output: number };
}

export const DEFAULT_MODEL_CHARS = 160_000;

function sortFindings<T extends { severity: Severity; path: string; line?: number }>(list: T[]): T[] {
  return list.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.path.localeCompare(b.path) || (a.line ?? 0) - (b.line ?? 0));
}

function uniqueByFingerprint<T extends { fingerprint: string }>(list: T[], seen: Set<string>): T[] {
  return list.filter((f) => (seen.has(f.fingerprint) ? false : (seen.add(f.fingerprint), true)));
}

export async function reviewDiff(input: ReviewDiffInput): Promise<ReviewDiffResult> {
  const files = typeof input.diff === "string" ? parseUnifiedDiff(input.diff) : [...input.diff];
  const classify = createClassifier({ ignorePaths: input.config.ignorePaths });
  const notes: string[] = [];
  const skipped: SkippedFile[] = [];
  const reviewable: DiffFile[] = [];
  for (const f of files) {
    if (f.status === "removed") continue;
    const reason = f.binary ? "binary" : f.tooLarge ? "size-cap" : classify(f.path);
    if (reason) skipped.push({ path: f.path, reason });
    else reviewable.push(f);
  }
  const textFiles = files.filter((f) => !f.binary && f.status !== "removed");

  // Deterministic layer: every text file, including vendored and generated ones (a leaked key there is still leaked).
  const deterministic: Finding[] = [];
  if (input.config.secretScan) deterministic.push(...(await scanDiffForSecrets(textFiles)));
  deterministic.push(...scanDiffForHiddenText(textFiles));
  if (input.osv !== false) {
    const deps = await checkDependencies(findAddedPackages(textFiles), { ...(input.osv ?? {}), ...(input.signal ? { signal: input.signal } : {}) });
    deterministic.push(...deps.findings);
    notes.push(...deps.notes);
  }

  // Model layer.
  const coverage: Coverage = { filesReviewed: 0, linesReviewed: 0, skipped, modelTruncated: false, modelReviewed: false };
  let candidates: CandidateFinding[] = [];
  let modelPromptChars = 0;
  let spent: Pick<ReviewDiffResult, "modelCostUsd" | "modelTokens"> = {};
  let modelFiles = reviewable;
  if (input.reviewer && input.config.modelReview && reviewable.length > 0) {
    const prompt = buildModelPrompt(reviewable, input.maxModelChars ?? DEFAULT_MODEL_CHARS, input.context);
    modelPromptChars = prompt.text.length;
    for (const p of prompt.overBudget) skipped.push({ path: p, reason: "size-cap" });
    coverage.modelTruncated = prompt.overBudget.length > 0;
    modelFiles = reviewable.filter((f) => prompt.included.includes(f.path));
    try {
      const out = await input.reviewer({ task: prompt.text, instructions: "", ...(input.signal ? { signal: input.signal } : {}) });
      candidates = out.candidates;
      coverage.modelReviewed = true;
      if (out.usage) spent = { modelCostUsd: out.costUsd ?? 0, modelTokens: { input: out.usage.input, output: out.usage.output } };
      if (out.note) {
        coverage.modelNote = out.note;
        notes.push(out.note);
      }
    } catch (error) {
      coverage.modelNote = `The model review could not run (${error instanceof Error ? error.message.slice(0, 200) : "error"}); only the deterministic checks ran.`;
      notes.push(coverage.modelNote);
    }
  } else if (!input.config.modelReview) coverage.modelNote = "Model review is turned off in .github/agent.yml; only the deterministic checks ran.";
  else if (!input.reviewer) coverage.modelNote = input.noReviewerReason ?? "No model is configured; only the deterministic checks ran.";
  coverage.filesReviewed = modelFiles.length;
  coverage.linesReviewed = modelFiles.reduce((n, f) => n + addedLines(f).length, 0);

  const anchoredModel = anchorFindings(candidates, files);
  const seen = new Set<string>();
  const keep = (f: { severity: Severity }) => atLeast(f.severity, input.config.minSeverity);
  const findings = sortFindings(uniqueByFingerprint([...deterministic, ...anchoredModel.anchored].filter(keep), seen));
  const unanchored: UnanchoredFinding[] = sortFindings(uniqueByFingerprint(anchoredModel.unanchored.filter(keep), seen));
  return { findings, unanchored, coverage, notes, modelPromptChars, ...spent };
}

/**
 * The `report_finding` tool the review agent calls once per finding. Arguments are validated with
 * zod; a bad call goes back to the model as a tool error so it can correct itself. The tool only
 * records: it never writes to the workspace.
 *
 * The CWE is forgiving: `CWE89`, `89`, `cwe-89`, `CWE-089` are all recorded as `CWE-89`, and a
 * finding without a CWE (or with one that names no number) is recorded as such, not refused: a
 * model that does not retry must not lose a real finding over its label.
 */
import { z } from "zod";
import type { AgentTool } from "../agent/types.js";
import { SEVERITIES } from "../config/repo-config.js";
import type { CandidateFinding } from "./anchor-findings.js";
import { NO_CWE, normalizeCwe } from "./cwe.js";

export const reportFindingSchema = z
  .object({
    path: z.string().min(1).max(500).describe("File path relative to the repository root, as shown in the diff"),
    line: z.number().int().positive().describe("RIGHT-side (new) line number of the vulnerable code; the last line of a range"),
    start_line: z.number().int().positive().optional().describe("First line of a multi-line range"),
    severity: z.enum(SEVERITIES),
    cwe: z
      .union([z.string().max(200), z.number()])
      .nullish()
      .describe("CWE id such as CWE-89; leave it out when none fits"),
    title: z.string().min(3).max(120),
    explanation: z.string().min(10).max(3000).describe("What is wrong, how it can be exploited, and how to fix it"),
    suggested_fix: z.string().max(4000).optional().describe("Replacement text for lines start_line..line (exact code, no fences), only when the fix is local"),
  })
  .strict();

export type ReportFindingArgs = z.infer<typeof reportFindingSchema>;

const PARAMETERS = {
  type: "object",
  additionalProperties: false,
  required: ["path", "line", "severity", "title", "explanation"],
  properties: {
    path: { type: "string", description: "File path relative to the repository root, as shown in the diff" },
    line: { type: "integer", minimum: 1, description: "RIGHT-side (new) line number of the vulnerable code; the last line of a range" },
    start_line: { type: "integer", minimum: 1, description: "First line of a multi-line range" },
    severity: { type: "string", enum: [...SEVERITIES] },
    cwe: { type: "string", description: "CWE id such as CWE-89 (the weakness class); leave it out when none fits" },
    title: { type: "string", maxLength: 120 },
    explanation: { type: "string", maxLength: 3000, description: "What is wrong, how it can be exploited, and how to fix it" },
    suggested_fix: {
      type: "string",
      maxLength: 4000,
      description: "Replacement text for lines start_line..line (exact code, no fences), only when the fix is local",
    },
  },
};

export const MAX_MODEL_FINDINGS = 50;

export function createReportFindingTool(sink: CandidateFinding[]): AgentTool {
  return {
    name: "report_finding",
    description:
      "Report one security finding in the changed code. Call once per distinct vulnerability; line numbers are the new-file numbers shown in the diff.",
    parameters: PARAMETERS,
    mutating: false,
    async handle(args: unknown) {
      const parsed = reportFindingSchema.safeParse(typeof args === "string" ? safeJson(args) : args);
      if (!parsed.success) {
        return { ok: false, output: `Invalid finding: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(args)"}: ${i.message}`).join("; ")}` };
      }
      if (sink.length >= MAX_MODEL_FINDINGS)
        return { ok: false, output: `Limit of ${MAX_MODEL_FINDINGS} findings reached; report only the most severe remaining issues in your final message.` };
      const a = parsed.data;
      const cwe = normalizeCwe(a.cwe);
      const c: CandidateFinding = {
        path: a.path,
        line: a.line,
        severity: a.severity,
        cwe: cwe ?? NO_CWE,
        title: a.title,
        explanation: a.explanation,
        source: "model",
      };
      if (a.start_line !== undefined) c.startLine = a.start_line;
      if (a.suggested_fix !== undefined) c.suggestedFix = a.suggested_fix;
      sink.push(c);
      const given = typeof a.cwe === "number" ? String(a.cwe) : (a.cwe ?? "").trim();
      if (cwe) return { ok: true, output: `Recorded finding #${sink.length} as ${cwe}.` };
      if (given)
        return {
          ok: true,
          output: `Recorded finding #${sink.length} without a CWE: '${given.slice(0, 60)}' names no CWE number (use the form CWE-89 next time).`,
        };
      return { ok: true, output: `Recorded finding #${sink.length} without a CWE.` };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

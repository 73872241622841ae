/**
 * The self-review's outcome for the PR body and the status comment: what was sent back to the
 * agent and what is still there. Paths and titles come from our own checks or the review model;
 * the caller posts them through formatOutbound like every other text.
 */
import type { SelfReviewReport } from "./self-review.js";

const code = (text: string): string => `\`${text.replace(/`/g, "'").replace(/[\r\n]+/g, " ")}\``;

/** One line for the status comment; empty when self-review did not run. */
export function selfReviewLine(r: SelfReviewReport): string {
  if (r.reviews === 0) return "";
  const fixed = r.rounds > 0 ? `${r.sentBack} finding(s) went back to the agent in ${r.rounds} round(s); ` : "";
  const left = r.remaining.length === 0 ? "nothing remains." : `${r.remaining.length} remain (listed in the pull request).`;
  return `**Self-review** before pushing: ${fixed}${left}${r.note ? ` ${r.note}` : ""}`;
}

/** The PR body section; empty when self-review did not run. */
export function selfReviewSection(r: SelfReviewReport): string {
  if (r.reviews === 0) return "";
  const head = ["## Security self-review", ""];
  const sent =
    r.rounds > 0
      ? [`The app's security review ran on this change before it was pushed; ${r.sentBack} finding(s) went back to the agent (${r.rounds} round(s)).`]
      : ["The app's security review ran on this change before it was pushed."];
  if (r.remaining.length === 0) return [...head, ...sent, "Nothing remains.", ...(r.note ? [r.note] : [])].join("\n");
  const list = r.remaining
    .slice(0, 30)
    .map((f) => `- **${f.severity}** ${code(f.line ? `${f.path}:${f.line}` : f.path)}: ${f.title.replace(/[\r\n]+/g, " ").slice(0, 200)} (${f.cwe})`);
  return [
    ...head,
    ...sent,
    "",
    "Still there — review these before merging:",
    "",
    ...list,
    ...(r.remaining.length > 30 ? [`- …and ${r.remaining.length - 30} more`] : []),
    ...(r.note ? ["", r.note] : []),
  ].join("\n");
}

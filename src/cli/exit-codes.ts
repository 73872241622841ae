/**
 * The CLI's exit codes. Scripts and CI pipelines branch on these, so they are part of the public
 * interface: never renumber them.
 */
import type { AgentOutcome } from "../agent/types.js";

export const EXIT = {
  /** The agent finished the task (and left or committed changes), or the review ran. */
  ok: 0,
  /** The run failed: model error, unreachable endpoint, sandbox failure, cancelled. */
  failed: 1,
  /** Bad flags or a setup problem found before anything ran: missing key, not a git repo, invalid agent.yml. */
  usage: 2,
  /** A budget (turns, minutes, tokens, USD) ran out before the task was done. */
  budgetExhausted: 3,
  /** The agent finished without changing any file. */
  noChanges: 4,
  /** `review --fail-on SEVERITY`: a finding at or above that severity was found. */
  findings: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Map the agent's outcome to the process exit code. */
export function exitCodeForOutcome(outcome: AgentOutcome): ExitCode {
  switch (outcome) {
    case "completed":
      return EXIT.ok;
    case "no_changes":
      return EXIT.noChanges;
    case "budget_exhausted":
      return EXIT.budgetExhausted;
    case "cancelled":
    case "failed":
      return EXIT.failed;
  }
}

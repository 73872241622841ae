/**
 * Turn whatever ended a run into text for the status comment: what happened and what the user can
 * do. Never a stack trace; always redacted (with the installation token as a literal secret).
 */
import { AppError, userMessageOf } from "../shared/errors.js";
import { redactSecrets } from "../shared/redact.js";

export class RunStoppedError extends AppError {
  /** A deliberate stop with a message for the user (no changes allowed, secret found...). */
  constructor(
    userMessage: string,
    readonly outcome: "failed" | "no_changes" = "failed",
  ) {
    super("workspace/commit-refused", userMessage, { userMessage });
  }
}

const WORKFLOW_REFUSAL = /refusing to allow a GitHub App to create or update workflow/i;
const RULESET_REFUSAL = /\bGH013\b|repository rule violations|protected branch hook declined/i;

function textOf(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    if (e instanceof Error) parts.push(e.message, JSON.stringify((e as { data?: unknown }).data ?? ""));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join("\n");
}

export function explainFailure(error: unknown, secrets: readonly string[] = []): { message: string; hint: string } {
  const text = textOf(error);
  const code = error instanceof AppError ? error.code : undefined;
  let message: string;
  let hint = "Comment `/agent fix` to try again.";
  if (code === "github/push-refused" && error instanceof AppError && error.userMessage) {
    // An API commit GitHub refused: its own explanation (which rule, which permission) is kept.
    message = error.userMessage;
    hint = "A repository admin can allow the app in the ruleset, or you can apply the change by hand.";
  } else if (WORKFLOW_REFUSAL.test(text)) {
    message = "GitHub refused the push because it changes files under `.github/workflows/`, and this app does not have the **workflows** permission.";
    hint = "Ask for the change without touching workflow files, or make the workflow change by hand.";
  } else if (RULESET_REFUSAL.test(text)) {
    message = "GitHub refused the push: a repository rule or branch protection (GH013) does not allow it.";
    hint = "A repository admin can allow the app in the ruleset, or you can apply the change by hand.";
  } else if (code === "workspace/branch-moved") {
    message = "The branch moved while I was working (someone pushed to it). I did not overwrite it, and nothing was pushed.";
    hint = "Comment `/agent fix` to start again from the new head.";
  } else if (code === "budget/exceeded") {
    message = `The run stopped at its budget: ${userMessageOf(error)}`;
    hint = "Raise `limits` in `.github/agent.yml` (within the operator's caps) or narrow the request.";
  } else if (code?.startsWith("model/")) {
    message = `The model request failed: ${userMessageOf(error)}`;
    hint =
      "This is usually temporary: comment `/agent fix` to try again later, and tell the app's operator if it keeps happening (the details are in the app's logs).";
  } else if (code?.startsWith("sandbox/")) {
    message = `The sandbox refused or could not run: ${userMessageOf(error)}`;
    hint = "This is a problem with the app's installation, not with the request: tell the app's operator (the details are in the app's logs).";
  } else if (code === "workspace/clone" || code === "workspace/auth" || code === "workspace/too-large" || code === "workspace/not-found") {
    message = error instanceof AppError && error.userMessage ? error.userMessage : "Cloning the repository failed.";
    hint =
      code === "workspace/too-large"
        ? "The operator's size caps decide what fits; the message above names the one that was hit."
        : "This is usually temporary. Comment `/agent fix` to try again.";
  } else if (code === "workspace/worker") {
    message = error instanceof AppError && error.userMessage ? error.userMessage : "The repository work for this job stopped unexpectedly; nothing was pushed.";
    hint = "Comment `/agent fix` to try again. If it keeps happening, the operator can raise AGENT_WORKSPACE_MEMORY_MB or AGENT_WORKSPACE_TIMEOUT_MINUTES.";
  } else if (code === "workspace/push" || code === "github/push-refused") {
    message = error instanceof AppError && error.userMessage ? error.userMessage : "Pushing the changes failed.";
  } else if (code === "job/cancelled") {
    message = "Stopped on request.";
    hint = "Comment `/agent fix` to start again.";
  } else {
    message = userMessageOf(error);
  }
  return { message: redactSecrets(message, secrets), hint };
}
